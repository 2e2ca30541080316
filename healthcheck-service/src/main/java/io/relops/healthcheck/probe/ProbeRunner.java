package io.relops.healthcheck.probe;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.probe.HealthCatalog.ProbeSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Runs probes with their guards: every probe call is bounded by a Resilience4j {@link TimeLimiter}
 * (the probe's timeout plus a grace, cancelling the call) and goes through its application's
 * {@link Bulkhead}, so a hanging endpoint holds at most {@code max-concurrent-per-application}
 * calls and never the capacity other applications need. A probe whose host the application's catalog does not
 * allow ({@link ProbeTarget#allows}) is not run at all: it fails, naming the host and the setting
 * ({@code relops.health.probe.refused}). Probes are asynchronous, so no thread
 * waits on a slow endpoint. Records {@code relops.health.probe.latency} and {@code
 * relops.health.probe.results}.
 */
@Component
public class ProbeRunner implements DisposableBean {

    private static final Duration GRACE = Duration.ofMillis(250);

    private final Map<String, Probe> probes;
    private final MeterRegistry meters;
    private final BulkheadRegistry bulkheads;
    private final Map<Duration, TimeLimiter> timeLimiters = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timeouts = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "probe-timeouts");
        thread.setDaemon(true);
        return thread;
    });

    public ProbeRunner(
            List<Probe> probes,
            MeterRegistry meters,
            @Value("${relops.health.bulkhead.max-concurrent-per-application:8}") int maxConcurrentPerApplication) {
        this.probes = probes.stream().collect(Collectors.toMap(Probe::type, Function.identity()));
        this.meters = meters;
        this.bulkheads = BulkheadRegistry.of(BulkheadConfig.custom()
                .maxConcurrentCalls(maxConcurrentPerApplication)
                .maxWaitDuration(Duration.ZERO)
                .build());
    }

    /** Runs every probe of {@code specs} against {@code target} concurrently; the results in order. */
    public CompletableFuture<List<ProbeResult>> runAll(List<ProbeSpec> specs, ProbeTarget target) {
        List<CompletableFuture<ProbeResult>> running =
                specs.stream().map(spec -> run(spec, target)).toList();
        return CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
                .thenApply(
                        ignored -> running.stream().map(CompletableFuture::join).toList());
    }

    /** Runs one probe; the future always completes normally, with the result as evidence. */
    public CompletableFuture<ProbeResult> run(ProbeSpec spec, ProbeTarget target) {
        Probe probe = probes.get(spec.type());
        if (probe == null) {
            return CompletableFuture.completedFuture(record(
                    target,
                    new ProbeResult(
                            spec.name(),
                            false,
                            null,
                            null,
                            0,
                            "probe type '" + spec.type() + "' is not available (available: " + probes.keySet() + ")")));
        }
        String host = probe.host(spec, target);
        if (host != null && !target.allows(host)) {
            meters.counter("relops.health.probe.refused", "application", target.application())
                    .increment();
            return CompletableFuture.completedFuture(
                    record(target, new ProbeResult(spec.name(), false, null, null, 0, target.refusal(host))));
        }
        Bulkhead bulkhead = bulkheads.bulkhead(target.application());
        TimeLimiter limiter = timeLimiters.computeIfAbsent(
                spec.timeout(),
                timeout -> TimeLimiter.of(TimeLimiterConfig.custom()
                        .timeoutDuration(timeout.plus(GRACE))
                        .cancelRunningFuture(true)
                        .build()));
        long start = System.nanoTime();
        CompletableFuture<ProbeResult> guarded;
        try {
            guarded = Bulkhead.decorateCompletionStage(
                            bulkhead, () -> limiter.executeCompletionStage(timeouts, () -> probe.run(spec, target)))
                    .get()
                    .toCompletableFuture();
        } catch (RuntimeException e) {
            guarded = CompletableFuture.failedFuture(e);
        }
        return guarded.handle((result, failure) -> {
            if (failure == null) {
                return record(target, result);
            }
            Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            long latency = (System.nanoTime() - start) / 1_000_000;
            if (cause instanceof BulkheadFullException) {
                return record(
                        target,
                        ProbeResult.inconclusive(
                                spec.name(),
                                null,
                                0,
                                "not run: " + bulkhead.getBulkheadConfig().getMaxConcurrentCalls() + " probes of "
                                        + target.application() + " are still in flight (bulkhead full)"));
            }
            if (cause instanceof TimeoutException) {
                return record(
                        target,
                        new ProbeResult(
                                spec.name(),
                                false,
                                null,
                                null,
                                latency,
                                "no answer within " + spec.timeout().toMillis() + " ms"));
            }
            return record(target, new ProbeResult(spec.name(), false, null, null, latency, "probe failed: " + cause));
        });
    }

    private ProbeResult record(ProbeTarget target, ProbeResult result) {
        Timer.builder("relops.health.probe.latency")
                .tag("application", target.application())
                .tag("probe", result.probe())
                .register(meters)
                .record(Duration.ofMillis(result.latencyMs()));
        meters.counter(
                        "relops.health.probe.results",
                        "application",
                        target.application(),
                        "probe",
                        result.probe(),
                        "result",
                        outcome(result))
                .increment();
        return result;
    }

    /** passed, failed or inconclusive. */
    public static String outcome(ProbeResult result) {
        return !result.conclusive() ? "inconclusive" : result.passed() ? "passed" : "failed";
    }

    @Override
    public void destroy() {
        timeouts.shutdownNow();
    }
}
