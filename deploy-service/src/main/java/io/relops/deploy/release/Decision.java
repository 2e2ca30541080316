package io.relops.deploy.release;

import io.relops.common.event.EventData;
import io.relops.common.release.ReleaseStatus;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What {@link ReleaseLifecycle#decide} returns: the release as it is now, its new timeline entries, the
 * events to emit, the work to schedule and the other effects, which the engine applies in one transaction.
 * {@code refusal} is set when the input was not allowed in the release's state; nothing else changes then
 * but the timeline entry that says so.
 */
record Decision(
        Release release,
        List<Entry> timeline,
        List<Emission> emissions,
        List<Work> work,
        List<Effect> effects,
        @Nullable String refusal) {

    /** One timeline entry: a transition (to {@code status}) or a note, in words. */
    record Entry(ReleaseStatus status, String message) {}

    /** An event to emit; its id derives from what caused it and {@code purpose}, so a repeat emits nothing new. */
    record Emission(Purpose purpose, EventData data) {}

    /** Why an event was emitted: part of its derived id. */
    enum Purpose {
        STARTED("started"),
        READY("ready"),
        SHIFTED("shifted"),
        COMPLETED("completed"),
        FAILED("failed"),
        ROLLED_BACK("rolled-back"),
        ROLLBACK_FAILED("rollback-failed"),
        ROLLBACK_REFUSED("rollback-refused");

        private final String idPart;

        Purpose(String idPart) {
            this.idPart = idPart;
        }

        String idPart() {
            return idPart;
        }
    }

    /** A task to queue: a target call or a timer, due after {@code delay}. */
    record Work(ReleaseTask task, Duration delay) {}

    /** Changes outside the release row. */
    sealed interface Effect {
        record MakeLive(LiveVersion live) implements Effect {}

        record SlotRunning(String slot, String version, String endpoint) implements Effect {}

        record SlotStopped(String slot) implements Effect {}

        /** Counted in {@code relops.release.outcomes}. */
        record Outcome(ReleaseOutcome outcome) implements Effect {}

        /** Recorded in {@code relops.release.duration}. */
        record ReleaseTook(Duration duration) implements Effect {}

        /** Recorded in {@code relops.release.rollback.duration}. */
        record RollbackTook(Duration duration) implements Effect {}

        /** Another release of the application ends at once (superseded, preempted by an emergency rollback). */
        record Preempt(UUID releaseId, String reason) implements Effect {}
    }

    /** The {@code outcome} tag of {@code relops.release.outcomes}. */
    enum ReleaseOutcome {
        COMPLETED,
        FAILED,
        REFUSED,
        REJECTED,
        ABORTED,
        ROLLED_BACK,
        ROLLBACK_FAILED;

        static ReleaseOutcome of(ReleaseStatus end) {
            return switch (end) {
                case COMPLETED -> COMPLETED;
                case REJECTED -> REJECTED;
                case ABORTED -> ABORTED;
                case ROLLED_BACK -> ROLLED_BACK;
                default -> FAILED;
            };
        }

        String tag() {
            return name().toLowerCase();
        }
    }

    boolean refused() {
        return refusal != null;
    }
}
