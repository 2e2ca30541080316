package io.relops.healthcheck.verification;

import io.micrometer.core.instrument.MeterRegistry;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.event.DeploymentReady;
import io.relops.common.event.EventData;
import io.relops.common.event.EventType;
import io.relops.common.event.HealthFailed;
import io.relops.common.event.HealthVerified;
import io.relops.common.event.ProbeResult;
import io.relops.common.event.RelopsEvent;
import io.relops.common.event.TrafficShifted;
import io.relops.healthcheck.probe.HealthCatalog;
import io.relops.healthcheck.probe.HealthCatalog.HealthSpec;
import io.relops.healthcheck.probe.ProbeRunner;
import io.relops.healthcheck.probe.ProbeTarget;
import io.relops.platform.events.Outbox;
import io.relops.platform.redaction.Redaction;
import io.relops.platform.tracing.TraceContexts;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

    public Verifier(
            HealthCatalog catalog,
            ProbeRunner probes,
            VerificationRepository verifications,
            Outbox outbox,
            TransactionTemplate tx,
            MeterRegistry meters,
            TraceContexts traces) {
        this.catalog = catalog;
        this.probes = probes;
        this.verifications = verifications;
        this.outbox = outbox;
        this.tx = tx;
        this.meters = meters;
        this.traces = traces;
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
        if (spec == null || spec.probeList().isEmpty()) {
            finish(
                    verification,
                    false,
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
                    false,
                    "endpoint " + Redaction.schemeAndHost(verification.endpoint()) + ": "
                            + target.refusal(target.endpointHost()),
                    List.of());
            return;
        }
        Run run = new Run(verification, spec, target, Instant.now().plus(spec.deadline()), traceparent);
        scheduler.schedule(run::round, Instant.now().plus(spec.initialDelay()));
    }

    /** The state of one verification's probe rounds; rounds run one after another. */
    private final class Run {
        private final Verification verification;
        private final HealthSpec spec;
        private final Instant deadline;
        private final ProbeTarget target;
        private final Rounds rounds;
        private final List<ProbeResult> evidence = new ArrayList<>();
        private final @Nullable String traceparent;

        Run(
                Verification verification,
                HealthSpec spec,
                ProbeTarget target,
                Instant deadline,
                @Nullable String traceparent) {
            this.verification = verification;
            this.traceparent = traceparent;
            this.spec = spec;
            this.deadline = deadline;
            this.target = target;
            this.rounds = new Rounds(spec.successes(), spec.failures());
        }

        void round() {
            traces.inSpan(traceparent, "health round", this::probe);
        }

        private void probe() {
            probes.runAll(spec.probeList(), target).whenComplete((results, failure) -> {
                try {
                    if (failure != null) {
                        throw new IllegalStateException("probe round failed", failure);
                    }
                    traces.inSpan(traceparent, "health verdict", () -> decide(results));
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
                finish(verification, verdict.verified(), verdict.reason(), evidence);
            } else {
                scheduler.schedule(this::round, Instant.now().plus(spec.interval()));
            }
        }
    }

    private void finish(Verification v, boolean verified, String reason, List<ProbeResult> evidence) {
        List<ProbeResult> results = List.copyOf(evidence);
        Boolean recorded = tx.execute(status -> {
            if (!verifications.finish(
                    v.id(), verified ? Verification.VERIFIED : Verification.FAILED, reason, results)) {
                return false;
            }
            EventData data = verified
                    ? new HealthVerified(
                            v.releaseId(), v.application(), v.environment(), v.version(), v.slot(), v.step(), results)
                    : new HealthFailed(
                            v.releaseId(),
                            v.application(),
                            v.environment(),
                            v.version(),
                            v.slot(),
                            v.step(),
                            reason,
                            results);
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
                        verified ? "verified" : "failed")
                .increment();
        try (MDC.MDCCloseable r = MDC.putCloseable("releaseId", String.valueOf(v.releaseId()))) {
            log.info(
                    "verification of {} {} on {}{}: {} ({})",
                    v.application(),
                    v.version(),
                    v.slot(),
                    v.step() == null ? "" : " (step " + v.step() + ", " + v.weight() + " %)",
                    verified ? "VERIFIED" : "FAILED",
                    reason);
        }
    }

    @Override
    public void destroy() {
        scheduler.shutdown();
    }
}
