package io.relops.common.event;

import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** The probes of {@code slot} passed; {@code results} is the evidence of every probe run. */
public record HealthVerified(
        @Nullable UUID releaseId,
        String application,
        String environment,
        @Nullable String version,
        @Nullable String slot,
        List<ProbeResult> results)
        implements EventData {}
