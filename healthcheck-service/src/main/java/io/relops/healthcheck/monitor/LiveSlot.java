package io.relops.healthcheck.monitor;

import java.time.OffsetDateTime;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What serves an application in an environment now: the release that made it live, its version,
 * slot and endpoint, and until when the post-release watch window runs (null: not watched).
 */
public record LiveSlot(
        String application,
        String environment,
        @Nullable UUID releaseId,
        String version,
        String slot,
        String endpoint,
        OffsetDateTime since,
        @Nullable OffsetDateTime watchUntil) {

    public String key() {
        return application + "/" + environment;
    }

    public boolean watched(OffsetDateTime now) {
        return watchUntil != null && now.isBefore(watchUntil);
    }
}
