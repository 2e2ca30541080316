package io.relops.healthcheck.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.TestEndpoints;
import io.relops.healthcheck.probe.HealthCatalog.ProbeSpec;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The probes against real local HTTP servers: healthy, unhealthy, slow and never answering. */
class ProbesIT {

    private static TestEndpoints endpoints;
    private static SimpleMeterRegistry meters;
    private static ProbeRunner runner;

    @BeforeAll
    static void start() {
        endpoints = new TestEndpoints();
        meters = new SimpleMeterRegistry();
        runner = new ProbeRunner(
                List.of(new HttpProbe(), new TcpProbe(), new PrometheusProbe(new PrometheusClient(null))), meters, 4);
    }

    @AfterAll
    static void stop() {
        runner.destroy();
        endpoints.close();
    }

    private static ProbeSpec http(String name, String path, Duration timeout) {
        return new ProbeSpec(
                name,
                "http",
                "GET",
                "{endpoint}" + path,
                Map.of("X-Probe", "{application}"),
                Set.of(200),
                "UP",
                "$.status",
                "UP",
                "{host}:{port}",
                null,
                null,
                "<",
                null,
                "inconclusive",
                timeout);
    }

    private static ProbeTarget target(String application, String endpoint) {
        return new ProbeTarget(application, "1.0.0", "blue", endpoint, List.of("127.0.0.1"), false);
    }

    private static ProbeResult run(ProbeSpec spec, ProbeTarget target) throws Exception {
        return runner.run(spec, target).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aHealthyEndpointPassesWithItsEvidence() throws Exception {
        ProbeResult result =
                run(http("health", "/healthy", Duration.ofSeconds(2)), target("shop", endpoints.baseUrl()));
        assertThat(result.passed()).isTrue();
        assertThat(result.conclusive()).isTrue();
        assertThat(result.value()).isEqualTo("200, $.status=UP");
        assertThat(result.threshold()).isEqualTo("status in [200], body contains 'UP', $.status == 'UP'");
        assertThat(result.latencyMs()).isLessThan(1000);
        assertThat(result.error()).isNull();
        assertThat(meters.get("relops.health.probe.results")
                        .tags("application", "shop", "probe", "health", "result", "passed")
                        .counter()
                        .count())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void aProbeOfAHostTheCatalogDoesNotAllowIsNeverSent() throws Exception {
        int before = endpoints.hits("/fenced");
        ProbeTarget fenced = new ProbeTarget(
                "fenced", "1.0.0", "blue", endpoints.baseUrl() + "/fenced", List.of("localhost"), false);

        ProbeResult result = run(http("health", "", Duration.ofSeconds(2)), fenced);

        assertThat(result.passed()).isFalse();
        assertThat(result.error()).contains("'127.0.0.1'", "relops.applications.fenced.health.allowed-hosts");
        assertThat(endpoints.hits("/fenced")).isEqualTo(before);
    }

    @Test
    void anUnhealthyEndpointFailsNamingWhatWasWrong() throws Exception {
        ProbeResult result =
                run(http("health", "/unhealthy", Duration.ofSeconds(2)), target("shop", endpoints.baseUrl()));
        assertThat(result.passed()).isFalse();
        assertThat(result.conclusive()).isTrue();
        assertThat(result.value()).isEqualTo("503, $.status=DOWN");
        assertThat(result.error())
                .startsWith("GET " + endpoints.baseUrl() + "/unhealthy: ")
                .contains("status 503, expected [200]")
                .contains("$.status is 'DOWN', expected 'UP'");
    }

    @Test
    void aSlowEndpointPassesWithinItsTimeoutAndFailsBeyondIt() throws Exception {
        ProbeResult within =
                run(http("health", "/slow/300", Duration.ofSeconds(3)), target("slow-ok", endpoints.baseUrl()));
        assertThat(within.passed()).isTrue();
        assertThat(within.latencyMs()).isGreaterThanOrEqualTo(300);

        ProbeResult beyond =
                run(http("health", "/slow/3000", Duration.ofMillis(500)), target("slow-bad", endpoints.baseUrl()));
        assertThat(beyond.passed()).isFalse();
        assertThat(beyond.conclusive()).isTrue();
        assertThat(beyond.error()).containsIgnoringCase("timed out");
        assertThat(beyond.latencyMs()).isBetween(450L, 1500L);
    }

    @Test
    void aNeverAnsweringEndpointTimesOutWithoutDelayingTheOthers() throws Exception {
        ProbeSpec hanging = http("health", "/health", Duration.ofSeconds(1));
        long start = System.nanoTime();
        List<CompletableFuture<ProbeResult>> stuck = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            stuck.add(runner.run(hanging, target("hangs", endpoints.neverAnswering())));
        }
        // its bulkhead is full now: a fifth call is refused at once, as inconclusive
        ProbeResult refused = run(hanging, target("hangs", endpoints.neverAnswering()));
        assertThat(refused.inconclusive()).isTrue();
        assertThat(refused.error()).contains("bulkhead full");

        // meanwhile other applications are probed at once
        for (int i = 0; i < 10; i++) {
            long before = System.nanoTime();
            ProbeResult healthy =
                    run(http("health", "/healthy", Duration.ofSeconds(1)), target("app-" + i, endpoints.baseUrl()));
            assertThat(healthy.passed()).isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before))
                    .isLessThan(500);
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                .as("the healthy probes finished before the hanging ones timed out")
                .isLessThan(1000);

        for (CompletableFuture<ProbeResult> call : stuck) {
            ProbeResult result = call.get(5, TimeUnit.SECONDS);
            assertThat(result.passed()).isFalse();
            assertThat(result.conclusive()).isTrue();
            assertThat(result.error()).containsIgnoringCase("timed out");
            assertThat(result.latencyMs()).isBetween(900L, 2500L);
        }
        // the bulkhead is free again once they timed out
        ProbeResult again = run(hanging, target("hangs", endpoints.neverAnswering()));
        assertThat(again.error()).doesNotContain("bulkhead");
    }

    @Test
    void aTcpProbePassesOnAnAcceptedConnectionAndFailsOnARefusedOne() throws Exception {
        ProbeSpec tcp = new ProbeSpec(
                "port",
                "tcp",
                "GET",
                null,
                null,
                Set.of(200),
                null,
                null,
                null,
                "{host}:{port}",
                null,
                null,
                "<",
                null,
                "inconclusive",
                Duration.ofSeconds(1));
        ProbeResult open = run(tcp, target("tcp-app", endpoints.baseUrl()));
        assertThat(open.passed()).isTrue();
        assertThat(open.value()).isEqualTo("connected");

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ProbeResult closed = run(tcp, target("tcp-app", "http://127.0.0.1:" + closedPort));
        assertThat(closed.passed()).isFalse();
        assertThat(closed.error()).contains("connect to 127.0.0.1:" + closedPort + " failed");
    }

    @Test
    void aPrometheusProbeWithPrometheusUnreachableIsInconclusive() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ProbeSpec errors = new ProbeSpec(
                "errors",
                "prometheus",
                "GET",
                null,
                null,
                Set.of(200),
                null,
                null,
                null,
                "{host}:{port}",
                "http://127.0.0.1:" + closedPort,
                "up",
                "<",
                0.05,
                "inconclusive",
                Duration.ofSeconds(1));
        ProbeResult result = run(errors, target("prom-app", endpoints.baseUrl()));
        assertThat(result.passed()).isFalse();
        assertThat(result.inconclusive()).isTrue();
        assertThat(result.error()).contains("unreachable");
    }
}
