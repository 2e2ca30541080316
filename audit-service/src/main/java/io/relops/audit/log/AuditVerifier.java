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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Verifies a range of the stored chain against its signed checkpoints (with every configured public key, so
 * checkpoints from before a key rotation verify too), every retention checkpoint ({@link RetentionChecks}) and,
 * when the range runs to the head, the log's head against the checkpoints anchored outside the database: the
 * anchor topic ({@link CheckpointAnchors}) and, when it is on, the S3 bucket ({@link S3Anchors}), both alike; an
 * anchor that cannot be read is named in the notes and the other one still counts.
 */
@Service
public class AuditVerifier {

    private static final Logger log = LoggerFactory.getLogger(AuditVerifier.class);

    private final AuditStore store;
    private final SigningKey key;
    private final CheckpointAnchors anchors;
    private final S3Anchors s3Anchors;
    private final Counter valid;
    private final Counter failed;

    AuditVerifier(
            AuditStore store, SigningKey key, CheckpointAnchors anchors, S3Anchors s3Anchors, MeterRegistry meters) {
        this.store = store;
        this.key = key;
        this.anchors = anchors;
        this.s3Anchors = s3Anchors;
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
        List<String> notes = new ArrayList<>();
        List<CheckpointAnchors.Anchor> signed = new ArrayList<>();
        boolean read = false;
        try {
            collect(anchors.newest(), "record(s) on the anchor topic", "the topic", keys, signed, notes);
            read = true;
        } catch (RuntimeException e) {
            notes.add("the anchor topic could not be read, the head was not compared with it: " + e.getMessage());
        }
        if (s3Anchors.enabled()) {
            try {
                collect(
                        s3Anchors.newest(),
                        "object(s) under " + s3Anchors.location(),
                        "the bucket",
                        keys,
                        signed,
                        notes);
                read = true;
            } catch (RuntimeException e) {
                notes.add("the S3 anchor " + s3Anchors.location()
                        + " could not be read, the head was not compared with it: " + e.getMessage());
            }
        }
        if (!read) {
            return verdict.withNotes(notes);
        }
        if (signed.isEmpty()) {
            notes.add(
                    s3Anchors.enabled()
                            ? "neither the anchor topic nor the S3 anchor holds a signed checkpoint yet"
                            : "the anchor topic holds no signed checkpoint yet");
            return verdict.withNotes(notes);
        }
        long head = store.headSeq();
        CheckpointAnchors.Anchor newest = signed.stream()
                .max(Comparator.comparingLong(a -> a.checkpoint().seq()))
                .orElseThrow();
        List<CheckpointAnchors.Anchor> missing = new ArrayList<>();
        Set<String> missingCheckpoints = new HashSet<>();
        for (CheckpointAnchors.Anchor anchor : signed) {
            Checkpoint anchoredCheckpoint = anchor.checkpoint();
            Optional<Checkpoint> stored = store.checkpoint(anchoredCheckpoint.seq(), anchoredCheckpoint.kind());
            if (stored.isEmpty()) {
                // the same checkpoint in both anchors is one missing checkpoint
                if (missingCheckpoints.add(anchoredCheckpoint.seq() + "/" + anchoredCheckpoint.kind())) {
                    missing.add(anchor);
                }
            } else if (!stored.get().hash().equals(anchoredCheckpoint.hash())) {
                return anchorFailure(
                        verdict,
                        anchoredCheckpoint.seq(),
                        "the log's " + anchoredCheckpoint.kind() + " checkpoint at seq " + anchoredCheckpoint.seq()
                                + " has hash " + stored.get().hash() + ", but the one anchored at "
                                + AuditChain.formatTime(anchor.publishedAt()) + " (" + anchor.where() + ") has "
                                + anchoredCheckpoint.hash() + ": the log was rewritten after it was anchored",
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
                            + AuditChain.formatTime(newest.publishedAt()) + " (" + newest.where() + ")",
                    notes);
        }
        if (!missing.isEmpty()) {
            // the topic's and the bucket's anchors together: the lowest first
            missing.sort(Comparator.comparingLong(a -> a.checkpoint().seq()));
            CheckpointAnchors.Anchor first = missing.get(0);
            return anchorFailure(
                    verdict,
                    first.checkpoint().seq(),
                    missing.size() + " anchored checkpoint(s) are missing from the log, the first "
                            + first.checkpoint().describe() + ", anchored "
                            + AuditChain.formatTime(first.publishedAt()) + " (" + first.where() + ")",
                    notes);
        }
        long notAnchored = store.unanchoredCheckpoints();
        if (notAnchored > 0) {
            notes.add(notAnchored + " checkpoint(s) are not anchored yet");
        }
        notes.add("the head agrees with the newest anchored checkpoint (seq "
                + newest.checkpoint().seq() + ", published " + AuditChain.formatTime(newest.publishedAt()) + ", "
                + newest.where() + ")");
        return verdict.withNotes(notes);
    }

    /** Adds {@code anchored}'s checkpoints signed by a configured key to {@code signed}, and a note on the rest. */
    private static void collect(
            CheckpointAnchors.Anchored anchored,
            String what,
            String where,
            Map<String, PublicKey> keys,
            List<CheckpointAnchors.Anchor> signed,
            List<String> notes) {
        int unsigned = anchored.malformed();
        for (CheckpointAnchors.Anchor anchor : anchored.checkpoints()) {
            if (anchor.checkpoint().verify(keys)) {
                signed.add(anchor);
            } else {
                unsigned++;
            }
        }
        if (unsigned > 0) {
            notes.add(unsigned + " " + what + " are not checkpoints signed by a configured key:"
                    + " ignored (only audit-service should be able to write to " + where + ")");
        }
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
