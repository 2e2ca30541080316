package io.relops.healthcheck.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.relops.common.event.EventType;
import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.probe.HealthCatalog.HealthSpec;
import io.relops.healthcheck.probe.HealthCatalog.MonitorSpec;
import io.relops.healthcheck.probe.ProbeTarget;
import io.relops.healthcheck.probe.PrometheusClient;
import io.relops.healthcheck.verification.GateOutcome;
import io.relops.healthcheck.verification.GateOutcome.Verdict;
import io.relops.healthcheck.verification.GateRun;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** The gate kind with its scheduler, against a real local Prometheus API double. */
class MetricAnalysesTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final FakeHttp prometheus = new FakeHttp();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final MetricAnalyses analyses = new MetricAnalyses(
            new MetricTemplates(new StandardEnvironment()),
            new MetricQueries(new PrometheusClient("")),
            meters,
            new StandardEnvironment());

    @AfterEach
    void stop() throws Exception {
        analyses.destroy();
        prometheus.close();
    }

    @Test
    void passesAfterCountMeasurementsIntervalApartWithEachAsEvidence() {
        prometheus.prometheusVector("0.1");

        GateOutcome outcome = only(analyses.start(ready(metric("p95", prometheus.url(), 3, 0, 0, null))));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(outcome.reason()).isEqualTo("metric 'p95': 3 of 3 measurements successful");
        assertThat(outcome.evidence()).hasSize(3).allSatisfy(result -> {
            assertThat(result.probe()).isEqualTo("metric:p95");
            assertThat(result.passed()).isTrue();
            assertThat(result.value()).isEqualTo("0.1");
            assertThat(result.threshold()).isEqualTo("result < 0.5");
        });
        assertThat(prometheus.hits("/api/v1/query")).isEqualTo(3);
        assertThat(meters.counter(
                                "relops.health.metric.measurements",
                                "application",
                                "shop",
                                "metric",
                                "p95",
                                "phase",
                                "successful")
                        .count())
                .isEqualTo(3);
    }

    @Test
    void failsOnTheSecondFailureWithFailureLimitOneAndMeasuresNoMore() {
        prometheus.prometheusVector("0.82");

        GateOutcome outcome = only(analyses.start(ready(metric("p95", prometheus.url(), 5, 1, 0, null))));

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(outcome.reason())
                .isEqualTo("metric 'p95': 2 failed measurements > failure-limit 1; last: result = 0.82");
        assertThat(outcome.evidence()).hasSize(2).noneMatch(ProbeResult::passed);
        await().during(Duration.ofMillis(400))
                .atMost(Duration.ofSeconds(2))
                .until(() -> prometheus.hits("/api/v1/query") == 2);
    }

    @Test
    void anUnreachablePrometheusIsInconclusiveAfterTheFifthConsecutiveError() {
        GateOutcome outcome = only(analyses.start(ready(metric("p95", "http://127.0.0.1:9", 10, 0, 0, null))));

        assertThat(outcome.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(outcome.reason())
                .startsWith("metric 'p95': 5 consecutive errors > consecutive-error-limit 4; last: Prometheus at"
                        + " http://127.0.0.1:9 unreachable");
        assertThat(outcome.evidence()).hasSize(5).allSatisfy(result -> {
            assertThat(result.inconclusive()).isTrue();
            assertThat(result.passed()).isFalse();
        });
    }

    @Test
    void cancellingStopsTheMeasurements() {
        prometheus.prometheusVector("0.1");
        CompletableFuture<GateOutcome> running = analyses.start(ready(metric("p95", prometheus.url(), 100, 0, 0, null)))
                .get(0);
        await().atMost(WAIT).until(() -> prometheus.hits("/api/v1/query") >= 2);

        running.cancel(true);

        int hits = prometheus.hits("/api/v1/query");
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(2))
                .until(() -> prometheus.hits("/api/v1/query") <= hits + 1);
    }

    @Test
    void aFaultWhileRecordingAMeasurementEndsTheGateInconclusiveInsteadOfHangingIt() throws Exception {
        prometheus.prometheusVector("0.1");
        SimpleMeterRegistry broken = new SimpleMeterRegistry();
        broken.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                throw new IllegalStateException("meter registry broken");
            }
        });
        MetricAnalyses failing = new MetricAnalyses(
                new MetricTemplates(new StandardEnvironment()),
                new MetricQueries(new PrometheusClient("")),
                broken,
                new StandardEnvironment());
        try {
            GateOutcome outcome = only(failing.start(ready(metric("p95", prometheus.url(), 3, 0, 0, null))));

            assertThat(outcome.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
            assertThat(outcome.reason())
                    .isEqualTo("metric 'p95': internal error: java.lang.IllegalStateException: meter registry broken:"
                            + " a human decides");
            assertThat(outcome.evidence()).last().satisfies(result -> {
                assertThat(result.probe()).isEqualTo("metric:p95");
                assertThat(result.inconclusive()).isTrue();
            });
        } finally {
            failing.destroy();
        }
    }

    @Test
    void aGateStartedWhileTheServiceShutsDownEndsInconclusive() {
        prometheus.prometheusVector("0.1");
        analyses.destroy();

        GateOutcome outcome = only(analyses.start(ready(metric("p95", prometheus.url(), 3, 0, 0, null))));

        assertThat(outcome.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(outcome.reason()).startsWith("metric 'p95': internal error: ");
        assertThat(prometheus.hits("/api/v1/query")).isZero();
    }

    @Test
    void measuresAMetricOnlyAtTheTriggersItNames() {
        MetricSpec steps = metric("p95", prometheus.url(), 1, 0, 0, Set.of("steps"));

        assertThat(analyses.start(ready(steps))).isEmpty();
        assertThat(analyses.start(run(steps, EventType.TRAFFIC_SHIFTED.typeName(), 1, 25)))
                .hasSize(1);
    }

    @Test
    void refusesAMetricWhoseTemplatedUrlIsOnAHostTheCatalogDoesNotAllow() {
        MetricSpec web = new MetricSpec(
                "checkout",
                null,
                null,
                null,
                null,
                null,
                "http://{slot}.internal:8080/stats",
                null,
                "$.ok",
                "result == true",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);

        GateOutcome outcome = only(analyses.start(ready(web)));

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(outcome.reason())
                .isEqualTo("metric 'checkout': host 'green.internal' is not in"
                        + " relops.applications.shop.health.allowed-hosts [127.0.0.1]: not probed");
    }

    @Test
    void aConditionThatDoesNotParseStopsTheStartNamingTheSetting() {
        StandardEnvironment environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .addFirst(new MapPropertySource(
                        "catalog",
                        Map.of(
                                "relops.applications.shop.environments.prod.health.interval", "2s",
                                "relops.applications.shop.health.metrics[0].name", "p95",
                                "relops.applications.shop.health.metrics[0].prometheus-url", "http://prometheus:9090",
                                "relops.applications.shop.health.metrics[0].query", "up",
                                "relops.applications.shop.health.metrics[0].success-condition", "result <")));

        assertThatThrownBy(() -> new MetricAnalyses(
                        new MetricTemplates(environment),
                        new MetricQueries(new PrometheusClient("")),
                        meters,
                        environment))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(
                        "relops.applications.shop.health.metrics[p95].success-condition 'result <' is not a valid"
                                + " expression");
    }

    private static GateOutcome only(List<CompletableFuture<GateOutcome>> started) {
        assertThat(started).hasSize(1);
        return started.get(0)
                .orTimeout(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)
                .join();
    }

    private static MetricSpec metric(
            String name,
            String prometheusUrl,
            int count,
            int failureLimit,
            int inconclusiveLimit,
            @Nullable Set<String> at) {
        return new MetricSpec(
                name,
                null,
                null,
                null,
                prometheusUrl,
                "up",
                null,
                null,
                null,
                "result < 0.5",
                null,
                count,
                Duration.ofMillis(100),
                null,
                failureLimit,
                inconclusiveLimit,
                null,
                Duration.ofSeconds(1),
                at);
    }

    private static GateRun ready(MetricSpec metric) {
        return run(metric, EventType.DEPLOYMENT_READY.typeName(), null, null);
    }

    private static GateRun run(MetricSpec metric, String trigger, @Nullable Integer step, @Nullable Integer weight) {
        HealthSpec health = new HealthSpec(
                null,
                null,
                List.of(metric),
                null,
                List.of("127.0.0.1"),
                "none",
                Duration.ZERO,
                Duration.ofSeconds(1),
                3,
                2,
                Duration.ofSeconds(60),
                Duration.ofMinutes(5),
                new MonitorSpec(true, Duration.ofSeconds(10), 3, 2));
        return new GateRun(
                UUID.randomUUID(),
                UUID.randomUUID(),
                "shop",
                "prod",
                "1.2.0",
                "green",
                "http://127.0.0.1:8080",
                trigger,
                step,
                weight,
                health,
                ProbeTarget.of("shop", "1.2.0", "green", "http://127.0.0.1:8080", health),
                null,
                Instant.now());
    }
}
