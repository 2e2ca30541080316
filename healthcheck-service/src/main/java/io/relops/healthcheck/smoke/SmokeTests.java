package io.relops.healthcheck.smoke;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.smoke.SmokeRun.Status;
import io.relops.healthcheck.verification.GateOutcome;
import io.relops.healthcheck.verification.GateRun;
import io.relops.healthcheck.verification.Gates;
import io.relops.platform.redaction.Redaction;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * The smoke tests of {@code health.smoke-tests} as verification gates that run first: before any traffic ({@code
 * at: ready}, on {@code deployment.ready}) and at each canary step ({@code at: steps}, on every {@code
 * traffic.shifted}), each test of the run is started and judged on its own. Its evidence is one {@link ProbeResult}
 * {@code smoke-test:<name>} (the exit code, status or Job state, the duration and, passed or not, the last lines of
 * its output, redacted, in {@code output}; a failure's {@code error} repeats them); a failing test's reason names it.
 * Records {@code relops.health.smoke.runs} and {@code relops.health.smoke.duration}.
 */
@Component
public class SmokeTests implements Gates {

    public static final String KIND = "smoke-test";

    private static final Logger log = LoggerFactory.getLogger(SmokeTests.class);

    private final Map<String, SmokeRunner> runners;
    private final MeterRegistry meters;

    SmokeTests(List<SmokeRunner> runners, MeterRegistry meters) {
        this.runners = runners.stream().collect(Collectors.toMap(SmokeRunner::kind, Function.identity()));
        this.meters = meters;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public boolean first() {
        return true;
    }

    @Override
    public List<CompletableFuture<GateOutcome>> start(GateRun run) {
        return run.health().smokeTestList().stream()
                .filter(spec -> run.beforeTraffic() ? spec.beforeTraffic() : run.step() != null && spec.atSteps())
                .map(spec -> start(spec, run))
                .toList();
    }

    private CompletableFuture<GateOutcome> start(SmokeTestSpec spec, GateRun run) {
        SmokeRunner runner = runners.get(spec.kind());
        inRelease(run, () -> log.info("smoke test '{}' ({}) of {} started", spec.name(), spec.kind(), run.describe()));
        long start = System.nanoTime();
        CompletableFuture<SmokeRun> running;
        try {
            running = runner.start(spec, run);
        } catch (RuntimeException e) {
            running = CompletableFuture.completedFuture(
                    SmokeRun.failed("not started", List.of(spec.kind() + " did not start: " + e.getMessage())));
        }
        CompletableFuture<SmokeRun> test = running;
        CompletableFuture<GateOutcome> outcome = test.handle((ended, failure) -> {
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (failure instanceof CancellationException) {
                inRelease(
                        run,
                        () -> log.info(
                                "smoke test '{}' of {} stopped: another gate decided", spec.name(), run.describe()));
                return GateOutcome.failed("smoke test '" + spec.name() + "' stopped", List.of());
            }
            SmokeRun result = ended != null ? ended : SmokeRun.failed("not run", List.of(String.valueOf(failure)));
            return judge(spec, run, result, millis);
        });
        outcome.whenComplete((ended, failure) -> {
            if (outcome.isCancelled()) {
                test.cancel(true); // another gate failed first: the test is stopped (process, request, Job)
            }
        });
        return outcome;
    }

    private GateOutcome judge(SmokeTestSpec spec, GateRun run, SmokeRun result, long millis) {
        boolean passed = result.status() == Status.PASSED;
        @Nullable
        String lastLine = result.output().isEmpty()
                ? null
                : Redaction.redact(result.output().get(result.output().size() - 1));
        String took = Durations.showMillis(millis);
        String reason = switch (result.status()) {
            case PASSED -> "smoke test '" + spec.name() + "' passed (" + result.value() + ", " + took + ")";
            case FAILED ->
                "smoke test '" + spec.name() + "' failed: " + result.value() + " after " + took
                        + (lastLine == null ? "" : ": " + lastLine);
            case TIMED_OUT ->
                "smoke test '" + spec.name() + "' failed: " + result.value()
                        + (lastLine == null ? "" : ": " + lastLine);
        };
        String tail = Redaction.redact(String.join("\n", result.output()));
        ProbeResult evidence = new ProbeResult(
                "smoke-test:" + spec.name(),
                passed,
                result.value(),
                null,
                millis,
                passed ? null : tail,
                null,
                result.output().isEmpty() ? null : tail);
        String outcome = result.status() == Status.TIMED_OUT ? "timeout" : passed ? "passed" : "failed";
        meters.counter(
                        "relops.health.smoke.runs",
                        "application",
                        run.application(),
                        "test",
                        spec.name(),
                        "result",
                        outcome)
                .increment();
        Timer.builder("relops.health.smoke.duration")
                .tag("application", run.application())
                .tag("test", spec.name())
                .register(meters)
                .record(millis, TimeUnit.MILLISECONDS);
        inRelease(run, () -> log.info("{} ({})", reason, run.describe()));
        return passed ? GateOutcome.passed(reason, List.of(evidence)) : GateOutcome.failed(reason, List.of(evidence));
    }

    private static void inRelease(GateRun run, Runnable logging) {
        try (MDC.MDCCloseable r = MDC.putCloseable("releaseId", String.valueOf(run.releaseId()))) {
            logging.run();
        }
    }
}
