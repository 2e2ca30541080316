package io.relops.common.event;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** Someone took an alert on: {@code acknowledgedBy} is the authenticated caller. */
public record AlertAcknowledged(
        UUID alertId,
        String fingerprint,
        String application,
        @Nullable UUID releaseId,
        String acknowledgedBy,
        @Nullable String comment)
        implements EventData {}
