package io.relops.gateway.console;

import io.relops.common.release.OperatorAction;
import io.relops.common.release.ReleaseStatus;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A release as the console shows it, read from deploy-service's answer. {@code status} is the text
 * deploy-service answered (shown as it is); {@link #releaseStatus()} is its meaning, when this build
 * knows it.
 */
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

    /** The status, unless deploy-service answered one this build does not know (or none yet). */
    public Optional<ReleaseStatus> releaseStatus() {
        return ReleaseStatus.of(status);
    }

    /** Whether the release has ended ({@link ReleaseStatus#isTerminal()}). */
    public boolean ended() {
        return ended(status);
    }

    static boolean ended(String status) {
        return ReleaseStatus.of(status).map(ReleaseStatus::isTerminal).orElse(false);
    }

    /**
     * Whether the release's status allows {@code action} now ({@link OperatorAction#allowedIn(ReleaseStatus,
     * boolean)}, with deploy-service's {@code paused}); who may press it is the caller's business.
     */
    public boolean allows(OperatorAction action) {
        return releaseStatus().map(s -> action.allowedIn(s, paused)).orElse(false);
    }

    /** The CSS class of the status badge. */
    public String tone() {
        return releaseStatus().map(ReleaseView::tone).orElse("busy");
    }

    static String tone(ReleaseStatus status) {
        return switch (status) {
            case COMPLETED -> "ok";
            case ROLLED_BACK, ABORTED, REJECTED -> "warn";
            case FAILED -> "bad";
            case AWAITING_APPROVAL -> "wait";
            case REQUESTED, AWAITING_BACKUP, DEPLOYING, VERIFYING, PROMOTING, ROLLING_BACK -> "busy";
        };
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
        if (to == null && ended(text(release.get("status")))) {
            to = parse(release.get("updatedAt"));
        }
        if (from == null || to == null) {
            return "";
        }
        long seconds = Duration.between(from, to).toSeconds();
        return seconds < 120 ? seconds + " s" : (seconds / 60) + " min " + (seconds % 60) + " s";
    }
}
