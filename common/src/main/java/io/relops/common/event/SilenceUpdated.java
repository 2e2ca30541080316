package io.relops.common.event;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A silence was changed (its matchers, times or comment) by the authenticated caller {@code updatedBy}. */
public record SilenceUpdated(
        UUID silenceId,
        String application,
        List<String> matchers,
        OffsetDateTime startsAt,
        OffsetDateTime endsAt,
        String updatedBy,
        String comment)
        implements EventData {}
