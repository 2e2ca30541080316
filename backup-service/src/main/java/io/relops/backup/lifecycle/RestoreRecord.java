package io.relops.backup.lifecycle;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** One restore of a backup: asked for by an operator, or by a rollback. */
public record RestoreRecord(
        UUID id,
        UUID backupId,
        String application,
        @Nullable UUID releaseId,
        String trigger,
        String requestedBy,
        RestoreStatus status,
        @Nullable String reason,
        Instant requestedAt,
        @Nullable Instant startedAt,
        @Nullable Instant completedAt,
        @Nullable Long durationMs) {}
