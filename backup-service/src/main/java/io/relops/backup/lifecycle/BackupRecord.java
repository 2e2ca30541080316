package io.relops.backup.lifecycle;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.relops.common.event.BackupVerified.Check;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One backup in the catalog: what was asked for and what became of it; also the API's view of a backup.
 * {@code bytesDone} is the progress of a running backup: the bytes of its artifact written so far (before encryption),
 * reported every {@code relops.backup.progress-interval}; {@code bytesTotal} what it is expected to reach (the previous
 * backup's size, else the driver's estimate from the source; null when unknown), and its final size once it
 * completed. {@code evidence} is what was recorded with it (row count per table, or file count).
 */
public record BackupRecord(
        UUID id,
        String application,
        @Nullable String environment,
        @Nullable UUID releaseId,
        String trigger,
        String requestedBy,
        BackupStatus status,
        @Nullable String reason,
        @Nullable String driver,
        @Nullable String location,
        @Nullable Long sizeBytes,
        long bytesDone,
        @Nullable Long bytesTotal,
        @Nullable String sha256,
        boolean encrypted,
        Instant requestedAt,
        @Nullable Instant startedAt,
        @Nullable Instant completedAt,
        @Nullable Long durationMs,
        @Nullable String verification,
        @Nullable List<Check> verificationChecks,
        @Nullable Instant verifiedAt,
        @Nullable Instant prunedAt,
        @Nullable String prunedReason,
        @JsonIgnore @Nullable String storageKey,
        Map<String, Long> evidence) {}
