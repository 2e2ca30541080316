package io.relops.common.event;

import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The probes of {@code slot} passed; {@code results} is the evidence of every probe run.
 * {@code step} is the canary step verified (null for {@code deployment.ready} and monitoring).
 */
public record HealthVerified(
        @Nullable UUID releaseId,
        String application,
        String environment,
        @Nullable String version,
        @Nullable String slot,
        @Nullable Integer step,
        List<ProbeResult> results)
        implements EventData {}
