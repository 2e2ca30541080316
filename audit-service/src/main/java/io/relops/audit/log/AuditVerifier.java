package io.relops.audit.log;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.relops.common.audit.AuditChain;
import io.relops.common.audit.ChainVerifier;
import io.relops.common.audit.Checkpoint;
import io.relops.common.audit.RetentionChecks;
import io.relops.common.audit.Verdict;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Verifies a range of the stored chain against its signed checkpoints (with every configured public key, so
 * checkpoints from before a key rotation verify too), every retention checkpoint ({@link RetentionChecks}) and,
 * when the range runs to the head, the log's head against the checkpoints anchored outside the database ({@link
 * CheckpointAnchors}).
 */
@Service
public class AuditVerifier {

    private static final Logger log = LoggerFactory.getLogger(AuditVerifier.class);

    private final AuditStore store;
    private final SigningKey key;
    private final CheckpointAnchors anchors;
    private final Counter valid;
    private final Counter failed;

    AuditVerifier(AuditStore store, SigningKey key, CheckpointAnchors anchors, MeterRegistry meters) {
        this.store = store;
        this.key = key;
        this.anchors = anchors;
        this.valid = verifications(meters, "valid");
        this.failed = verifications(meters, "failed");
    }

    private static Counter verifications(MeterRegistry meters, String outcome) {
        return Counter.builder("relops.audit.verifications")
                .description("verifications of the audit chain (scheduled, GET /api/audit/verify, release evidence)"
                        + " by outcome; a failed one means records were altered, removed or are missing")
                .tag("outcome", outcome)
                .register(meters);
    }

    /**
     * Counted in {@code relops.audit.verifications{outcome=valid|failed}} (a bad range is no verification).
     *
     * @param from the first sequence number (default: the start of the log, 1 or the first record after the
     *     latest retention checkpoint; an earlier {@code from} starts there too, those records were pruned)
     * @param to the last (default: the newest record; the newest checkpoint and the newest anchored checkpoint
     *     still count, so deleted newest records are found)
     */
    public Verdict verify(@Nullable Long from, @Nullable Long to) {
        Verdict verdict = check(from, to);
        (verdict.valid() ? valid : failed).increment();
        if (!verdict.valid()) {
            log.error("the audit log failed verification: {}", verdict.detail());
        }
        return verdict;
    }

    private Verdict check(@Nullable Long from, @Nullable Long to) {
        if ((from != null && from < 1) || (from != null && to != null && to < from)) {
            throw new IllegalArgumentException(
                    "the range must satisfy 1 <= from <= to (from=" + from + ", to=" + to + ")");
        }
        Map<String, PublicKey> keys = key.verificationKeys();
        // every pruning first: a retention checkpoint that is not one is the most precise thing to report
        RetentionChecks.Outcome retention = RetentionChecks.check(store.retentionCheckpoints(), keys);
        if (retention.failure() != null) {
            return retention.failure();
        }
        long first = Math.max(from == null ? 1 : from, store.firstRetainedSeq());
        long last = to == null ? Long.MAX_VALUE : to;
        // from the checkpoint before the range: after pruning, the retention checkpoint the range is anchored on
        List<Checkpoint> checkpoints = store.checkpoints(first - 1, last);
        String anchor = store.anchorBefore(first);
        ChainVerifier verifier = new ChainVerifier(first, anchor, checkpoints, keys);
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
        if (!verdict.valid()) {
            return verdict;
        }
        verdict = verdict.withNotes(retention.notes());
        return to == null ? againstAnchors(verdict, keys) : verdict;
    }

    /** Compares the log's head with the newest checkpoints anchored outside the database. */
    private Verdict againstAnchors(Verdict verdict, Map<String, PublicKey> keys) {
        CheckpointAnchors.Anchored anchored;
        try {
            anchored = anchors.newest();
        } catch (RuntimeException e) {
            return verdict.withNotes(List.of(
                    "the anchor topic could not be read, the head was not compared with it: " + e.getMessage()));
        }
        List<String> notes = new ArrayList<>();
        List<CheckpointAnchors.Anchor> signed = new ArrayList<>();
        int unsigned = anchored.malformed();
        for (CheckpointAnchors.Anchor anchor : anchored.checkpoints()) {
            if (anchor.checkpoint().verify(keys)) {
                signed.add(anchor);
            } else {
                unsigned++;
            }
        }
        if (unsigned > 0) {
            notes.add(unsigned + " record(s) on the anchor topic are not checkpoints signed by a configured key:"
                    + " ignored (only audit-service should be able to write to the topic)");
        }
        if (signed.isEmpty()) {
            notes.add("the anchor topic holds no signed checkpoint yet");
            return verdict.withNotes(notes);
        }
        long head = store.headSeq();
        CheckpointAnchors.Anchor newest = signed.stream()
                .max(Comparator.comparingLong(a -> a.checkpoint().seq()))
                .orElseThrow();
        List<CheckpointAnchors.Anchor> missing = new ArrayList<>();
        for (CheckpointAnchors.Anchor anchor : signed) {
            Checkpoint anchoredCheckpoint = anchor.checkpoint();
            Optional<Checkpoint> stored = store.checkpoint(anchoredCheckpoint.seq(), anchoredCheckpoint.kind());
            if (stored.isEmpty()) {
                missing.add(anchor);
            } else if (!stored.get().hash().equals(anchoredCheckpoint.hash())) {
                return anchorFailure(
                        verdict,
                        anchoredCheckpoint.seq(),
                        "the log's " + anchoredCheckpoint.kind() + " checkpoint at seq " + anchoredCheckpoint.seq()
                                + " has hash " + stored.get().hash() + ", but the one anchored at "
                                + AuditChain.formatTime(anchor.publishedAt()) + " has " + anchoredCheckpoint.hash()
                                + ": the log was rewritten after it was anchored",
                        notes);
            }
        }
        if (newest.checkpoint().seq() > head) {
            return anchorFailure(
                    verdict,
                    head + 1,
                    "records " + (head + 1) + " to " + newest.checkpoint().seq() + " and " + missing.size()
                            + " checkpoint(s) are missing at the head; the anchor at seq "
                            + newest.checkpoint().seq() + " was published "
                            + AuditChain.formatTime(newest.publishedAt()),
                    notes);
        }
        if (!missing.isEmpty()) {
            CheckpointAnchors.Anchor first = missing.get(0);
            return anchorFailure(
                    verdict,
                    first.checkpoint().seq(),
                    missing.size() + " anchored checkpoint(s) are missing from the log, the first "
                            + first.checkpoint().describe() + ", anchored "
                            + AuditChain.formatTime(first.publishedAt()),
                    notes);
        }
        long notAnchored = store.unanchoredCheckpoints();
        if (notAnchored > 0) {
            notes.add(notAnchored + " checkpoint(s) are not anchored yet");
        }
        notes.add("the head agrees with the newest anchored checkpoint (seq "
                + newest.checkpoint().seq() + ", published " + AuditChain.formatTime(newest.publishedAt()) + ")");
        return verdict.withNotes(notes);
    }

    private static Verdict anchorFailure(Verdict verdict, long seq, String detail, List<String> notes) {
        List<String> all = new ArrayList<>(verdict.notes());
        all.addAll(notes);
        return new Verdict(
                false,
                seq,
                Verdict.Reason.ANCHOR_MISMATCH,
                detail,
                verdict.records(),
                verdict.checkpoints(),
                verdict.lastSeq(),
                all);
    }
}
