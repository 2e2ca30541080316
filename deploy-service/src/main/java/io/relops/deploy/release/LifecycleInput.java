package io.relops.deploy.release;

import io.relops.common.release.ReleaseStatus;
import io.relops.deploy.release.ReleaseRepository.BackupOutcome;
import io.relops.deploy.targets.Routed;
import java.time.OffsetDateTime;
import org.jspecify.annotations.Nullable;

/**
 * What {@link ReleaseLifecycle#decide} decides on: an event another service or an operator sent, the
 * outcome of a target call, or a timer. docs/architecture.md ("Release lifecycle") has the table.
 */
sealed interface LifecycleInput {

    /** The release was just admitted: ask for approval, wait for the backup, or deploy. */
    record Start() implements LifecycleInput {}

    record Approve(String by, @Nullable String comment) implements LifecycleInput {}

    record Reject(String by, String reason) implements LifecycleInput {}

    record Promote(String by) implements LifecycleInput {}

    record Abort(String by, @Nullable String reason, OffsetDateTime at) implements LifecycleInput {}

    record Rollback(String by, boolean emergency, @Nullable String reason, OffsetDateTime at)
            implements LifecycleInput {}

    /** A newer release of the same application and environment takes this one's place. */
    record Supersede(String reason) implements LifecycleInput {}

    record BackupDone(BackupOutcome outcome) implements LifecycleInput {}

    record HealthVerified(@Nullable Integer step, int probes) implements LifecycleInput {}

    record HealthFailed(String reason, OffsetDateTime at) implements LifecycleInput {}

    /** The verification of {@code step} (null: the slot before traffic) could not decide: a human decides. */
    record HealthInconclusive(@Nullable Integer step, String reason) implements LifecycleInput {}

    // ---------------------------------------------------------------- target-call outcomes

    record Deployed(String slot, String version, String endpoint) implements LifecycleInput {}

    record DeployFailed(String slot, String version, String error) implements LifecycleInput {}

    /** The router confirmed {@code routed} for step {@code step} (asked: {@code weight} percent to the new slot). */
    record Shifted(int step, int weight, @Nullable Routed routed) implements LifecycleInput {

        Shifted(int step, int weight) {
            this(step, weight, null);
        }
    }

    record ShiftFailed(String error) implements LifecycleInput {}

    /**
     * All traffic is back on the stable slot. {@code end} is where the release ends; {@code null} when it
     * had already ended (superseded) and this only cleaned up after it.
     */
    record TrafficReturned(@Nullable ReleaseStatus end, String reason, OffsetDateTime since)
            implements LifecycleInput {}

    record ReturnFailed(@Nullable ReleaseStatus end, String error) implements LifecycleInput {}

    /** The previous version of a completed release serves again ({@code redeployed}: it had to be started). */
    record Restored(String slot, String version, String endpoint, String reason, OffsetDateTime since)
            implements LifecycleInput {}

    record RestoreFailed(String error) implements LifecycleInput {}

    /** A slot was stopped. */
    record Stopped(String slot) implements LifecycleInput {}

    /**
     * The outcome of a call the release no longer waits for (a deadline, an abort or a newer step came first):
     * recorded, and a slot it may have started is stopped.
     */
    record Late(ReleaseTask.Kind kind, @Nullable String slot, boolean succeeded, String what)
            implements LifecycleInput {

        static Late of(ReleaseTask call, LifecycleInput outcome) {
            String error = null;
            if (outcome instanceof DeployFailed failed) {
                error = failed.error();
            } else if (outcome instanceof ShiftFailed failed) {
                error = failed.error();
            } else if (outcome instanceof ReturnFailed failed) {
                error = failed.error();
            } else if (outcome instanceof RestoreFailed failed) {
                error = failed.error();
            }
            return new Late(call.kind(), call.slot(), error == null, error == null ? "it succeeded" : error);
        }
    }

    // ---------------------------------------------------------------- timers and the runner

    /** The phase that was current at transition {@code seq} has gone on too long. */
    record DeadlinePassed(int seq) implements LifecycleInput {}

    /** A timed canary pause set at transition {@code seq} is over. */
    record PauseOver(int seq) implements LifecycleInput {}

    /** A task failed unexpectedly again and again. */
    record TaskAbandoned(ReleaseTask.Kind kind, String error) implements LifecycleInput {}
}
