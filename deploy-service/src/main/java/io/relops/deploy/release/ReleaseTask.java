package io.relops.deploy.release;

import io.relops.common.release.ReleaseStatus;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A unit of work of the release engine, run by the {@link TaskRunner} outside the consumer threads:
 * a target call, or a timer. {@code seq} is the release's transition count when the task was made:
 * a transition deletes the tasks of the phases it ends (see {@link TaskQueue#cancelStale}). {@code traceparent} is the trace context it was queued in (read
 * back from the queue; a new task takes the current one).
 */
record ReleaseTask(
        long id,
        UUID releaseId,
        Kind kind,
        int seq,
        @Nullable String slot,
        @Nullable String version,
        @Nullable Integer step,
        @Nullable Integer weight,
        @Nullable ReleaseStatus finalStatus,
        @Nullable String reason,
        @Nullable OffsetDateTime causeTime,
        int attempts,
        @Nullable String traceparent) {

    enum Kind {
        /** Run the release's version on its slot. */
        DEPLOY,
        /** Move traffic to canary step {@code step} ({@code weight} percent), or all of it (blue-green). */
        SHIFT,
        /** Return all traffic to the stable version and end the release in {@code finalStatus}. */
        ROLLBACK,
        /** Bring the previous version of a completed release back. */
        RESTORE,
        /** Stop a slot that traffic has left, unless something uses it again. */
        STOP,
        /** The phase the release was in when this was made has gone on too long. */
        DEADLINE,
        /** A timed canary pause is over. */
        RESUME;

        boolean isCall() {
            return this != DEADLINE && this != RESUME;
        }
    }

    static ReleaseTask of(UUID releaseId, Kind kind, int seq) {
        return new ReleaseTask(0, releaseId, kind, seq, null, null, null, null, null, null, null, 0, null);
    }

    /** Whether this task calls the target (run leased, outside any transaction) rather than being a timer. */
    boolean isCall() {
        return kind.isCall();
    }

    ReleaseTask slot(String value) {
        return new ReleaseTask(
                id,
                releaseId,
                kind,
                seq,
                value,
                version,
                step,
                weight,
                finalStatus,
                reason,
                causeTime,
                attempts,
                traceparent);
    }

    ReleaseTask version(String value) {
        return new ReleaseTask(
                id,
                releaseId,
                kind,
                seq,
                slot,
                value,
                step,
                weight,
                finalStatus,
                reason,
                causeTime,
                attempts,
                traceparent);
    }

    ReleaseTask step(int stepValue, int weightValue) {
        return new ReleaseTask(
                id,
                releaseId,
                kind,
                seq,
                slot,
                version,
                stepValue,
                weightValue,
                finalStatus,
                reason,
                causeTime,
                attempts,
                traceparent);
    }

    ReleaseTask ending(ReleaseStatus status, String why, OffsetDateTime since) {
        return new ReleaseTask(
                id, releaseId, kind, seq, slot, version, step, weight, status, why, since, attempts, traceparent);
    }

    ReleaseTask reason(String why) {
        return new ReleaseTask(
                id,
                releaseId,
                kind,
                seq,
                slot,
                version,
                step,
                weight,
                finalStatus,
                why,
                causeTime,
                attempts,
                traceparent);
    }
}
