package io.relops.common.event;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A backup of an application's data was asked for: before a release, on demand or on schedule. {@code environment}
 * is the environment whose data it is (its catalog settings say what to back up); null in events from before
 * environments, and for a backup of the application's own settings.
 */
public record BackupRequested(
        UUID backupId,
        String application,
        @Nullable UUID releaseId,
        String trigger,
        String requestedBy,
        @Nullable String environment)
        implements EventData {}
