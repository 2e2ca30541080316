package io.relops.audit.log;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
    private final Counter valid;
    private final Counter failed;

    AuditVerifier(AuditStore store, SigningKey key, MeterRegistry meters) {
        this.store = store;
        this.key = key;
        this.valid = verifications(meters, "valid");
        this.failed = verifications(meters, "failed");
    }

    private static Counter verifications(MeterRegistry meters, String outcome) {
        return Counter.builder("relops.audit.verifications")
                .description("verifications of the audit chain (GET /api/audit/verify, release evidence) by outcome;"
                        + " a failed one means records were altered, removed or are missing")
                .tag("outcome", outcome)
                .register(meters);
    }

    /**
     * Counted in {@code relops.audit.verifications{outcome=valid|failed}} (a bad range is no verification).
     *
     * @param from the first sequence number (default: the start of the log, 1 or the first record after the
     *     latest retention checkpoint; an earlier {@code from} starts there too, those records were pruned)
     * @param to the last (default: the newest record; the newest checkpoint still counts, so deleted
     *     newest records are found)
     */
    public Verdict verify(@Nullable Long from, @Nullable Long to) {
        Verdict verdict = check(from, to);
        (verdict.valid() ? valid : failed).increment();
        return verdict;
    }

    private Verdict check(@Nullable Long from, @Nullable Long to) {
        if ((from != null && from < 1) || (from != null && to != null && to < from)) {
            throw new IllegalArgumentException(
                    "the range must satisfy 1 <= from <= to (from=" + from + ", to=" + to + ")");
        }
        long first = Math.max(from == null ? 1 : from, store.firstRetainedSeq());
        long last = to == null ? Long.MAX_VALUE : to;
        // from the checkpoint before the range: after pruning, the retention checkpoint the range is anchored on
        List<Checkpoint> checkpoints = store.checkpoints(first - 1, last);
        String anchor = store.anchorBefore(first);
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
}
