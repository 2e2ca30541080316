package io.relops.alert.lifecycle;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An alert as alert-service keeps it: one row per fingerprint; {@code id} names the current firing
 * episode (a new one each time the alert fires again after being resolved).
 */
public record StoredAlert(
        UUID id,
        String fingerprint,
        Map<String, String> labels,
        Map<String, String> annotations,
        String application,
        @Nullable UUID releaseId,
        String severity,
        String status,
        OffsetDateTime startsAt,
        @Nullable OffsetDateTime endsAt,
        @Nullable OffsetDateTime resolvedAt,
        @Nullable String generatorUrl,
        @Nullable String acknowledgedBy,
        @Nullable OffsetDateTime acknowledgedAt,
        @Nullable OffsetDateTime escalatedAt,
        OffsetDateTime updatedAt) {

    public static final String FIRING = "firing";
    public static final String RESOLVED = "resolved";

    public boolean firing() {
        return FIRING.equals(status);
    }
}
