package io.relops.common.event;

import java.util.UUID;

/** A backup was restored. */
public record RestoreCompleted(UUID restoreId, UUID backupId, String application, long durationMs)
        implements EventData {}
