package io.relops.audit.log;

import io.relops.common.audit.AuditChain;
import io.relops.common.audit.ChainVerifier;
import io.relops.common.audit.Checkpoint;
import io.relops.common.audit.Verdict;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/** Verifies a range of the stored chain against its signed checkpoints. */
@Service
public class AuditVerifier {

    private final AuditStore store;
    private final SigningKey key;

    AuditVerifier(AuditStore store, SigningKey key) {
        this.store = store;
        this.key = key;
    }

    /**
     * @param from the first sequence number (default 1, the start of the log)
     * @param to the last (default: the newest record; the newest checkpoint still counts, so deleted
     *     newest records are found)
     */
    public Verdict verify(@Nullable Long from, @Nullable Long to) {
        long first = from == null ? 1 : from;
        if (first < 1 || (to != null && to < first)) {
            throw new IllegalArgumentException(
                    "the range must satisfy 1 <= from <= to (from=" + from + ", to=" + to + ")");
        }
        long last = to == null ? Long.MAX_VALUE : to;
        List<Checkpoint> checkpoints = store.checkpoints(first, last);
        String anchor = first == 1 ? AuditChain.GENESIS : anchorBefore(first);
        ChainVerifier verifier = new ChainVerifier(first, anchor, checkpoints, key.publicKey());
        store.stream(first, last, AuditQuery.ALL, (entry, matches) -> {
            verifier.accept(entry);
            return verifier.wantsMore();
        });
        Verdict verdict = verifier.finish();
        if (verdict.valid() && to != null && verdict.lastSeq() < to) {
            return new Verdict(
                    false,
                    verdict.lastSeq() + 1,
                    Verdict.Reason.MISSING,
                    "the log ends at seq " + verdict.lastSeq() + ": records " + (verdict.lastSeq() + 1) + " to " + to
                            + " are missing",
                    verdict.records(),
                    verdict.checkpoints(),
                    verdict.lastSeq());
        }
        return verdict;
    }

    /** The hash record {@code seq - 1} must have: its stored hash (checked when verifying from earlier). */
    private String anchorBefore(long seq) {
        return store.checkpoints(seq - 1, seq - 1).stream()
                .map(Checkpoint::hash)
                .findFirst()
                .or(() -> store.hashAt(seq - 1))
                .orElse(AuditChain.GENESIS);
    }
}
