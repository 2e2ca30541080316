package io.relops.healthcheck.metric;

import io.micrometer.core.instrument.MeterRegistry;
import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.metric.Analysis.Conclusion;
import io.relops.healthcheck.probe.HealthCatalog.ApplicationHealth;
import io.relops.healthcheck.probe.HealthCatalog.HealthSpec;
import io.relops.healthcheck.verification.GateOutcome;
import io.relops.healthcheck.verification.GateRun;
import io.relops.healthcheck.verification.Gates;
import io.relops.platform.catalog.EnvironmentCatalog;
import io.relops.platform.redaction.Redaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Metrics as verification gates, as Argo Rollouts' analyses: each metric of {@code health.metrics} measured at
 * this trigger ({@code at}: {@code ready} before traffic, {@code steps} at each canary step) takes {@code count}
 * measurements {@code interval} apart after {@code initial-delay}, on a scheduler (a measurement itself is
 * asynchronous: no thread waits on Prometheus or an endpoint), and concludes as {@link Analysis} says: FAILED fails
 * the verification (the release is rolled back), INCONCLUSIVE pauses it for a human. Every measurement is evidence
 * ({@code metric:<name>}) and counted ({@code relops.health.metric.measurements}).
 *
 * <p>Every metric of the catalog (each application, each environment) is resolved when the service starts, so a
 * condition that does not parse, an unknown template or a missing arg stops the start naming the setting.
 */
@Component
public class MetricAnalyses implements Gates, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(MetricAnalyses.class);

    private final MetricTemplates templates;
    private final MetricQueries queries;
    private final MeterRegistry meters;
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

    public MetricAnalyses(
            MetricTemplates templates, MetricQueries queries, MeterRegistry meters, Environment environment) {
        this.templates = templates;
        this.queries = queries;
        this.meters = meters;
        check(EnvironmentCatalog.bind(environment, ApplicationHealth.class));
        scheduler.setPoolSize(2);
        scheduler.setThreadNamePrefix("metric-");
        scheduler.initialize();
    }

    @Override
    public String kind() {
        return "metric";
    }

    @Override
    public boolean first() {
        return false;
    }

    @Override
    public List<CompletableFuture<GateOutcome>> start(GateRun run) {
        String at = run.beforeTraffic() ? "ready" : run.step() != null ? "steps" : null;
        if (at == null) {
            return List.of();
        }
        List<CompletableFuture<GateOutcome>> started = new ArrayList<>();
        for (MetricSpec spec : run.health().metricList()) {
            Metric metric = resolve(run.application(), spec, run.health());
            if (metric.at().contains(at)) {
                started.add(new Measuring(metric, run).begin());
            }
        }
        return started;
    }

    private Metric resolve(String application, MetricSpec spec, HealthSpec health) {
        return Metric.resolve(application, spec, templates.all(), health.interval(), queries.defaultPrometheusUrl());
    }

    /** Resolves every metric of the catalog: a misconfigured one stops the start, naming the setting. */
    private void check(EnvironmentCatalog<ApplicationHealth> catalog) {
        for (String application : catalog.applications()) {
            List<@Nullable String> environments = new ArrayList<>();
            environments.add(null);
            environments.addAll(catalog.environments(application));
            for (String environment : environments) {
                HealthSpec health = catalog.effective(application, environment)
                        .orElseThrow()
                        .health();
                for (MetricSpec spec : health.metricList()) {
                    try {
                        resolve(application, spec, health);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalStateException(
                                "catalog: "
                                        + (environment == null ? "" : "environment '" + environment + "': ")
                                        + e.getMessage(),
                                e);
                    }
                }
            }
        }
    }

    @Override
    public void destroy() {
        scheduler.shutdown();
    }

    /** One metric's measurements in one verification; {@link #outcome} completes once, cancelled to stop. */
    private final class Measuring {
        private final Metric metric;
        private final GateRun run;
        private final CompletableFuture<GateOutcome> outcome = new CompletableFuture<>();
        private final List<ProbeResult> evidence = new ArrayList<>();
        private Analysis analysis = Analysis.NONE;
        private @Nullable Future<?> pending;

        Measuring(Metric metric, GateRun run) {
            this.metric = metric;
            this.run = run;
        }

        CompletableFuture<GateOutcome> begin() {
            String refusal = queries.refusal(metric, run.target());
            if (refusal != null) {
                ProbeResult refused = new ProbeResult(
                        metric.probe(), false, null, metric.conditions().summary(), 0, refusal);
                return CompletableFuture.completedFuture(
                        GateOutcome.failed("metric '" + metric.name() + "': " + refusal, List.of(refused)));
            }
            outcome.whenComplete((ended, failure) -> stop());
            next(Instant.now().plus(metric.initialDelay()));
            return outcome;
        }

        private synchronized void next(Instant when) {
            if (!outcome.isDone()) {
                try {
                    pending = scheduler.schedule(this::measure, when);
                } catch (RejectedExecutionException e) {
                    // the service is shutting down: the gate ends rather than waiting forever
                    internalError(e);
                }
            }
        }

        private synchronized void stop() {
            if (pending != null) {
                pending.cancel(false);
            }
        }

        private void measure() {
            if (outcome.isDone()) {
                return;
            }
            try {
                CompletableFuture<Measurement> measuring = queries.measure(metric, run.target());
                outcome.whenComplete((ended, failure) -> measuring.cancel(true));
                measuring.thenAccept(this::record).exceptionally(failure -> {
                    if (!(failure instanceof CancellationException)
                            && !(failure.getCause() instanceof CancellationException)) {
                        internalError(failure.getCause() != null ? failure.getCause() : failure);
                    }
                    return null;
                });
            } catch (RuntimeException e) {
                internalError(e);
            }
        }

        /**
         * A fault of relops itself (a bug, the scheduler shut down) ends the gate as inconclusive, naming it: the
         * verification never waits on a gate that cannot conclude, and a human decides.
         */
        private void internalError(Throwable failure) {
            if (outcome.isDone()) {
                return;
            }
            String reason = "metric '" + metric.name() + "': internal error: " + Redaction.redact(failure.toString())
                    + ": a human decides";
            List<ProbeResult> results;
            synchronized (this) {
                results = new ArrayList<>(evidence);
            }
            results.add(ProbeResult.inconclusive(
                    metric.probe(),
                    metric.conditions().summary(),
                    0,
                    "internal error: " + Redaction.redact(failure.toString())));
            try (MDC.MDCCloseable r = MDC.putCloseable("releaseId", String.valueOf(run.releaseId()))) {
                log.error("{} of {}: internal error", metric.name(), run.describe(), failure);
            }
            outcome.complete(GateOutcome.inconclusive(reason, List.copyOf(results)));
        }

        private void record(Measurement measurement) {
            Conclusion conclusion;
            List<ProbeResult> results;
            synchronized (this) {
                if (outcome.isDone()) {
                    return;
                }
                analysis = analysis.next(measurement.phase());
                evidence.add(measurement.evidence(metric));
                conclusion = analysis.conclusion(metric, measurement);
                results = List.copyOf(evidence);
            }
            meters.counter(
                            "relops.health.metric.measurements",
                            "application",
                            run.application(),
                            "metric",
                            metric.name(),
                            "phase",
                            measurement.phase().name().toLowerCase(Locale.ROOT))
                    .increment();
            if (conclusion == null) {
                next(Instant.now().plus(metric.interval()));
                return;
            }
            try (MDC.MDCCloseable r = MDC.putCloseable("releaseId", String.valueOf(run.releaseId()))) {
                log.info("{} of {}: {}", metric.name(), run.describe(), conclusion.reason());
            }
            outcome.complete(new GateOutcome(conclusion.verdict(), conclusion.reason(), results));
        }
    }
}
