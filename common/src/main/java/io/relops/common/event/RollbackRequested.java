package io.relops.common.event;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** An operator asked to roll a release back; {@code emergency} skips analysis. */
public record RollbackRequested(
        UUID releaseId,
        String application,
        String requestedBy,
        @Nullable String reason,
        boolean emergency) implements EventData {}
