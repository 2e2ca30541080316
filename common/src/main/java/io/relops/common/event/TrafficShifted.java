package io.relops.common.event;

import java.util.UUID;

/** {@code weight} percent of the application's traffic now goes to {@code version} on {@code slot}. */
public record TrafficShifted(
        UUID releaseId,
        String application,
        String environment,
        String version,
        String slot,
        String endpoint,
        int weight,
        int step)
        implements EventData {}
