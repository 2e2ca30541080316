package io.relops.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.databind.JsonNode;

/** Follows a release through the gateway, printing each timeline event as it arrives. */
final class ReleaseWatcher {

    private static final Set<String> TERMINAL = Set.of("COMPLETED", "ROLLED_BACK", "FAILED", "REJECTED", "ABORTED");
    /** The events that close a release's timeline; the audit log may record them a moment after the state changes. */
    private static final Set<String> CLOSING = Set.of(
            "io.relops.release.completed",
            "io.relops.rollback.completed",
            "io.relops.rollback.failed",
            "io.relops.deployment.failed",
            "io.relops.release.rejected");

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    /** How a release ended. */
    record Outcome(String releaseId, String version, String status, Duration took, JsonNode release) {}

    private final GatewayClient gateway;
    private final PrintStream out;

    ReleaseWatcher(GatewayClient gateway, PrintStream out) {
        this.gateway = gateway;
        this.out = out;
    }

    Outcome watch(String location, String version, Duration timeout) {
        Instant start = Instant.now();
        Set<String> seen = new HashSet<>();
        String status = "REQUESTED";
        JsonNode release = null;
        boolean closed = false;
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
                    }
                }
                status = release.path("status").asString();
                if (TERMINAL.contains(status) && closed) {
                    break;
                }
            }
            LockSupport.parkNanos(Duration.ofMillis(250).toNanos()); // poll interval of a watching CLI
        }
        return new Outcome(
                location.substring(location.lastIndexOf('/') + 1),
                version,
                status,
                Duration.between(start, Instant.now()),
                release);
    }

    private static String clock(String time) {
        try {
            return OffsetDateTime.parse(time)
                    .atZoneSameInstant(java.time.ZoneId.systemDefault())
                    .format(CLOCK);
        } catch (RuntimeException e) {
            return time;
        }
    }

    private static String summary(JsonNode data) {
        StringBuilder text = new StringBuilder();
        for (String field : new String[] {"version", "slot", "weight", "restoredVersion", "reason", "receiver"}) {
            JsonNode value = data.get(field);
            if (value != null && !value.isNull()) {
                text.append(field).append('=').append(value.asString()).append(' ');
            }
        }
        return text.toString().trim();
    }
}
