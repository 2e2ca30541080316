package io.relops.alert.alert;

import java.time.OffsetDateTime;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** An alert raised from a relops event. */
public record Alert(
        UUID id,
        String fingerprint,
        String application,
        @Nullable UUID releaseId,
        String name,
        String severity,
        String summary,
        String status,
        String causeEvent,
        OffsetDateTime createdAt) {}
