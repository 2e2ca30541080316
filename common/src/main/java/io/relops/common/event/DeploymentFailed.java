package io.relops.common.event;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A deployment could not be carried out, or a release could not start; {@code reason} says why. */
public record DeploymentFailed(
        UUID releaseId,
        String application,
        String environment,
        String version,
        @Nullable String slot,
        String reason) implements EventData {}
