package io.relops.common.event;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** An operator asked to abort a release: all traffic back to the stable version. */
public record ReleaseAbortRequested(
        UUID releaseId,
        String application,
        String requestedBy,
        @Nullable String reason) implements EventData {}
