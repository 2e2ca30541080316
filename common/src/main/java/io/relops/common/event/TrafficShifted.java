package io.relops.common.event;

import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * {@code weight} percent of the application's traffic now goes to {@code version} on {@code slot}, as asked; {@code
 * router} is who split it and {@code weights} the share of each slot it confirmed (percent), with a {@code note} when
 * they differ from what was asked (a replica ratio approximates a weight). Events from before routers were reported
 * have neither.
 */
public record TrafficShifted(
        UUID releaseId,
        String application,
        String environment,
        String version,
        String slot,
        String endpoint,
        int weight,
        int step,
        @Nullable String router,
        @Nullable Map<String, Integer> weights,
        @Nullable String note)
        implements EventData {

    public TrafficShifted(
            UUID releaseId,
            String application,
            String environment,
            String version,
            String slot,
            String endpoint,
            int weight,
            int step) {
        this(releaseId, application, environment, version, slot, endpoint, weight, step, null, null, null);
    }
}
