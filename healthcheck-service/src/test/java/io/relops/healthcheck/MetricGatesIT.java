package io.relops.healthcheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.event.DeploymentReady;
import io.relops.common.event.HealthFailed;
import io.relops.common.event.HealthInconclusive;
import io.relops.common.event.HealthVerified;
import io.relops.common.event.ProbeResult;
import io.relops.testkit.EventStream;
import io.relops.testkit.Postgres;
import io.relops.testkit.RealPrometheus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Metrics as verification gates end to end: real Kafka, real PostgreSQL and a real Prometheus scraping the test's
 * exporter (Micrometer's Prometheus registry: {@code http.server.requests} as Spring Boot records it, and a gauge
 * {@code it_value} per application the test sets). The test plays deploy-service and asserts the verdict events.
 */
class MetricGatesIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String RELEASE = "it.release.metric." + SUFFIX;
    private static final String HEALTH = "it.health.metric." + SUFFIX;
    private static final URI DEPLOY = CloudEventCodec.sourceOf("deploy");

    private static final Map<String, Double> values = new ConcurrentHashMap<>();
    private static PrometheusMeterRegistry registry;
    private static HttpServer exporter;
    private static RealPrometheus prometheus;
    private static EventStream events;
    private static ConfigurableApplicationContext service;

    @BeforeAll
    static void start() throws IOException {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        for (String application : List.of("metric-pass", "metric-fail", "metric-unreachable", "metric-between")) {
            values.put(application, 0.0);
            Gauge.builder("it.value", values, all -> all.get(application))
                    .tag("app", application)
                    .register(registry);
        }
        exporter = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        exporter.createContext("/metrics", exchange -> {
            serveTraffic(); // each scrape sees more requests: rate() has something to work on
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        exporter.start();
        prometheus = RealPrometheus.start(List.of(hostPort()));
        events = EventStream.watching(HEALTH);
        service = HealthcheckServiceIT.startWithCatalog(
                "src/test/resources/it-metric-catalog.yml",
                Postgres.freshDatabase("healthcheck_metric"),
                RELEASE,
                HEALTH,
                "metric",
                "--relops.health.prometheus-url=" + prometheus.url());
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (events != null) {
            events.close();
        }
        if (prometheus != null) {
            prometheus.close();
        }
        if (exporter != null) {
            exporter.stop(0);
        }
    }

    /** Ten requests of 100 ms, one of them a 500: p95 about 0.1 s, an error rate of 0.1. */
    private static void serveTraffic() {
        for (int i = 0; i < 10; i++) {
            Timer.builder("http.server.requests")
                    .tags("uri", "/checkout", "method", "POST", "status", i == 0 ? "500" : "200")
                    .publishPercentileHistogram()
                    .register(registry)
                    .record(Duration.ofMillis(100));
        }
    }

    private static String hostPort() {
        return "127.0.0.1:" + exporter.getAddress().getPort();
    }

    private static void publishReady(UUID release, String application) {
        events.publish(
                RELEASE,
                DEPLOY,
                new DeploymentReady(release, application, "prod", "1.0.0", "green", "http://" + hostPort()));
    }

    @Test
    void aReleaseWithinItsMetricsThresholdsIsVerifiedWithTheMeasurementsAsEvidence() {
        values.put("metric-pass", 0.1);
        prometheus.awaitAnswer("it_value{app=\"metric-pass\"}", "\"0.1\"");
        // two scrapes of traffic: rate() over the window has a value
        prometheus.awaitAnswer(
                "sum(rate(http_server_requests_seconds_count{instance=\"" + hostPort() + "\"}[30s])) > 0", "value");
        UUID release = UUID.randomUUID();

        publishReady(release, "metric-pass");

        HealthVerified verified = events.await(HealthVerified.class, e -> release.equals(e.releaseId()), WAIT)
                .data();
        assertThat(verified.results())
                .filteredOn(result -> result.probe().equals("metric:p95"))
                .hasSize(2)
                .allSatisfy(result -> {
                    assertThat(result.passed()).isTrue();
                    assertThat(result.threshold()).isEqualTo("result < 0.5");
                    assertThat(Double.parseDouble(result.value())).isBetween(0.05, 0.2);
                });
        assertThat(verified.results())
                .filteredOn(result -> result.probe().equals("metric:error-rate"))
                .hasSize(2)
                .allSatisfy(result -> {
                    assertThat(result.passed()).isTrue();
                    assertThat(result.threshold()).isEqualTo("result < 0.2");
                    assertThat(Double.parseDouble(result.value())).isBetween(0.05, 0.15);
                });
        assertThat(verified.results())
                .filteredOn(result -> result.probe().equals("metric:value"))
                .hasSize(3)
                .allSatisfy(result -> {
                    assertThat(result.passed()).isTrue();
                    assertThat(result.value()).isEqualTo("0.1");
                });
    }

    @Test
    void theSecondFailedMeasurementBeyondFailureLimitOneFailsTheReleaseNamingTheMetric() {
        values.put("metric-fail", 0.9);
        prometheus.awaitAnswer("it_value{app=\"metric-fail\"}", "\"0.9\"");
        UUID release = UUID.randomUUID();

        publishReady(release, "metric-fail");

        HealthFailed failed = events.await(HealthFailed.class, e -> release.equals(e.releaseId()), WAIT)
                .data();
        assertThat(failed.reason())
                .contains("metric 'value': 2 failed measurements > failure-limit 1; last: result = 0.9");
        assertThat(failed.results()).hasSize(2).allSatisfy(result -> {
            assertThat(result.probe()).isEqualTo("metric:value");
            assertThat(result.passed()).isFalse();
            assertThat(result.conclusive()).isTrue();
            assertThat(result.value()).isEqualTo("0.9");
        });
    }

    @Test
    void anUnreachablePrometheusPausesTheReleaseAsInconclusiveNeverFailsIt() {
        UUID release = UUID.randomUUID();

        publishReady(release, "metric-unreachable");

        HealthInconclusive inconclusive = events.await(
                        HealthInconclusive.class, e -> release.equals(e.releaseId()), WAIT)
                .data();
        assertThat(inconclusive.reason())
                .contains("metric 'value': 5 consecutive errors > consecutive-error-limit 4; last: Prometheus at"
                        + " http://127.0.0.1:9 unreachable");
        assertThat(inconclusive.results()).hasSize(5).allSatisfy(result -> {
            assertThat(result.inconclusive()).isTrue();
            assertThat(result.passed()).isFalse();
        });
        assertThat(events.all(HealthFailed.class, e -> release.equals(e.releaseId())))
                .isEmpty();
        assertThat(events.all(HealthVerified.class, e -> release.equals(e.releaseId())))
                .isEmpty();
    }

    @Test
    void aValueBetweenTheConditionsIsInconclusiveWithInconclusiveLimitZero() {
        values.put("metric-between", 0.3);
        prometheus.awaitAnswer("it_value{app=\"metric-between\"}", "\"0.3\"");
        UUID release = UUID.randomUUID();

        publishReady(release, "metric-between");

        HealthInconclusive inconclusive = events.await(
                        HealthInconclusive.class, e -> release.equals(e.releaseId()), WAIT)
                .data();
        assertThat(inconclusive.reason())
                .contains("metric 'value': 1 inconclusive measurements > inconclusive-limit 0; last: result = 0.3");
        ProbeResult only = inconclusive.results().get(0);
        assertThat(inconclusive.results()).hasSize(1);
        assertThat(only.value()).isEqualTo("0.3");
        assertThat(only.threshold()).isEqualTo("success: result < 0.2; failure: result > 0.5");
        assertThat(only.inconclusive()).isTrue();
        assertThat(events.all(HealthFailed.class, e -> release.equals(e.releaseId())))
                .isEmpty();
    }
}
