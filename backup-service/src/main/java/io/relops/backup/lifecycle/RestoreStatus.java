package io.relops.backup.lifecycle;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where a restore is in its life, with the moves it may make (one table, {@link #NEXT}): REQUESTED → RUNNING →
 * COMPLETED or FAILED. A RUNNING restore whose instance stopped reporting is claimed again: RUNNING → RUNNING. The
 * catalog ({@link BackupRepository}) stores the name of the constant in {@code restore.status}.
 */
public enum RestoreStatus {
    REQUESTED,
    RUNNING,
    COMPLETED,
    FAILED;

    private static final Map<RestoreStatus, Set<RestoreStatus>> NEXT = Map.of(
            REQUESTED, EnumSet.of(RUNNING),
            RUNNING, EnumSet.of(RUNNING, COMPLETED, FAILED),
            COMPLETED, EnumSet.noneOf(RestoreStatus.class),
            FAILED, EnumSet.noneOf(RestoreStatus.class));

    public boolean canBecome(RestoreStatus next) {
        return NEXT.get(this).contains(next);
    }

    /** {@code next}, when this state may become it; else an {@link IllegalStateException} naming the move. */
    public RestoreStatus to(RestoreStatus next) {
        if (!canBecome(next)) {
            throw new IllegalStateException("a " + this + " restore cannot become " + next);
        }
        return next;
    }

    /** Nothing happens to the restore any more. */
    public boolean terminal() {
        return NEXT.get(this).isEmpty();
    }

    /** How a run ended. */
    public static RestoreStatus outcome(boolean ok) {
        return ok ? COMPLETED : FAILED;
    }
}
