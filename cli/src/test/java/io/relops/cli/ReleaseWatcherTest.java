package io.relops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.relops.common.release.ReleaseStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The watcher stops at an end of the vocabulary once the closing event is in the timeline, not before. */
class ReleaseWatcherTest {

    private static final String REQUESTED =
            "{\"id\":\"e1\",\"type\":\"io.relops.release.requested\",\"time\":\"2026-01-01T10:00:00Z\",\"data\":{}}";

    HttpServer server;
    final AtomicInteger asked = new AtomicInteger();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** A gateway answering these releases in turn (the last one from then on). */
    GatewayClient gateway(List<String> answers) throws IOException {
        server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext("/", exchange -> {
            int i = Math.min(asked.getAndIncrement(), answers.size() - 1);
            byte[] bytes = answers.get(i).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(bytes);
            }
        });
        server.start();
        return new GatewayClient(
                URI.create("http://localhost:" + server.getAddress().getPort()), "t");
    }

    private static String release(String status, String... events) {
        return "{\"id\":\"r1\",\"status\":\"" + status + "\",\"timeline\":[" + String.join(",", events) + "]}";
    }

    private static String event(String id, String type) {
        return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"time\":\"2026-01-01T10:00:01Z\",\"data\":{}}";
    }

    @Test
    void theTerminalStatusesAreTheVocabularysOnes() {
        assertThat(ReleaseWatcher.TERMINAL)
                .containsExactlyInAnyOrder(
                        ReleaseStatus.COMPLETED,
                        ReleaseStatus.ROLLED_BACK,
                        ReleaseStatus.FAILED,
                        ReleaseStatus.REJECTED,
                        ReleaseStatus.ABORTED);
    }

    @Test
    void waitsForTheClosingEventOfATerminalStatus() throws Exception {
        GatewayClient gateway = gateway(List.of(
                release("DEPLOYING", REQUESTED),
                release("COMPLETED", REQUESTED),
                release("COMPLETED", REQUESTED, event("e2", "io.relops.release.completed"))));

        ReleaseWatcher.Outcome outcome = new ReleaseWatcher(gateway, new PrintWriter(new StringWriter()))
                .watch("/api/releases/r1", "1.0.0", Duration.ofSeconds(20));

        assertThat(outcome.timedOut()).isFalse();
        assertThat(outcome.status()).isEqualTo("COMPLETED");
        assertThat(asked.get()).isEqualTo(3);
    }

    @Test
    void goesOnThroughStatusesNotAmongTheEndsAndOnesItDoesNotKnow() throws Exception {
        GatewayClient gateway = gateway(List.of(
                release("ROLLING_BACK", REQUESTED),
                release("SOMETHING_NEW", REQUESTED),
                release("ROLLED_BACK", REQUESTED, event("e2", "io.relops.rollback.completed"))));

        ReleaseWatcher.Outcome outcome = new ReleaseWatcher(gateway, new PrintWriter(new StringWriter()))
                .watch(
                        "/api/releases/r1",
                        "",
                        Duration.ofSeconds(20),
                        Set.of(ReleaseStatus.ROLLED_BACK, ReleaseStatus.FAILED));

        assertThat(outcome.timedOut()).isFalse();
        assertThat(outcome.status()).isEqualTo("ROLLED_BACK");
        assertThat(asked.get()).isEqualTo(3);
    }

    @Test
    void stopsAtANonTerminalEndWithoutAClosingEvent() throws Exception {
        GatewayClient gateway =
                gateway(List.of(release("REQUESTED", REQUESTED), release("AWAITING_APPROVAL", REQUESTED)));

        ReleaseWatcher.Outcome outcome = new ReleaseWatcher(gateway, new PrintWriter(new StringWriter()))
                .watch("/api/releases/r1", "", Duration.ofSeconds(20), Set.of(ReleaseStatus.AWAITING_APPROVAL));

        assertThat(outcome.timedOut()).isFalse();
        assertThat(outcome.status()).isEqualTo("AWAITING_APPROVAL");
        assertThat(asked.get()).isEqualTo(2);
    }
}
