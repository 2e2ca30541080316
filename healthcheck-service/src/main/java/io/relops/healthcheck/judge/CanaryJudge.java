package io.relops.healthcheck.judge;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.judge.JudgeSpec.JudgedMetric;
import io.relops.healthcheck.probe.ProbeTarget;
import io.relops.healthcheck.probe.PrometheusClient;
import io.relops.healthcheck.probe.PrometheusClient.Answer;
import io.relops.healthcheck.verification.GateOutcome;
import io.relops.healthcheck.verification.GateRun;
import io.relops.healthcheck.verification.Gates;
import io.relops.platform.redaction.Redaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;

/**
 * The canary judge ({@code health.judge}), Kayenta-style: at a canary step below 100 %, once {@code window} has
 * passed since the step's verification started, it fetches each metric's samples over that window from Prometheus
 * (range queries, one sample every {@code resolution}) for the canary and for the baseline (the live slot of the
 * release before) and hands them to the {@link Judgement}. Without a baseline there is nothing to compare with: the
 * step is inconclusive and a human decides. The wait runs on a scheduler, never a sleeping thread.
 */
@Component
public class CanaryJudge implements Gates, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CanaryJudge.class);

    private final PrometheusClient prometheus;
    private final MeterRegistry meters;
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

    public CanaryJudge(PrometheusClient prometheus, MeterRegistry meters) {
        this.prometheus = prometheus;
        this.meters = meters;
        scheduler.setPoolSize(1);
        scheduler.setThreadNamePrefix("judge-");
        scheduler.initialize();
    }

    @Override
    public String kind() {
        return "judge";
    }

    @Override
    public boolean first() {
        return false;
    }

    @Override
    public List<CompletableFuture<GateOutcome>> start(GateRun run) {
        JudgeSpec spec = run.health().judge();
        if (spec == null || !run.canaryStep()) {
            return List.of();
        }
        ProbeTarget baseline = run.baseline();
        if (baseline == null) {
            return List.of(cannotJudge(
                    run,
                    spec,
                    "no live slot to compare the canary with (no earlier release of " + run.application() + " serves "
                            + run.environment() + ")"));
        }
        String base = prometheus.baseUrl(spec.prometheusUrl());
        if (base == null) {
            return List.of(cannotJudge(
                    run,
                    spec,
                    "no Prometheus to query: set health.judge.prometheus-url or relops.health.prometheus-url"
                            + " (RELOPS_PROMETHEUS_URL)"));
        }
        Judging judging = new Judging(run, spec, base, baseline);
        ScheduledFuture<?> scheduled;
        try {
            scheduled = scheduler.schedule(judging::fetch, judging.to);
        } catch (RejectedExecutionException e) {
            // the service is shutting down: the gate ends rather than waiting forever
            return List.of(internalError(run, spec, e));
        }
        judging.outcome.whenComplete((done, failure) -> {
            if (judging.outcome.isCancelled()) {
                // another gate failed first: nothing more to ask Prometheus
                scheduled.cancel(false);
                judging.cancelQueries();
            }
        });
        log.info(
                "judging the canary {} against {} {} on {} over {} from {}",
                run.describe(),
                run.application(),
                baseline.version(),
                baseline.slot(),
                spec.window(),
                judging.from);
        return List.of(judging.outcome);
    }

    /** One judgement: the window it compares, its queries once they are sent, its outcome. */
    private final class Judging {
        private final GateRun run;
        private final JudgeSpec spec;
        private final String prometheusUrl;
        private final ProbeTarget baseline;
        private final Instant from;
        private final Instant to;
        private final CompletableFuture<GateOutcome> outcome = new CompletableFuture<>();
        private final List<CompletableFuture<MetricSamples>> queries = new ArrayList<>();

        Judging(GateRun run, JudgeSpec spec, String prometheusUrl, ProbeTarget baseline) {
            this.run = run;
            this.spec = spec;
            this.prometheusUrl = prometheusUrl;
            this.baseline = baseline;
            this.from = run.startedAt();
            this.to = from.plus(spec.window());
        }

        /**
         * Once the window has passed: every metric's samples on both sides, then the judgement. Whatever goes wrong on
         * the way (a fault of relops itself) completes the outcome too, as inconclusive.
         */
        void fetch() {
            try {
                judge();
            } catch (RuntimeException e) {
                fail(e);
            }
        }

        private void fail(Throwable failure) {
            if (!outcome.isDone()) {
                outcome.complete(internalError(run, spec, failure).join());
            }
        }

        private void judge() {
            long started = System.nanoTime();
            Map<String, CompletableFuture<MetricSamples>> samples = new LinkedHashMap<>();
            for (JudgedMetric metric : spec.metricList()) {
                samples.put(metric.name(), samples(prometheusUrl, metric, run.target(), baseline, from, to, spec));
            }
            synchronized (this) {
                queries.addAll(samples.values());
            }
            CompletableFuture.allOf(samples.values().toArray(CompletableFuture[]::new))
                    .whenComplete((done, failure) -> {
                        if (outcome.isDone()) {
                            return; // cancelled: another gate failed first
                        }
                        Map<String, MetricSamples> fetched = new LinkedHashMap<>();
                        samples.forEach((name, future) -> fetched.put(name, future.join()));
                        long latency = (System.nanoTime() - started) / 1_000_000;
                        outcome.complete(judged(run, Judgement.of(spec, fetched), latency));
                    })
                    .exceptionally(failure -> {
                        fail(
                                failure instanceof CompletionException && failure.getCause() != null
                                        ? failure.getCause()
                                        : failure);
                        return null;
                    });
        }

        synchronized void cancelQueries() {
            queries.forEach(query -> query.cancel(true));
        }
    }

    /** One metric's samples on both sides; a Prometheus problem on either side is the metric's problem. */
    private CompletableFuture<MetricSamples> samples(
            String base,
            JudgedMetric metric,
            ProbeTarget canary,
            ProbeTarget baseline,
            Instant from,
            Instant to,
            JudgeSpec spec) {
        String canaryQuery = canary.expand(metric.query());
        String baselineQuery = baseline.expand(metric.query());
        if (canaryQuery.equals(baselineQuery)) {
            return CompletableFuture.completedFuture(
                    MetricSamples.problem("the query is the same for the canary and the baseline (" + canaryQuery
                            + "): it must name the" + " slot, e.g. {host}:{port}"));
        }
        CompletableFuture<Answer> canaryAnswer =
                prometheus.range(base, canaryQuery, from, to, spec.resolution(), spec.timeout());
        CompletableFuture<Answer> baselineAnswer =
                prometheus.range(base, baselineQuery, from, to, spec.resolution(), spec.timeout());
        return canaryAnswer
                .thenCombine(baselineAnswer, (c, b) -> {
                    if (!c.ok()) {
                        return MetricSamples.problem("canary: " + Redaction.redact(c.problem()));
                    }
                    if (!b.ok()) {
                        return MetricSamples.problem("baseline: " + Redaction.redact(b.problem()));
                    }
                    return new MetricSamples(values(c), values(b), null);
                })
                .exceptionally(failure ->
                        MetricSamples.problem("the queries did not complete: " + Redaction.redact(failure.toString())));
    }

    /** Every sample of every series of the answer. */
    private static double[] values(Answer answer) {
        return answer.series().stream()
                .flatMap(series -> series.samples().stream())
                .mapToDouble(PrometheusClient.Sample::value)
                .toArray();
    }

    private GateOutcome judged(GateRun run, Judgement judgement, long latencyMs) {
        if (judgement.score() != null) {
            DistributionSummary.builder("relops.health.judge.score")
                    .description("The canary judge's scores (0-100), one per judged canary step")
                    .tag("application", run.application())
                    .register(meters)
                    .record(judgement.score());
        }
        count(run, judgement.verdict());
        GateOutcome outcome = judgement.outcome(latencyMs);
        try (MDC.MDCCloseable r = MDC.putCloseable("releaseId", String.valueOf(run.releaseId()))) {
            log.info("{}: {} ({})", run.describe(), judgement.verdict().tag(), outcome.reason());
        }
        return outcome;
    }

    /** No judgement possible: inconclusive, so that a human decides, with the reason as evidence. */
    private CompletableFuture<GateOutcome> cannotJudge(GateRun run, JudgeSpec spec, String why) {
        count(run, Judgement.Verdict.NO_DATA);
        try (MDC.MDCCloseable r = MDC.putCloseable("releaseId", String.valueOf(run.releaseId()))) {
            log.warn("{}: the canary judge cannot judge: {}", run.describe(), why);
        }
        String threshold =
                "pass >= " + Judgement.format(spec.pass()) + ", marginal >= " + Judgement.format(spec.marginal());
        return CompletableFuture.completedFuture(GateOutcome.inconclusive(
                "canary judge: " + why + ": a human decides",
                List.of(ProbeResult.inconclusive("judge", threshold, 0, why))));
    }

    /**
     * A fault of relops itself (a bug, the scheduler shut down): inconclusive, naming it, so that the verification
     * never waits on a judgement that cannot come and a human decides.
     */
    private CompletableFuture<GateOutcome> internalError(GateRun run, JudgeSpec spec, Throwable failure) {
        String why = "internal error: " + Redaction.redact(failure.toString());
        try (MDC.MDCCloseable r = MDC.putCloseable("releaseId", String.valueOf(run.releaseId()))) {
            log.error("{}: the canary judge failed", run.describe(), failure);
        }
        String threshold =
                "pass >= " + Judgement.format(spec.pass()) + ", marginal >= " + Judgement.format(spec.marginal());
        return CompletableFuture.completedFuture(GateOutcome.inconclusive(
                "canary judge: " + why + ": a human decides",
                List.of(ProbeResult.inconclusive("judge", threshold, 0, why))));
    }

    private void count(GateRun run, Judgement.Verdict verdict) {
        meters.counter("relops.health.judge.verdicts", "application", run.application(), "verdict", verdict.tag())
                .increment();
    }

    @Override
    public void destroy() {
        scheduler.shutdown();
    }
}
