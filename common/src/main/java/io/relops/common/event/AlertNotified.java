package io.relops.common.event;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A notification about an alert was delivered to {@code receiver}. */
public record AlertNotified(
        UUID alertId,
        String fingerprint,
        String application,
        @Nullable UUID releaseId,
        String severity,
        String summary,
        String receiver)
        implements EventData {}
