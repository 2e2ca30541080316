package io.relops.common.event;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** An alert stopped firing; {@code receiver} was told. */
public record AlertResolved(
        UUID alertId,
        String fingerprint,
        String application,
        @Nullable UUID releaseId,
        String receiver) implements EventData {}
