package io.relops.common.event;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The application serves {@code restoredVersion} again after {@code failedVersion} was rolled back;
 * {@code durationMs} is measured from the rollback's trigger.
 */
public record RollbackCompleted(
        UUID releaseId,
        String application,
        String environment,
        @Nullable String restoredVersion,
        String failedVersion,
        String reason,
        long durationMs)
        implements EventData {}
