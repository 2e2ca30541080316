package io.relops.common.event;

import java.util.UUID;

/** A restore of a backup was asked for. */
public record RestoreRequested(UUID restoreId, UUID backupId, String application, String requestedBy)
        implements EventData {}
