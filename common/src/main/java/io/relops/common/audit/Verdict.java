package io.relops.common.audit;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of verifying a range of the chain.
 *
 * @param valid whether every record and checkpoint in the range verified
 * @param firstBadSeq the first sequence number that failed, when not valid
 * @param reason why it failed, when not valid
 * @param detail a sentence naming what was found
 * @param records how many chain positions were checked
 * @param checkpoints how many signed checkpoints were checked
 * @param lastSeq the last sequence number checked (0 when none)
 * @param notes what the verification could not check or wants a reader to know, e.g. a format-1 retention
 *     checkpoint whose pruning is not signed, or checkpoints not anchored yet
 */
public record Verdict(
        boolean valid,
        @Nullable Long firstBadSeq,
        @Nullable Reason reason,
        String detail,
        long records,
        int checkpoints,
        long lastSeq,
        java.util.List<String> notes) {

    public Verdict {
        notes = java.util.List.copyOf(notes);
    }

    public Verdict(
            boolean valid,
            @Nullable Long firstBadSeq,
            @Nullable Reason reason,
            String detail,
            long records,
            int checkpoints,
            long lastSeq) {
        this(valid, firstBadSeq, reason, detail, records, checkpoints, lastSeq, java.util.List.of());
    }

    /** This verdict with {@code more} notes added. */
    public Verdict withNotes(java.util.List<String> more) {
        if (more.isEmpty()) {
            return this;
        }
        java.util.List<String> all = new java.util.ArrayList<>(notes);
        all.addAll(more);
        return new Verdict(valid, firstBadSeq, reason, detail, records, checkpoints, lastSeq, all);
    }

    public enum Reason {
        /** a record's content no longer matches its hash */
        MODIFIED,
        /** sequence numbers are missing (deleted records) */
        MISSING,
        /** a record is intact but sits at the wrong place in the chain */
        REORDERED,
        /** the chain does not match a signed checkpoint, or a checkpoint's signature is invalid */
        CHECKPOINT_MISMATCH,
        /** a retention checkpoint is not what relops' retention signs: wrong kind or range, young records */
        RETENTION_INVALID,
        /** the log ends before, or disagrees with, a checkpoint anchored outside the database */
        ANCHOR_MISMATCH
    }
}
