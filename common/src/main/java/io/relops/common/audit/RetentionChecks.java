package io.relops.common.audit;

import io.relops.common.audit.Verdict.Reason;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Checks every retention checkpoint of a log, oldest first: that it is signed, as a retention checkpoint, by a
 * configured key; that the ranges follow one another from record 1 ({@code from} = the previous one's {@code seq}
 * + 1); and that, by the policy it signed, every record it pruned was past its type's period at its {@code time}
 * (the newest pruned record of each type is signed with it). A format-1 retention checkpoint signed none of that:
 * it is checked for its signature only and reported in a note.
 */
public final class RetentionChecks {

    private RetentionChecks() {}

    /**
     * The outcome: a failure (a verdict that is not valid) or null, and notes.
     *
     * @param failure why the retention checkpoints do not verify, or null
     * @param notes what could not be checked
     */
    public record Outcome(@Nullable Verdict failure, List<String> notes) {}

    public static Outcome check(List<Checkpoint> checkpoints, Map<String, PublicKey> keys) {
        List<Checkpoint> retention = checkpoints.stream()
                .filter(c -> Checkpoint.RETENTION.equals(c.kind()))
                .sorted(Comparator.comparingLong(Checkpoint::seq))
                .toList();
        List<String> notes = new ArrayList<>();
        long expectedFrom = 1;
        for (Checkpoint checkpoint : retention) {
            if (!checkpoint.verify(keys)) {
                return failed(
                        checkpoint,
                        checkpoint.describe() + " has no valid signature of a configured key"
                                + (checkpoint.format() == Checkpoint.FORMAT_2
                                        ? " as a retention checkpoint of records " + from(checkpoint) + " to "
                                                + checkpoint.seq()
                                                + ": it was not made by relops' retention (a periodic checkpoint"
                                                + " relabelled, or a forged one), and the records it covers may have"
                                                + " been deleted early"
                                        : ""),
                        notes);
            }
            if (checkpoint.format() == Checkpoint.FORMAT_1) {
                notes.add(checkpoint.describe() + " is of format 1, which signs only the hash of record "
                        + checkpoint.seq() + ": that records " + expectedFrom + " to " + checkpoint.seq()
                        + " were past their retention period when pruned cannot be checked");
                expectedFrom = checkpoint.seq() + 1;
                continue;
            }
            Checkpoint.Pruning pruning = checkpoint.pruning();
            if (pruning == null) {
                return failed(checkpoint, checkpoint.describe() + " names no pruned range", notes);
            }
            if (pruning.from() != expectedFrom || pruning.from() > checkpoint.seq()) {
                return failed(
                        checkpoint,
                        checkpoint.describe() + " pruned records " + pruning.from() + " to " + checkpoint.seq()
                                + ", but the log's first remaining record was " + expectedFrom,
                        notes);
            }
            RetentionPolicy policy;
            try {
                policy = RetentionPolicy.parse(pruning.policy());
            } catch (RuntimeException e) {
                return failed(checkpoint, checkpoint.describe() + " has a malformed policy: " + e.getMessage(), notes);
            }
            for (Map.Entry<String, Instant> newest : pruning.newest().entrySet()) {
                Instant expires = newest.getValue().plus(policy.periodOf(newest.getKey()));
                if (expires.isAfter(checkpoint.time())) {
                    return failed(
                            checkpoint,
                            checkpoint.describe() + " pruned a " + newest.getKey() + " record recorded at "
                                    + AuditChain.formatTime(newest.getValue()) + ", which its policy keeps until "
                                    + AuditChain.formatTime(expires),
                            notes);
                }
            }
            expectedFrom = checkpoint.seq() + 1;
        }
        return new Outcome(null, notes);
    }

    private static long from(Checkpoint checkpoint) {
        return checkpoint.pruning() == null ? 1 : checkpoint.pruning().from();
    }

    private static Outcome failed(Checkpoint checkpoint, String detail, List<String> notes) {
        return new Outcome(
                new Verdict(false, checkpoint.seq(), Reason.RETENTION_INVALID, detail, 0, 0, 0, notes), notes);
    }
}
