package io.relops.deploy.release;

import java.util.UUID;

/** What serves an application's users in one environment. */
public record LiveVersion(
        String application, String environment, String version, String slot, String endpoint, UUID releaseId) {}
