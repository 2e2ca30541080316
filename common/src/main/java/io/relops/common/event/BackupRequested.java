package io.relops.common.event;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A backup of an application's data was asked for: before a release, on demand or on schedule. */
public record BackupRequested(
        UUID backupId, String application, @Nullable UUID releaseId, String trigger, String requestedBy)
        implements EventData {}
