package io.relops.common.event;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A backup was taken and stored; {@code sha256} covers the stored artifact. */
public record BackupCompleted(
        UUID backupId,
        String application,
        @Nullable UUID releaseId,
        String artifactUri,
        long sizeBytes,
        String sha256,
        long durationMs)
        implements EventData {}
