package io.relops.common.event;

import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The verification of {@code slot} could not decide: a metric's data was missing or unreachable more often than its
 * limits allow, or the canary judge's score was marginal. Nothing failed, so nothing is rolled back: the release
 * waits for a human to promote or abort it. {@code reason} sums it up, {@code results} is the evidence.
 */
public record HealthInconclusive(
        @Nullable UUID releaseId,
        String application,
        String environment,
        @Nullable String version,
        @Nullable String slot,
        @Nullable Integer step,
        String reason,
        List<ProbeResult> results)
        implements EventData {}
