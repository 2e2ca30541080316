package io.relops.deploy.release;

import io.relops.common.event.ReleaseRequested;
import io.relops.common.release.ReleaseStatus;
import io.relops.common.release.Strategy;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A release as deploy-service knows it: the version asked for and what it replaces, where it runs
 * ({@code slot}, {@code endpoint}), what serves users meanwhile ({@code stableSlot}), how far its
 * traffic has gone ({@code step}, {@code weight} percent), and who asked and approved. {@code seq}
 * counts transitions, so a timer set in one phase knows whether that phase is still current. A release to an
 * environment with a promotion rule records the release of the same version it was {@code promotedFrom}.
 */
public record Release(
        UUID id,
        String application,
        String environment,
        String version,
        @Nullable String previousVersion,
        @Nullable UUID previousRelease,
        Strategy strategy,
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
        @Nullable OffsetDateTime completedAt,
        @Nullable UUID promotedFrom) {

    /** A new release, as first recorded: what was asked for, and what serves meanwhile. */
    static Release requested(
            ReleaseRequested request,
            Strategy strategy,
            Optional<LiveVersion> live,
            ReleaseStatus status,
            @Nullable String reason,
            OffsetDateTime requestedAt) {
        return requested(request, strategy, live, status, reason, requestedAt, null);
    }

    /** A new release promoted from {@code promotedFrom} (the source release in the environment required first). */
    static Release requested(
            ReleaseRequested request,
            Strategy strategy,
            Optional<LiveVersion> live,
            ReleaseStatus status,
            @Nullable String reason,
            OffsetDateTime requestedAt,
            @Nullable UUID promotedFrom) {
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
                status.isTerminal() ? now : null,
                promotedFrom);
    }

    /** A copy to change: the parts of a release that its lifecycle moves. */
    Draft draft() {
        return new Draft(this);
    }

    /** The mutable parts of a release while {@link ReleaseLifecycle} decides; {@link #build} makes it a release again. */
    static final class Draft {
        private final Release from;
        ReleaseStatus status;

        @Nullable
        String slot;

        @Nullable
        String endpoint;

        int step;
        int weight;
        int seq;
        boolean paused;
        final String requestedBy;

        @Nullable
        String approvedBy;

        @Nullable
        UUID backupId;

        @Nullable
        String backupSha256;

        @Nullable
        String reason;

        @Nullable
        OffsetDateTime watchUntil;

        @Nullable
        OffsetDateTime completedAt;

        private Draft(Release from) {
            this.from = from;
            this.status = from.status;
            this.slot = from.slot;
            this.endpoint = from.endpoint;
            this.step = from.step;
            this.weight = from.weight;
            this.seq = from.seq;
            this.paused = from.paused;
            this.requestedBy = from.requestedBy;
            this.approvedBy = from.approvedBy;
            this.backupId = from.backupId;
            this.backupSha256 = from.backupSha256;
            this.reason = from.reason;
            this.watchUntil = from.watchUntil;
            this.completedAt = from.completedAt;
        }

        Release build(OffsetDateTime now) {
            boolean changed = seq != from.seq
                    || paused != from.paused
                    || step != from.step
                    || !Objects.equals(approvedBy, from.approvedBy)
                    || !Objects.equals(backupId, from.backupId)
                    || !Objects.equals(endpoint, from.endpoint)
                    || !Objects.equals(slot, from.slot);
            return new Release(
                    from.id,
                    from.application,
                    from.environment,
                    from.version,
                    from.previousVersion,
                    from.previousRelease,
                    from.strategy,
                    status,
                    slot,
                    endpoint,
                    from.stableSlot,
                    from.stableEndpoint,
                    step,
                    weight,
                    seq,
                    paused,
                    requestedBy,
                    approvedBy,
                    backupId,
                    backupSha256,
                    reason,
                    from.commitRef,
                    watchUntil,
                    from.requestedAt,
                    changed ? now : from.updatedAt,
                    completedAt,
                    from.promotedFrom);
        }
    }

    String appKey() {
        return application + "/" + environment;
    }
}
