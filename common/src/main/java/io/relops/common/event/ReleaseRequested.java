package io.relops.common.event;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** An operator or a pipeline asked for {@code version} of {@code application} in {@code environment}. */
public record ReleaseRequested(
        UUID releaseId,
        String application,
        String version,
        String environment,
        @Nullable String strategy,
        String requestedBy,
        @Nullable String commit)
        implements EventData {}
