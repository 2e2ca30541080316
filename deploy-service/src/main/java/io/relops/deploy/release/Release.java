package io.relops.deploy.release;

import java.time.OffsetDateTime;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A release as deploy-service knows it. */
public record Release(
        UUID id,
        String application,
        String environment,
        String version,
        @Nullable String previousVersion,
        String strategy,
        ReleaseStatus status,
        @Nullable String slot,
        @Nullable String endpoint,
        String requestedBy,
        @Nullable String reason,
        OffsetDateTime requestedAt,
        OffsetDateTime updatedAt,
        @Nullable OffsetDateTime completedAt) {}
