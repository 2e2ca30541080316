package io.relops.common.event;

import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The probes of {@code slot} failed; {@code reason} sums it up, {@code results} is the evidence. */
public record HealthFailed(
        @Nullable UUID releaseId,
        String application,
        String environment,
        @Nullable String version,
        @Nullable String slot,
        @Nullable Integer step,
        String reason,
        List<ProbeResult> results)
        implements EventData {}
