package io.relops.gateway.console;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** A release as the console shows it, read from deploy-service's answer. */
public record ReleaseView(
        String id,
        String application,
        String version,
        String environment,
        String strategy,
        String status,
        String requestedBy,
        String approvedBy,
        String requestedAt,
        String duration,
        String reason,
        String previousVersion,
        boolean paused,
        int weight) {

    static final Set<String> IN_PROGRESS =
            Set.of("REQUESTED", "AWAITING_APPROVAL", "AWAITING_BACKUP", "DEPLOYING", "VERIFYING", "PROMOTING");

    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    static ReleaseView of(Map<String, Object> release) {
        Object id = release.containsKey("id") ? release.get("id") : release.get("releaseId");
        return new ReleaseView(
                text(id),
                text(release.get("application")),
                text(release.get("version")),
                text(release.get("environment")),
                text(release.get("strategy")),
                text(release.get("status")),
                text(release.get("requestedBy")),
                text(release.get("approvedBy")),
                time(release.get("requestedAt")),
                duration(release),
                text(release.get("reason")),
                text(release.get("previousVersion")),
                Boolean.TRUE.equals(release.get("paused")),
                release.get("weight") instanceof Number n ? n.intValue() : 0);
    }

    public boolean inProgress() {
        return IN_PROGRESS.contains(status);
    }

    /** The CSS class of the status badge. */
    public String tone() {
        switch (status) {
            case "COMPLETED":
                return "ok";
            case "ROLLED_BACK":
            case "ABORTED":
            case "REJECTED":
                return "warn";
            case "FAILED":
                return "bad";
            case "AWAITING_APPROVAL":
                return "wait";
            default:
                return "busy";
        }
    }

    static String text(@Nullable Object value) {
        return value == null ? "" : String.valueOf(value);
    }

    static @Nullable OffsetDateTime parse(@Nullable Object value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(String.valueOf(value));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static String time(@Nullable Object value) {
        OffsetDateTime time = parse(value);
        return time == null ? text(value) : SHOWN.format(time.withOffsetSameInstant(ZoneOffset.UTC));
    }

    /** The time of day (UTC), for timelines under a page that shows the date. */
    static String clock(@Nullable Object value) {
        OffsetDateTime time = parse(value);
        return time == null ? text(value) : CLOCK.format(time.withOffsetSameInstant(ZoneOffset.UTC));
    }

    private static String duration(Map<String, Object> release) {
        OffsetDateTime from = parse(release.get("requestedAt"));
        OffsetDateTime to = parse(release.get("completedAt"));
        if (to == null && !IN_PROGRESS.contains(text(release.get("status")))) {
            to = parse(release.get("updatedAt"));
        }
        if (from == null || to == null) {
            return "";
        }
        long seconds = Duration.between(from, to).toSeconds();
        return seconds < 120 ? seconds + " s" : (seconds / 60) + " min " + (seconds % 60) + " s";
    }
}
