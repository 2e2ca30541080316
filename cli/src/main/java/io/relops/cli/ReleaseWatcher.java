package io.relops.cli;

import io.relops.common.event.EventType;
import io.relops.common.release.ReleaseStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** Follows a release through the gateway, printing each timeline event as it arrives. */
final class ReleaseWatcher {

    /** The statuses a release ends in ({@link ReleaseStatus#isTerminal()}). */
    static final Set<ReleaseStatus> TERMINAL = Arrays.stream(ReleaseStatus.values())
            .filter(ReleaseStatus::isTerminal)
            .collect(Collectors.toUnmodifiableSet());
    /** The events that close a release's timeline; the audit log may record them a moment after the state changes. */
    private static final Set<String> CLOSING = EnumSet.of(
                    EventType.RELEASE_COMPLETED,
                    EventType.ROLLBACK_COMPLETED,
                    EventType.ROLLBACK_FAILED,
                    EventType.DEPLOYMENT_FAILED,
                    EventType.RELEASE_REJECTED)
            .stream()
            .map(EventType::typeName)
            .collect(Collectors.toUnmodifiableSet());

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static final Duration POLL = Duration.ofMillis(250);

    /**
     * How a release ended (or where it was when the wait timed out: {@code timedOut}); {@code status} as the
     * gateway answered it (a newer gateway may answer one this build does not know).
     */
    record Outcome(
            String releaseId,
            String version,
            String status,
            Duration took,
            @Nullable JsonNode release,
            boolean timedOut) {}

    private final GatewayClient gateway;
    private final PrintWriter out;

    ReleaseWatcher(GatewayClient gateway, PrintWriter out) {
        this.gateway = gateway;
        this.out = out;
    }

    /** Until the release reaches a terminal state (and its closing event is in the timeline). */
    Outcome watch(String location, String version, Duration timeout) {
        return watch(location, version, timeout, TERMINAL);
    }

    /**
     * Until the release reaches one of {@code ends} (a terminal one with its closing event in the timeline), or the
     * timeout. An answer of 401, 403 or 5xx ends the watch with a {@link GatewayException}; 404 is waited out
     * (a release just requested is known once the first service has recorded it).
     */
    Outcome watch(String location, String version, Duration timeout, Set<ReleaseStatus> ends) {
        Instant start = Instant.now();
        Set<String> seen = new HashSet<>();
        String status = ReleaseStatus.REQUESTED.name();
        JsonNode release = null;
        boolean closed = false;
        boolean reached = false;
        while (Duration.between(start, Instant.now()).compareTo(timeout) < 0) {
            GatewayClient.Answer answer = gateway.release(location);
            if (answer.status() == 200) {
                release = answer.body();
                for (JsonNode event : release.path("timeline")) {
                    closed |= CLOSING.contains(event.path("type").asString());
                    if (seen.add(event.path("id").asString())) {
                        out.printf(
                                "  %s  %-40s %s%n",
                                clock(event.path("time").asString()),
                                event.path("type").asString(),
                                summary(event.path("data")));
                        out.flush();
                    }
                }
                status = release.path("status").asString();
                Optional<ReleaseStatus> known = ReleaseStatus.of(status).filter(ends::contains);
                if (known.isPresent() && (closed || !known.get().isTerminal())) {
                    reached = true;
                    break;
                }
            } else if (answer.status() != 404 && answer.status() != 503) {
                throw GatewayClient.failure("GET", location, answer.status(), answer.body());
            }
            LockSupport.parkNanos(POLL.toNanos()); // poll interval of a watching CLI
        }
        return new Outcome(
                location.substring(location.lastIndexOf('/') + 1),
                version,
                status,
                Duration.between(start, Instant.now()),
                release,
                !reached);
    }

    private static String clock(String time) {
        try {
            return OffsetDateTime.parse(time)
                    .atZoneSameInstant(ZoneId.systemDefault())
                    .format(CLOCK);
        } catch (RuntimeException e) {
            return time;
        }
    }

    private static String summary(JsonNode data) {
        StringBuilder text = new StringBuilder();
        for (String field : new String[] {
            "version", "slot", "weight", "router", "restoredVersion", "approvedBy", "reason", "receiver", "note"
        }) {
            JsonNode value = data.get(field);
            if (value != null && !value.isNull()) {
                text.append(field).append('=').append(value.asString()).append(' ');
            }
        }
        return text.toString().trim();
    }
}
