package io.relops.common.event;

import java.util.UUID;

/** A restore failed; {@code reason} says why. */
public record RestoreFailed(UUID restoreId, UUID backupId, String application, String reason) implements EventData {}
