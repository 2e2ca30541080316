package io.relops.common.event;

import java.util.UUID;

/** The deploy service began deploying {@code version} to {@code slot}. */
public record DeploymentStarted(
        UUID releaseId, String application, String environment, String version, String slot, String strategy)
        implements EventData {}
