package io.relops.deploy.release;

import io.relops.common.event.ReleaseRequested;
import io.relops.common.release.ReleaseStatus;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A release as deploy-service knows it: the version asked for and what it replaces, where it runs
 * ({@code slot}, {@code endpoint}), what serves users meanwhile ({@code stableSlot}), how far its
 * traffic has gone ({@code step}, {@code weight} percent), and who asked and approved. {@code seq}
 * counts transitions, so a timer set in one phase knows whether that phase is still current.
 */
public record Release(
        UUID id,
        String application,
        String environment,
        String version,
        @Nullable String previousVersion,
        @Nullable UUID previousRelease,
        String strategy,
        ReleaseStatus status,
        @Nullable String slot,
        @Nullable String endpoint,
        @Nullable String stableSlot,
        @Nullable String stableEndpoint,
        int step,
        int weight,
        int seq,
        boolean paused,
        String requestedBy,
        @Nullable String approvedBy,
        @Nullable UUID backupId,
        @Nullable String backupSha256,
        @Nullable String reason,
        @Nullable String commitRef,
        @Nullable OffsetDateTime watchUntil,
        OffsetDateTime requestedAt,
        OffsetDateTime updatedAt,
        @Nullable OffsetDateTime completedAt) {

    /** A new release, as first recorded: what was asked for, and what serves meanwhile. */
    static Release requested(
            ReleaseRequested request,
            String strategy,
            Optional<LiveVersion> live,
            ReleaseStatus status,
            @Nullable String reason,
            OffsetDateTime requestedAt) {
        OffsetDateTime now = OffsetDateTime.now();
        return new Release(
                request.releaseId(),
                request.application(),
                request.environment(),
                request.version(),
                live.map(LiveVersion::version).orElse(null),
                live.map(LiveVersion::releaseId).orElse(null),
                strategy,
                status,
                null,
                null,
                live.map(LiveVersion::slot).orElse(null),
                live.map(LiveVersion::endpoint).orElse(null),
                0,
                0,
                0,
                false,
                request.requestedBy(),
                null,
                null,
                null,
                reason,
                request.commit(),
                null,
                requestedAt,
                now,
                status.isTerminal() ? now : null);
    }

    String appKey() {
        return application + "/" + environment;
    }
}
