package io.relops.common.event;

import java.util.UUID;

/**
 * {@code version} runs on {@code slot} and is reachable at {@code endpoint} (the slot's base URL, as
 * the deployment target reports it), not yet serving users' traffic.
 */
public record DeploymentReady(
        UUID releaseId, String application, String environment, String version, String slot, String endpoint)
        implements EventData {}
