package io.relops.alert.silence;

import io.relops.alert.routing.Matcher;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A silence: alerts whose labels match all its matchers are not notified between start and end. */
public record Silence(
        UUID id,
        List<Matcher> matchers,
        OffsetDateTime startsAt,
        OffsetDateTime endsAt,
        String createdBy,
        String comment,
        OffsetDateTime updatedAt) {

    /** Alertmanager's silence states. */
    public String state(OffsetDateTime now) {
        if (!endsAt.isAfter(now)) {
            return "expired";
        }
        return startsAt.isAfter(now) ? "pending" : "active";
    }

    public boolean mutes(Map<String, String> labels, OffsetDateTime now) {
        return "active".equals(state(now)) && Matcher.all(matchers, labels);
    }
}
