package io.relops.common.event;

import java.util.UUID;

/** A backup was deleted by its retention policy. */
public record BackupPruned(UUID backupId, String application, String policy) implements EventData {}
