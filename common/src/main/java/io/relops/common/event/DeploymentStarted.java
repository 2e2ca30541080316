package io.relops.common.event;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The deploy service began deploying {@code version} to {@code slot}. A release to an environment that requires
 * another first carries the release of the same version there that it was {@code promotedFrom}.
 */
public record DeploymentStarted(
        UUID releaseId,
        String application,
        String environment,
        String version,
        String slot,
        String strategy,
        @Nullable UUID promotedFrom)
        implements EventData {}
