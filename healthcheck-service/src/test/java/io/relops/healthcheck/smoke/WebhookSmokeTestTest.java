package io.relops.healthcheck.smoke;

import static io.relops.healthcheck.smoke.SmokeFixtures.ready;
import static io.relops.healthcheck.smoke.SmokeFixtures.webhook;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.relops.common.codec.EventJson;
import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.verification.GateOutcome;
import io.relops.healthcheck.verification.GateOutcome.Verdict;
import io.relops.healthcheck.verification.GateRun;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Webhook smoke tests against a local JDK HttpServer. */
class WebhookSmokeTestTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final WebhookRunner webhooks = new WebhookRunner();
    private final SmokeTests smokeTests = new SmokeTests(List.of(webhooks), meters);
    private final AtomicReference<String> body = new AtomicReference<>();
    private final AtomicReference<String> slotHeader = new AtomicReference<>();
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/accept", exchange -> {
            record(exchange);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.createContext("/report", exchange -> {
            record(exchange);
            byte[] answer = "3 checks passed; cart https://shop/cart?session=s3cret".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.createContext("/reject", exchange -> {
            record(exchange);
            byte[] answer = ("checkout broken: " + "x".repeat(1000)).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(500, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.createContext("/hang", exchange -> {
            // never answers: the smoke test times out
        });
        server.start();
    }

    private void record(HttpExchange exchange) throws IOException {
        body.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        slotHeader.set(exchange.getRequestHeaders().getFirst("X-Relops-Slot"));
    }

    @AfterEach
    void stop() {
        server.stop(0);
        webhooks.destroy();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Test
    void a2xxAnswerPassesAndTheWebhookIsToldWhatToTest() {
        GateRun run = ready(webhook("acceptance", url("/accept?app={application}"), Duration.ofSeconds(5)));

        GateOutcome outcome = only(smokeTests.start(run));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(outcome.reason()).startsWith("smoke test 'acceptance' passed (HTTP 204, ");
        assertThat(outcome.evidence().get(0).value()).isEqualTo("HTTP 204");
        assertThat(outcome.evidence().get(0).output()).as("no body").isNull();
        JsonNode sent = EventJson.mapper().readTree(body.get());
        assertThat(sent.path("releaseId").asString()).isEqualTo(run.releaseId().toString());
        assertThat(sent.path("application").asString()).isEqualTo("demo-app");
        assertThat(sent.path("environment").asString()).isEqualTo("prod");
        assertThat(sent.path("version").asString()).isEqualTo("1.2.0");
        assertThat(sent.path("slot").asString()).isEqualTo("green");
        assertThat(sent.path("endpoint").asString()).isEqualTo(SmokeFixtures.ENDPOINT);
        assertThat(sent.path("step").isNull()).isTrue();
        assertThat(sent.path("weight").isNull()).isTrue();
        assertThat(slotHeader.get()).isEqualTo("green");
    }

    @Test
    void aPassingAnswersBodyIsItsOutputRedactedNotAnError() {
        GateOutcome outcome =
                only(smokeTests.start(ready(webhook("acceptance", url("/report"), Duration.ofSeconds(5)))));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        ProbeResult evidence = outcome.evidence().get(0);
        assertThat(evidence.value()).isEqualTo("HTTP 200");
        assertThat(evidence.error()).isNull();
        assertThat(evidence.output()).isEqualTo("3 checks passed; cart https://shop/…");
    }

    @Test
    void anotherStatusFailsWithTheStatusAndTheStartOfTheBody() {
        GateOutcome outcome =
                only(smokeTests.start(ready(webhook("acceptance", url("/reject"), Duration.ofSeconds(5)))));

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED);
        ProbeResult evidence = outcome.evidence().get(0);
        assertThat(evidence.value()).isEqualTo("HTTP 500");
        assertThat(evidence.error()).hasSize(WebhookRunner.BODY_EXCERPT).startsWith("checkout broken: xxx");
        assertThat(outcome.reason())
                .startsWith("smoke test 'acceptance' failed: HTTP 500 after ")
                .contains(": checkout broken: xxx");
    }

    @Test
    void anUnreachableWebhookFails() {
        GateOutcome outcome = only(
                smokeTests.start(ready(webhook("acceptance", "http://127.0.0.1:9/accept", Duration.ofSeconds(5)))));

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(outcome.evidence().get(0).value()).isEqualTo("unreachable");
        assertThat(outcome.reason())
                .startsWith("smoke test 'acceptance' failed: unreachable after ")
                .contains("POST http://127.0.0.1:9/… failed: java.net.ConnectException");
    }

    @Test
    void aWebhookThatDoesNotAnswerInTimeFails() {
        GateOutcome outcome =
                only(smokeTests.start(ready(webhook("acceptance", url("/hang"), Duration.ofMillis(700)))));

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(outcome.reason()).startsWith("smoke test 'acceptance' failed: timed out after 0.7 s");
        assertThat(outcome.evidence().get(0).latencyMs()).isBetween(600L, 5_000L);
    }

    private static GateOutcome only(List<CompletableFuture<GateOutcome>> outcomes) {
        assertThat(outcomes).hasSize(1);
        try {
            return outcomes.get(0).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
