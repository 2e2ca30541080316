package io.relops.backup.lifecycle;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where a backup is in its life, with the moves it may make (one table, {@link #NEXT}):
 *
 * <pre>
 * REQUESTED → RUNNING → COMPLETED → PRUNED (by retention)
 *                     ↘ FAILED
 * </pre>
 *
 * A request refused at once (no policy, unknown driver) starts FAILED. A RUNNING backup whose instance stopped
 * reporting progress is claimed again: RUNNING → RUNNING. Only a COMPLETED backup has an artifact to verify or restore.
 * The catalog ({@link BackupRepository}) stores the name of the constant in {@code backup.status}.
 */
public enum BackupStatus {
    REQUESTED,
    RUNNING,
    COMPLETED,
    FAILED,
    PRUNED;

    private static final Map<BackupStatus, Set<BackupStatus>> NEXT = Map.of(
            REQUESTED, EnumSet.of(RUNNING),
            RUNNING, EnumSet.of(RUNNING, COMPLETED, FAILED),
            COMPLETED, EnumSet.of(PRUNED),
            FAILED, EnumSet.noneOf(BackupStatus.class),
            PRUNED, EnumSet.noneOf(BackupStatus.class));

    /** The states a backup is recorded in. */
    public static final Set<BackupStatus> INITIAL = EnumSet.of(REQUESTED, FAILED);

    public boolean canBecome(BackupStatus next) {
        return NEXT.get(this).contains(next);
    }

    /** {@code next}, when this state may become it; else an {@link IllegalStateException} naming the move. */
    public BackupStatus to(BackupStatus next) {
        if (!canBecome(next)) {
            throw new IllegalStateException("a " + this + " backup cannot become " + next);
        }
        return next;
    }

    /** Nothing happens to the backup any more. */
    public boolean terminal() {
        return NEXT.get(this).isEmpty();
    }
}
