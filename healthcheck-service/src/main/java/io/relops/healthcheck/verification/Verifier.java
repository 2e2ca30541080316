package io.relops.healthcheck.verification;

import io.micrometer.core.instrument.MeterRegistry;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.event.DeploymentReady;
import io.relops.common.event.EventData;
import io.relops.common.event.HealthFailed;
import io.relops.common.event.HealthVerified;
import io.relops.common.event.ProbeResult;
import io.relops.common.event.RelopsEvent;
import io.relops.healthcheck.probe.HealthCatalog;
import io.relops.healthcheck.probe.HealthCatalog.HealthSpec;
import io.relops.healthcheck.probe.HealthCatalog.ProbeSpec;
import io.relops.healthcheck.probe.Probe;
import io.relops.platform.events.Outbox;
import io.relops.platform.events.ProcessedEvents;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Verifies a slot when it is ready: the run is recorded (RUNNING) in the transaction that consumes
 * {@code deployment.ready}, then its probe rounds run on a scheduler, never on the consumer thread;
 * the verdict and its {@code health.verified} / {@code health.failed} event commit together. Runs
 * still RUNNING when the service stopped are resumed at start.
 */
@Service
public class Verifier implements ApplicationRunner, DisposableBean {

    static final URI SOURCE = CloudEventCodec.sourceOf("healthcheck");
    private static final Logger log = LoggerFactory.getLogger(Verifier.class);

    private final HealthCatalog catalog;
    private final Map<String, Probe> probes;
    private final VerificationRepository verifications;
    private final ProcessedEvents processed;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final MeterRegistry meters;
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

    public Verifier(
            HealthCatalog catalog,
            List<Probe> probes,
            VerificationRepository verifications,
            ProcessedEvents processed,
            Outbox outbox,
            TransactionTemplate tx,
            MeterRegistry meters) {
        this.catalog = catalog;
        this.probes = probes.stream().collect(Collectors.toMap(Probe::type, Function.identity()));
        this.verifications = verifications;
        this.processed = processed;
        this.outbox = outbox;
        this.tx = tx;
        this.meters = meters;
        scheduler.setPoolSize(4);
        scheduler.setThreadNamePrefix("verify-");
        scheduler.initialize();
    }

    public void onReleaseEvent(RelopsEvent<?> event) {
        if (!(event.data() instanceof DeploymentReady ready)) {
            return;
        }
        Verification verification = new Verification(
                UUID.nameUUIDFromBytes((event.id() + "/verification").getBytes(StandardCharsets.UTF_8)),
                ready.releaseId(),
                ready.application(),
                ready.environment(),
                ready.version(),
                ready.slot(),
                ready.endpoint(),
                Verification.RUNNING,
                null,
                List.of(),
                OffsetDateTime.now(),
                null);
        tx.executeWithoutResult(status -> {
            if (processed.markProcessed(event)) {
                verifications.insert(verification);
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        start(verification);
                    }
                });
            }
        });
    }

    @Override
    public void run(ApplicationArguments args) {
        for (Verification running : verifications.running()) {
            log.info("resuming verification {} of {} {}", running.id(), running.application(), running.version());
            start(running);
        }
    }

    private void start(Verification verification) {
        HealthSpec spec = catalog.health(verification.application()).orElse(null);
        if (spec == null || spec.probeList().isEmpty()) {
            finish(
                    verification,
                    false,
                    "no health probes for " + verification.application() + " in the catalog",
                    List.of());
            return;
        }
        Run run = new Run(verification, spec, Instant.now().plus(spec.deadline()));
        scheduler.schedule(run::round, Instant.now().plus(spec.initialDelay()));
    }

    /** The state of one verification's probe rounds; rounds run one after another. */
    private final class Run {
        private final Verification verification;
        private final HealthSpec spec;
        private final Instant deadline;
        private final List<ProbeResult> evidence = new ArrayList<>();
        private int consecutiveSuccesses;
        private int consecutiveFailures;

        Run(Verification verification, HealthSpec spec, Instant deadline) {
            this.verification = verification;
            this.spec = spec;
            this.deadline = deadline;
        }

        void round() {
            try {
                boolean passed = true;
                for (ProbeSpec probeSpec : spec.probeList()) {
                    ProbeResult result = probe(probeSpec);
                    evidence.add(result);
                    meters.timer(
                                    "relops.health.probe.latency",
                                    "application",
                                    verification.application(),
                                    "probe",
                                    probeSpec.name())
                            .record(java.time.Duration.ofMillis(result.latencyMs()));
                    passed &= result.passed();
                }
                if (passed) {
                    consecutiveSuccesses++;
                    consecutiveFailures = 0;
                } else {
                    consecutiveFailures++;
                    consecutiveSuccesses = 0;
                }
                if (consecutiveSuccesses >= spec.successes()) {
                    finish(verification, true, consecutiveSuccesses + " consecutive passing rounds", evidence);
                } else if (consecutiveFailures >= spec.failures()) {
                    ProbeResult last = evidence.get(evidence.size() - 1);
                    finish(
                            verification,
                            false,
                            consecutiveFailures + " consecutive failing rounds; last: "
                                    + (last.error() == null ? last.probe() + " failed" : last.error()),
                            evidence);
                } else if (Instant.now().isAfter(deadline)) {
                    finish(verification, false, "no verdict within the deadline of " + spec.deadline(), evidence);
                } else {
                    scheduler.schedule(this::round, Instant.now().plus(spec.interval()));
                }
            } catch (RuntimeException e) {
                log.error("verification {} round failed; retrying", verification.id(), e);
                scheduler.schedule(this::round, Instant.now().plus(spec.interval()));
            }
        }

        private ProbeResult probe(ProbeSpec probeSpec) {
            Probe probe = probes.get(probeSpec.type());
            if (probe == null) {
                return new ProbeResult(
                        probeSpec.name(),
                        false,
                        null,
                        null,
                        0,
                        "probe type '" + probeSpec.type() + "' is not available (available: " + probes.keySet() + ")");
            }
            return probe.run(probeSpec, verification.endpoint());
        }
    }

    private void finish(Verification v, boolean verified, String reason, List<ProbeResult> evidence) {
        List<ProbeResult> results = List.copyOf(evidence);
        tx.executeWithoutResult(status -> {
            if (!verifications.finish(
                    v.id(), verified ? Verification.VERIFIED : Verification.FAILED, reason, results)) {
                return;
            }
            EventData data = verified
                    ? new HealthVerified(
                            v.releaseId(), v.application(), v.environment(), v.version(), v.slot(), results)
                    : new HealthFailed(
                            v.releaseId(), v.application(), v.environment(), v.version(), v.slot(), reason, results);
            outbox.append(RelopsEvent.withId(RelopsEvent.derivedId(v.id().toString(), "verdict"), SOURCE, data));
        });
        meters.counter(
                        "relops.health.verifications",
                        "application",
                        v.application(),
                        "outcome",
                        verified ? "verified" : "failed")
                .increment();
        log.info(
                "verification of {} {} on {}: {} ({})",
                v.application(),
                v.version(),
                v.slot(),
                verified ? "VERIFIED" : "FAILED",
                reason);
    }

    @Override
    public void destroy() {
        scheduler.shutdown();
    }
}
