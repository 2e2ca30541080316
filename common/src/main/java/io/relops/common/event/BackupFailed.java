package io.relops.common.event;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A backup could not be taken; {@code reason} says why. */
public record BackupFailed(
        UUID backupId, String application, @Nullable UUID releaseId, String reason) implements EventData {}
