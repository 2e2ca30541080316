package io.relops.common.event;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An operator or a pipeline asked for {@code version} of {@code application} in {@code environment}.
 * With {@code supersede}, a release of the same application and environment in progress is aborted
 * and this one takes its place; without, such a request is refused.
 */
public record ReleaseRequested(
        UUID releaseId,
        String application,
        String version,
        String environment,
        @Nullable String strategy,
        String requestedBy,
        @Nullable String commit,
        @Nullable Boolean supersede)
        implements EventData {}
