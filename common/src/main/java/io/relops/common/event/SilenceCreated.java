package io.relops.common.event;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A silence was created: alerts matching all of {@code matchers} (Alertmanager syntax, e.g. {@code
 * alertname="RolledBack"}) are not notified from {@code startsAt} to {@code endsAt}. {@code createdBy} is the
 * authenticated caller, never a name the request carried.
 */
public record SilenceCreated(
        UUID silenceId,
        String application,
        List<String> matchers,
        OffsetDateTime startsAt,
        OffsetDateTime endsAt,
        String createdBy,
        String comment)
        implements EventData {}
