package io.relops.common.event;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** {@code version} now serves all traffic; {@code durationMs} is measured from the request. */
public record ReleaseCompleted(
        UUID releaseId,
        String application,
        String environment,
        String version,
        @Nullable String previousVersion,
        long durationMs)
        implements EventData {}
