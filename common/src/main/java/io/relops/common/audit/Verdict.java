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
 */
public record Verdict(
        boolean valid,
        @Nullable Long firstBadSeq,
        @Nullable Reason reason,
        String detail,
        long records,
        int checkpoints,
        long lastSeq) {

    public enum Reason {
        /** a record's content no longer matches its hash */
        MODIFIED,
        /** sequence numbers are missing (deleted records) */
        MISSING,
        /** a record is intact but sits at the wrong place in the chain */
        REORDERED,
        /** the chain does not match a signed checkpoint, or a checkpoint's signature is invalid */
        CHECKPOINT_MISMATCH
    }
}
