package io.relops.healthcheck.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.relops.common.event.EventType;
import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.judge.JudgeSpec.JudgedMetric;
import io.relops.healthcheck.probe.HealthCatalog.HealthSpec;
import io.relops.healthcheck.probe.HealthCatalog.MonitorSpec;
import io.relops.healthcheck.probe.ProbeTarget;
import io.relops.healthcheck.probe.PrometheusClient;
import io.relops.healthcheck.verification.GateOutcome;
import io.relops.healthcheck.verification.GateRun;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When the canary judge runs, and what it says when it cannot judge (no baseline, Prometheus unreachable). */
class CanaryJudgeTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    // nothing listens on port 9 (discard): every query is refused at once
    private final CanaryJudge judge = new CanaryJudge(new PrometheusClient("http://127.0.0.1:9"), meters);

    @AfterEach
    void stop() {
        judge.destroy();
    }

    private static HealthSpec health() {
        JudgeSpec spec = new JudgeSpec(
                null,
                Duration.ofSeconds(10),
                Duration.ofSeconds(1),
                95,
                75,
                Duration.ofSeconds(2),
                List.of(new JudgedMetric(
                        "latency", "latency{instance=\"{host}:{port}\"}", "increase", 1, 0.05, 0.1, 0, 5, false, "s")));
        return new HealthSpec(
                null,
                null,
                null,
                spec,
                List.of("127.0.0.1"),
                "none",
                Duration.ZERO,
                Duration.ofSeconds(1),
                3,
                2,
                Duration.ofSeconds(60),
                Duration.ofMinutes(5),
                new MonitorSpec(true, Duration.ofSeconds(10), 3, 2));
    }

    private static GateRun run(
            String trigger, @Nullable Integer weight, @Nullable ProbeTarget baseline, Instant startedAt) {
        return new GateRun(
                UUID.randomUUID(),
                UUID.randomUUID(),
                "shop",
                "production",
                "1.1.0",
                "green",
                "http://127.0.0.1:8081",
                trigger,
                weight == null ? null : 1,
                weight,
                health(),
                new ProbeTarget("shop", "1.1.0", "green", "http://127.0.0.1:8081"),
                baseline,
                startedAt);
    }

    private static ProbeTarget baseline() {
        return new ProbeTarget("shop", "1.0.0", "blue", "http://127.0.0.1:8080");
    }

    /** A Prometheus that counts the queries it gets and answers each with 503. */
    private static HttpServer countingPrometheus(AtomicInteger queries) throws IOException {
        HttpServer prometheus = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        prometheus.createContext("/", exchange -> {
            queries.incrementAndGet();
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        prometheus.start();
        return prometheus;
    }

    private double verdicts(String verdict) {
        var counter = meters.find("relops.health.judge.verdicts")
                .tags("application", "shop", "verdict", verdict)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void judgesOnlyCanaryStepsBelowAHundredPercent() {
        Instant now = Instant.now();

        assertThat(judge.start(run(EventType.DEPLOYMENT_READY.typeName(), null, null, now)))
                .isEmpty();
        assertThat(judge.start(run(EventType.TRAFFIC_SHIFTED.typeName(), 100, null, now)))
                .isEmpty();
        assertThat(judge.kind()).isEqualTo("judge");
        assertThat(judge.first()).isFalse();
    }

    @Test
    void leavesACanaryWithoutABaselineToAHuman() throws Exception {
        List<CompletableFuture<GateOutcome>> started =
                judge.start(run(EventType.TRAFFIC_SHIFTED.typeName(), 25, null, Instant.now()));

        assertThat(started).hasSize(1);
        GateOutcome outcome = started.get(0).get(1, TimeUnit.SECONDS);
        assertThat(outcome.verdict()).isEqualTo(GateOutcome.Verdict.INCONCLUSIVE);
        assertThat(outcome.reason())
                .isEqualTo("canary judge: no live slot to compare the canary with (no earlier release of shop"
                        + " serves production): a human decides");
        ProbeResult evidence = outcome.evidence().get(0);
        assertThat(evidence.probe()).isEqualTo("judge");
        assertThat(evidence.inconclusive()).isTrue();
        assertThat(verdicts("nodata")).isEqualTo(1);
    }

    @Test
    void anUnreachablePrometheusMakesTheJudgementInconclusiveNeverAPass() throws Exception {
        // the step started a window ago: the judge queries at once
        List<CompletableFuture<GateOutcome>> started = judge.start(run(
                EventType.TRAFFIC_SHIFTED.typeName(),
                25,
                baseline(),
                Instant.now().minusSeconds(10)));

        GateOutcome outcome = started.get(0).get(10, TimeUnit.SECONDS);
        assertThat(outcome.verdict()).isEqualTo(GateOutcome.Verdict.INCONCLUSIVE);
        assertThat(outcome.reason())
                .startsWith("canary judge: no data for any metric: latency has no data (canary: Prometheus at"
                        + " http://127.0.0.1:9 unreachable");
        assertThat(outcome.evidence()).extracting(ProbeResult::probe).containsExactly("judge", "judge:latency");
        assertThat(outcome.evidence())
                .allSatisfy(result -> assertThat(result.inconclusive()).isTrue());
        assertThat(verdicts("nodata")).isEqualTo(1);
        assertThat(meters.find("relops.health.judge.score").summary()).isNull();
    }

    @Test
    void aJudgementCancelledBeforeItsWindowEndedNeverQueriesPrometheus() throws Exception {
        AtomicInteger queries = new AtomicInteger();
        HttpServer prometheus = countingPrometheus(queries);
        CanaryJudge judging = new CanaryJudge(
                new PrometheusClient(
                        "http://127.0.0.1:" + prometheus.getAddress().getPort()),
                meters);
        try {
            // the window ends in half a second; another gate fails before
            CompletableFuture<GateOutcome> outcome = judging.start(run(
                            EventType.TRAFFIC_SHIFTED.typeName(),
                            25,
                            baseline(),
                            Instant.now().minusMillis(9_500)))
                    .get(0);

            outcome.cancel(true);

            await().during(Duration.ofMillis(1500))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> queries.get() == 0);
            assertThat(verdicts("nodata") + verdicts("pass") + verdicts("fail")).isZero();
        } finally {
            judging.destroy();
            prometheus.stop(0);
        }
    }

    @Test
    void aFaultWhileJudgingEndsTheGateInconclusiveInsteadOfHangingIt() throws Exception {
        SimpleMeterRegistry broken = new SimpleMeterRegistry();
        broken.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                throw new IllegalStateException("meter registry broken");
            }
        });
        CanaryJudge judging = new CanaryJudge(new PrometheusClient("http://127.0.0.1:9"), broken);
        try {
            GateOutcome outcome = judging.start(run(
                            EventType.TRAFFIC_SHIFTED.typeName(),
                            25,
                            baseline(),
                            Instant.now().minusSeconds(10)))
                    .get(0)
                    .get(10, TimeUnit.SECONDS);

            assertThat(outcome.verdict()).isEqualTo(GateOutcome.Verdict.INCONCLUSIVE);
            assertThat(outcome.reason())
                    .isEqualTo("canary judge: internal error: java.lang.IllegalStateException: meter registry broken:"
                            + " a human decides");
            assertThat(outcome.evidence()).singleElement().satisfies(result -> {
                assertThat(result.probe()).isEqualTo("judge");
                assertThat(result.inconclusive()).isTrue();
            });
        } finally {
            judging.destroy();
        }
    }

    @Test
    void aJudgementStartedWhileTheServiceShutsDownEndsInconclusive() throws Exception {
        judge.destroy();

        GateOutcome outcome = judge.start(run(EventType.TRAFFIC_SHIFTED.typeName(), 25, baseline(), Instant.now()))
                .get(0)
                .get(1, TimeUnit.SECONDS);

        assertThat(outcome.verdict()).isEqualTo(GateOutcome.Verdict.INCONCLUSIVE);
        assertThat(outcome.reason()).startsWith("canary judge: internal error: ");
    }

    @Test
    void anUncancelledJudgementQueriesBothSidesOfEveryMetric() throws Exception {
        AtomicInteger queries = new AtomicInteger();
        HttpServer prometheus = countingPrometheus(queries);
        CanaryJudge judging = new CanaryJudge(
                new PrometheusClient(
                        "http://127.0.0.1:" + prometheus.getAddress().getPort()),
                meters);
        try {
            GateOutcome outcome = judging.start(run(
                            EventType.TRAFFIC_SHIFTED.typeName(),
                            25,
                            baseline(),
                            Instant.now().minusMillis(9_500)))
                    .get(0)
                    .get(10, TimeUnit.SECONDS);

            assertThat(queries.get()).isEqualTo(2);
            assertThat(outcome.verdict()).isEqualTo(GateOutcome.Verdict.INCONCLUSIVE);
            assertThat(outcome.reason()).contains("latency has no data (canary: Prometheus answered 503");
        } finally {
            judging.destroy();
            prometheus.stop(0);
        }
    }
}
