package io.relops.healthcheck.verification;

import io.micrometer.core.instrument.MeterRegistry;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.event.DeploymentReady;
import io.relops.common.event.EventData;
import io.relops.common.event.EventType;
import io.relops.common.event.HealthFailed;
import io.relops.common.event.HealthInconclusive;
import io.relops.common.event.HealthVerified;
import io.relops.common.event.ProbeResult;
import io.relops.common.event.RelopsEvent;
import io.relops.common.event.TrafficShifted;
import io.relops.healthcheck.monitor.LiveSlots;
import io.relops.healthcheck.probe.HealthCatalog;
import io.relops.healthcheck.probe.HealthCatalog.HealthSpec;
import io.relops.healthcheck.probe.ProbeRunner;
import io.relops.healthcheck.probe.ProbeTarget;
import io.relops.healthcheck.verification.GateOutcome.Verdict;
import io.relops.platform.events.Outbox;
import io.relops.platform.redaction.Redaction;
import io.relops.platform.tracing.TraceContexts;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Verifies a slot when it is ready ({@code deployment.ready}) and at each canary step ({@code
 * traffic.shifted}, the final 100 % included): the run is recorded (RUNNING) in the transaction
 * that consumes the event, then its probe rounds run on a scheduler, never on the consumer thread;
 * the verdict and its {@code health.verified} / {@code health.failed} event (with the step, the
 * release id, the slot and the evidence of every probe run) commit together. Runs still RUNNING
 * when the service stopped are resumed at start.
 */
@Service
public class Verifier implements ApplicationRunner, DisposableBean {

    public static final URI SOURCE = CloudEventCodec.sourceOf("healthcheck");
    private static final Logger log = LoggerFactory.getLogger(Verifier.class);

    private final HealthCatalog catalog;
    private final ProbeRunner probes;
    private final VerificationRepository verifications;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final MeterRegistry meters;
    private final TraceContexts traces;
    private final LiveSlots liveSlots;
    private final List<Gates> gates;
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

    public Verifier(
            HealthCatalog catalog,
            ProbeRunner probes,
            VerificationRepository verifications,
            Outbox outbox,
            TransactionTemplate tx,
            MeterRegistry meters,
            TraceContexts traces,
            LiveSlots liveSlots,
            List<Gates> gates) {
        this.catalog = catalog;
        this.probes = probes;
        this.verifications = verifications;
        this.outbox = outbox;
        this.tx = tx;
        this.meters = meters;
        this.traces = traces;
        this.liveSlots = liveSlots;
        this.gates = List.copyOf(gates);
        scheduler.setPoolSize(2);
        scheduler.setThreadNamePrefix("verify-");
        scheduler.initialize();
    }

    /**
     * Records a verification for a {@code deployment.ready} or {@code traffic.shifted}, in the
     * caller's transaction (the one that marks the event consumed); its rounds start after commit.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void onReleaseEvent(RelopsEvent<?> event) {
        Verification verification = verificationFor(event);
        if (verification == null) {
            return;
        }
        verifications.insert(verification);
        // the rounds run on a scheduler and the probes' callbacks: they continue the release event's trace explicitly
        String traceparent = traces.current();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                start(verification, traceparent);
            }
        });
    }

    private static @Nullable Verification verificationFor(RelopsEvent<?> event) {
        UUID id = UUID.nameUUIDFromBytes((event.id() + "/verification").getBytes(StandardCharsets.UTF_8));
        if (event.data() instanceof DeploymentReady ready) {
            return new Verification(
                    id,
                    ready.releaseId(),
                    ready.application(),
                    ready.environment(),
                    ready.version(),
                    ready.slot(),
                    ready.endpoint(),
                    EventType.DEPLOYMENT_READY.typeName(),
                    null,
                    null,
                    Verification.RUNNING,
                    null,
                    List.of(),
                    OffsetDateTime.now(),
                    null);
        }
        if (event.data() instanceof TrafficShifted shifted) {
            return new Verification(
                    id,
                    shifted.releaseId(),
                    shifted.application(),
                    shifted.environment(),
                    shifted.version(),
                    shifted.slot(),
                    shifted.endpoint(),
                    EventType.TRAFFIC_SHIFTED.typeName(),
                    shifted.step(),
                    shifted.weight(),
                    Verification.RUNNING,
                    null,
                    List.of(),
                    OffsetDateTime.now(),
                    null);
        }
        return null;
    }

    @Override
    public void run(ApplicationArguments args) {
        for (Verification running : verifications.running()) {
            log.info("resuming verification {} of {} {}", running.id(), running.application(), running.version());
            start(running, null); // the trace it began in is not kept: a resumed verification starts its own
        }
    }

    private void start(Verification verification, @Nullable String traceparent) {
        HealthSpec spec = catalog.health(verification.application(), verification.environment())
                .orElse(null);
        if (spec == null || spec.probeList().isEmpty() && !hasGates(spec)) {
            finish(
                    verification,
                    Verdict.FAILED,
                    "no health probes for " + verification.application() + " in the catalog",
                    List.of());
            return;
        }
        ProbeTarget target = ProbeTarget.of(
                verification.application(), verification.version(), verification.slot(), verification.endpoint(), spec);
        if (!target.allows(target.endpointHost())) {
            // the endpoint comes from an event: outside the catalog's hosts nothing is requested
            finish(
                    verification,
                    Verdict.FAILED,
                    "endpoint " + Redaction.schemeAndHost(verification.endpoint()) + ": "
                            + target.refusal(target.endpointHost()),
                    List.of());
            return;
        }
        GateRun gateRun = new GateRun(
                verification.id(),
                verification.releaseId(),
                verification.application(),
                verification.environment(),
                verification.version(),
                verification.slot(),
                verification.endpoint(),
                verification.trigger(),
                verification.step(),
                verification.weight(),
                spec,
                target,
                baseline(verification, spec),
                Instant.now());
        new Run(verification, spec, target, gateRun, traceparent).begin();
    }

    private static boolean hasGates(HealthSpec spec) {
        return !spec.smokeTestList().isEmpty() || !spec.metricList().isEmpty() || spec.judge() != null;
    }

    /**
     * The slot serving the rest of the traffic during a canary step: the live slot of another release (the slot
     * under test becomes live at 100 %, and then has no baseline).
     */
    private @Nullable ProbeTarget baseline(Verification verification, HealthSpec spec) {
        if (verification.step() == null) {
            return null;
        }
        return liveSlots
                .live(verification.application(), verification.environment())
                .filter(live -> !Objects.equals(live.releaseId(), verification.releaseId()))
                .map(live -> ProbeTarget.of(live.application(), live.version(), live.slot(), live.endpoint(), spec))
                .orElse(null);
    }

    /**
     * One verification: its first gates (smoke tests) and then, together, its probe rounds (one after another) and
     * its other gates. The first failure fails it at once (the other parts are stopped); when every part has
     * ended, an inconclusive part makes it inconclusive, else it is verified.
     */
    private final class Run {
        private final Verification verification;
        private final HealthSpec spec;
        private volatile Instant deadline;
        private int firstGates;
        private final ProbeTarget target;
        private final GateRun gateRun;
        private final Rounds rounds;
        private final List<ProbeResult> evidence = new ArrayList<>();
        private final List<String> passed = new ArrayList<>();
        private final List<CompletableFuture<GateOutcome>> running = new ArrayList<>();
        private final CompletableFuture<GateOutcome> probeRounds = new CompletableFuture<>();
        private final @Nullable String traceparent;
        private boolean done;

        Run(
                Verification verification,
                HealthSpec spec,
                ProbeTarget target,
                GateRun gateRun,
                @Nullable String traceparent) {
            this.verification = verification;
            this.traceparent = traceparent;
            this.spec = spec;
            this.deadline = gateRun.startedAt().plus(spec.deadline());
            this.target = target;
            this.gateRun = gateRun;
            this.rounds = new Rounds(spec.successes(), spec.failures());
        }

        void begin() {
            List<CompletableFuture<GateOutcome>> first = startGates(true);
            firstGates = first.size();
            settle(first, outcome -> {
                if (outcome.verdict() != Verdict.PASSED) {
                    end(outcome);
                    return;
                }
                List<CompletableFuture<GateOutcome>> parts = new ArrayList<>(startGates(false));
                if (!spec.probeList().isEmpty()) {
                    // the probes' deadline runs from their start: smoke tests before them take none of it
                    deadline = Instant.now().plus(spec.deadline());
                    parts.add(probeRounds);
                    scheduler.schedule(this::round, Instant.now().plus(spec.initialDelay()));
                }
                if (parts.isEmpty() && firstGates == 0) {
                    end(GateOutcome.failed(
                            "nothing verifies " + gateRun.describe() + " at " + verification.trigger() + ": "
                                    + verification.application() + " has no health probes in the catalog and none"
                                    + " of its gates applies here (smoke tests and metrics run at: [ready] unless"
                                    + " they say steps; the canary judge only at canary steps)",
                            List.of()));
                    return;
                }
                settle(parts, this::end);
            });
        }

        private List<CompletableFuture<GateOutcome>> startGates(boolean first) {
            List<CompletableFuture<GateOutcome>> started = new ArrayList<>();
            for (Gates kind : gates) {
                if (kind.first() != first) {
                    continue;
                }
                try {
                    started.addAll(kind.start(gateRun));
                } catch (RuntimeException e) {
                    log.error("{} gates of verification {} did not start", kind.kind(), verification.id(), e);
                    started.add(CompletableFuture.completedFuture(
                            GateOutcome.failed(kind.kind() + " gates did not start: " + e.getMessage(), List.of())));
                }
            }
            synchronized (this) {
                running.addAll(started);
            }
            return started;
        }

        /**
         * Waits for {@code parts}: {@code then} takes the first failure at once, else, once all ended, the first
         * inconclusive outcome or a pass summing up every part.
         */
        private void settle(List<CompletableFuture<GateOutcome>> parts, Consumer<GateOutcome> then) {
            CompletableFuture<GateOutcome> settled = new CompletableFuture<>();
            // each part's outcome is recorded (evidence, reason) before anything waiting on the parts goes on
            List<CompletableFuture<GateOutcome>> recorded = parts.stream()
                    .map(part -> part.handle((outcome, failure) -> {
                        GateOutcome ended = outcome(outcome, failure);
                        synchronized (this) {
                            evidence.addAll(ended.evidence());
                            if (ended.verdict() == Verdict.PASSED
                                    && !ended.reason().isBlank()) {
                                passed.add(ended.reason());
                            }
                        }
                        if (ended.verdict() == Verdict.FAILED) {
                            settled.complete(ended);
                        }
                        return ended;
                    }))
                    .toList();
            CompletableFuture.allOf(recorded.toArray(CompletableFuture[]::new))
                    .thenRun(() -> settled.complete(recorded.stream()
                            .map(CompletableFuture::join)
                            .filter(outcome -> outcome.verdict() != Verdict.PASSED)
                            .findFirst()
                            .orElseGet(this::passedSoFar)));
            settled.thenAccept(outcome -> traces.inSpan(traceparent, "health verdict", () -> then.accept(outcome)))
                    .exceptionally(failure -> {
                        log.error("verification {}: acting on its gates' outcome failed", verification.id(), failure);
                        return null;
                    });
        }

        private synchronized GateOutcome passedSoFar() {
            return GateOutcome.passed(String.join("; ", passed), List.of());
        }

        private static GateOutcome outcome(@Nullable GateOutcome outcome, @Nullable Throwable failure) {
            if (outcome != null) {
                return outcome;
            }
            return GateOutcome.failed("a gate ended without an outcome: " + failure, List.of());
        }

        void round() {
            traces.inSpan(traceparent, "health round", this::probe);
        }

        private void probe() {
            synchronized (this) {
                if (done) {
                    return;
                }
            }
            probes.runAll(spec.probeList(), target).whenComplete((results, failure) -> {
                try {
                    if (failure != null) {
                        throw new IllegalStateException("probe round failed", failure);
                    }
                    decide(results);
                } catch (RuntimeException e) {
                    log.error("verification {} round failed; retrying", verification.id(), e);
                    scheduler.schedule(this::round, Instant.now().plus(spec.interval()));
                }
            });
        }

        private synchronized void decide(List<ProbeResult> results) {
            evidence.addAll(results);
            Rounds.Verdict verdict = rounds.record(results);
            if (verdict == null && !Instant.now().plus(spec.interval()).isBefore(deadline)) {
                verdict = rounds.deadlinePassed(spec.deadline());
            }
            if (verdict != null) {
                // the rounds' evidence is already in the run's
                probeRounds.complete(
                        verdict.verified()
                                ? GateOutcome.passed(verdict.reason(), List.of())
                                : GateOutcome.failed(verdict.reason(), List.of()));
            } else if (!done) {
                scheduler.schedule(this::round, Instant.now().plus(spec.interval()));
            }
        }

        private void end(GateOutcome outcome) {
            List<ProbeResult> results;
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                results = List.copyOf(evidence);
            }
            running.forEach(part -> part.cancel(true));
            probeRounds.cancel(true);
            record(outcome, results);
        }

        /** Records the verdict and its event; a failure to (the database away) is logged and tried again. */
        private void record(GateOutcome outcome, List<ProbeResult> results) {
            try {
                finish(verification, outcome.verdict(), outcome.reason(), results);
            } catch (RuntimeException e) {
                log.error(
                        "verification {}: recording its verdict {} failed; trying again in {}",
                        verification.id(),
                        outcome.verdict(),
                        spec.interval(),
                        e);
                scheduler.schedule(() -> record(outcome, results), Instant.now().plus(spec.interval()));
            }
        }
    }

    private void finish(Verification v, Verdict verdict, String reason, List<ProbeResult> evidence) {
        List<ProbeResult> results = List.copyOf(evidence);
        Boolean recorded = tx.execute(status -> {
            if (!verifications.finish(v.id(), Verification.status(verdict), reason, results)) {
                return false;
            }
            EventData data = switch (verdict) {
                case PASSED ->
                    new HealthVerified(
                            v.releaseId(), v.application(), v.environment(), v.version(), v.slot(), v.step(), results);
                case FAILED ->
                    new HealthFailed(
                            v.releaseId(),
                            v.application(),
                            v.environment(),
                            v.version(),
                            v.slot(),
                            v.step(),
                            reason,
                            results);
                case INCONCLUSIVE ->
                    new HealthInconclusive(
                            v.releaseId(),
                            v.application(),
                            v.environment(),
                            v.version(),
                            v.slot(),
                            v.step(),
                            reason,
                            results);
            };
            outbox.append(RelopsEvent.withId(RelopsEvent.derivedId(v.id().toString(), "verdict"), SOURCE, data));
            return true;
        });
        if (!Boolean.TRUE.equals(recorded)) {
            return;
        }
        meters.counter(
                        "relops.health.verifications",
                        "application",
                        v.application(),
                        "outcome",
                        Verification.status(verdict).toLowerCase(Locale.ROOT))
                .increment();
        try (MDC.MDCCloseable r = MDC.putCloseable("releaseId", String.valueOf(v.releaseId()))) {
            log.info(
                    "verification of {} {} on {}{}: {} ({})",
                    v.application(),
                    v.version(),
                    v.slot(),
                    v.step() == null ? "" : " (step " + v.step() + ", " + v.weight() + " %)",
                    Verification.status(verdict),
                    reason);
        }
    }

    @Override
    public void destroy() {
        scheduler.shutdown();
    }
}
