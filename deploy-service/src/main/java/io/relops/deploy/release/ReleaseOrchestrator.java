package io.relops.deploy.release;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.event.DeploymentFailed;
import io.relops.common.event.DeploymentReady;
import io.relops.common.event.DeploymentStarted;
import io.relops.common.event.EventData;
import io.relops.common.event.HealthFailed;
import io.relops.common.event.HealthVerified;
import io.relops.common.event.ReleaseCompleted;
import io.relops.common.event.ReleaseRequested;
import io.relops.common.event.RelopsEvent;
import io.relops.common.event.RollbackCompleted;
import io.relops.common.event.TrafficShifted;
import io.relops.deploy.catalog.DeployCatalog;
import io.relops.deploy.catalog.DeployCatalog.ApplicationSpec;
import io.relops.deploy.target.DeploymentFailedException;
import io.relops.deploy.target.DeploymentTarget;
import io.relops.deploy.target.DeploymentTargets;
import io.relops.platform.events.Outbox;
import io.relops.platform.events.ProcessedEvents;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reacts to release events: deploys a requested version to the idle slot, switches traffic when
 * its health is verified, rolls back when it fails. Each consumed event is handled in one
 * transaction with its deduplication mark, its state change and the events it emits (outbox), so a
 * redelivery changes nothing twice and a crash loses nothing. Emitted events have ids derived from
 * the consumed event's id.
 */
@Service
public class ReleaseOrchestrator {

    static final URI SOURCE = CloudEventCodec.sourceOf("deploy");
    private static final Logger log = LoggerFactory.getLogger(ReleaseOrchestrator.class);

    private final DeployCatalog catalog;
    private final DeploymentTargets targets;
    private final ReleaseRepository releases;
    private final ProcessedEvents processed;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final MeterRegistry meters;

    public ReleaseOrchestrator(
            DeployCatalog catalog,
            DeploymentTargets targets,
            ReleaseRepository releases,
            ProcessedEvents processed,
            Outbox outbox,
            TransactionTemplate tx,
            MeterRegistry meters) {
        this.catalog = catalog;
        this.targets = targets;
        this.releases = releases;
        this.processed = processed;
        this.outbox = outbox;
        this.tx = tx;
        this.meters = meters;
    }

    public void onReleaseEvent(RelopsEvent<?> event) {
        if (event.data() instanceof ReleaseRequested requested) {
            tx.executeWithoutResult(status -> {
                if (processed.markProcessed(event)) {
                    startRelease(event, requested);
                }
            });
        }
    }

    public void onHealthEvent(RelopsEvent<?> event) {
        UUID releaseId = event.releaseId();
        if (releaseId == null) {
            return; // continuous monitoring of live versions: not a release decision
        }
        tx.executeWithoutResult(status -> {
            if (!processed.markProcessed(event)) {
                return;
            }
            Optional<Release> release = releases.lock(releaseId);
            if (release.isEmpty() || release.get().status() != ReleaseStatus.VERIFYING) {
                log.info(
                        "ignoring {} for release {}: {}",
                        event.type().typeName(),
                        releaseId,
                        release.map(r -> "it is " + r.status()).orElse("unknown release"));
                return;
            }
            if (event.data() instanceof HealthVerified) {
                promote(event, release.get());
            } else if (event.data() instanceof HealthFailed failed) {
                rollBack(event, release.get(), failed.reason());
            }
        });
    }

    private void startRelease(RelopsEvent<?> cause, ReleaseRequested request) {
        String strategy = request.strategy();
        Optional<ApplicationSpec> spec = catalog.application(request.application());
        String refusal = null;
        if (spec.isEmpty()) {
            refusal = "application '" + request.application() + "' is not in the catalog";
        } else if (!spec.get().hasEnvironment(request.environment())) {
            refusal = "application '" + request.application() + "' has no environment '" + request.environment()
                    + "' in the catalog";
        } else {
            Optional<Release> running = releases.inProgress(request.application(), request.environment());
            if (running.isPresent()) {
                refusal =
                        "release " + running.get().id() + " of " + request.application() + " is already in progress in "
                                + request.environment() + " (" + running.get().status() + ")";
            }
        }
        if (strategy == null) {
            strategy = spec.map(ApplicationSpec::strategy).orElse("blue-green");
        }
        OffsetDateTime now = OffsetDateTime.now();
        if (refusal != null) {
            releases.insert(new Release(
                    request.releaseId(),
                    request.application(),
                    request.environment(),
                    request.version(),
                    null,
                    strategy,
                    ReleaseStatus.FAILED,
                    null,
                    null,
                    request.requestedBy(),
                    refusal,
                    cause.time(),
                    now,
                    now));
            fail(cause, request, null, refusal, "refused");
            return;
        }
        ApplicationSpec app = spec.get();
        DeploymentTarget target = targets.of(request.application(), app);
        Optional<LiveVersion> live = releases.live(request.application(), request.environment());
        String slot = target.slots(request.application(), app).stream()
                .filter(s -> live.map(l -> !l.slot().equals(s)).orElse(true))
                .findFirst()
                .orElseThrow(() -> new DeploymentFailedException(request.application() + " has no idle slot"));
        releases.insert(new Release(
                request.releaseId(),
                request.application(),
                request.environment(),
                request.version(),
                live.map(LiveVersion::version).orElse(null),
                strategy,
                ReleaseStatus.DEPLOYING,
                slot,
                null,
                request.requestedBy(),
                null,
                cause.time(),
                now,
                null));
        emit(
                cause,
                "started",
                new DeploymentStarted(
                        request.releaseId(),
                        request.application(),
                        request.environment(),
                        request.version(),
                        slot,
                        strategy));
        log.info(
                "release {}: deploying {} {} to slot {}",
                request.releaseId(),
                request.application(),
                request.version(),
                slot);
        try {
            String endpoint = target.deploy(request.application(), app, slot, request.version());
            releases.transition(request.releaseId(), ReleaseStatus.VERIFYING, endpoint, null);
            emit(
                    cause,
                    "ready",
                    new DeploymentReady(
                            request.releaseId(),
                            request.application(),
                            request.environment(),
                            request.version(),
                            slot,
                            endpoint));
        } catch (DeploymentFailedException e) {
            releases.transition(request.releaseId(), ReleaseStatus.FAILED, null, e.getMessage());
            fail(cause, request, slot, String.valueOf(e.getMessage()), "failed");
        }
    }

    private void fail(
            RelopsEvent<?> cause, ReleaseRequested request, @Nullable String slot, String reason, String outcome) {
        emit(
                cause,
                "failed",
                new DeploymentFailed(
                        request.releaseId(),
                        request.application(),
                        request.environment(),
                        request.version(),
                        slot,
                        reason));
        outcome(request.application(), outcome);
        log.warn("release {} {}: {}", request.releaseId(), outcome, reason);
    }

    private void promote(RelopsEvent<?> cause, Release release) {
        ApplicationSpec app = spec(release);
        DeploymentTarget target = targets.of(release.application(), app);
        String slot = require(release.slot(), "slot");
        String endpoint = require(release.endpoint(), "endpoint");
        target.routeAllTraffic(release.application(), app, slot, endpoint);
        releases.makeLive(new LiveVersion(
                release.application(), release.environment(), release.version(), slot, endpoint, release.id()));
        releases.transition(release.id(), ReleaseStatus.COMPLETED, null, null);
        Duration duration = Duration.between(release.requestedAt(), OffsetDateTime.now());
        emit(
                cause,
                "shifted",
                new TrafficShifted(
                        release.id(),
                        release.application(),
                        release.environment(),
                        release.version(),
                        slot,
                        endpoint,
                        100,
                        1));
        emit(
                cause,
                "completed",
                new ReleaseCompleted(
                        release.id(),
                        release.application(),
                        release.environment(),
                        release.version(),
                        release.previousVersion(),
                        duration.toMillis()));
        outcome(release.application(), "completed");
        Timer.builder("relops.release.duration")
                .tag("application", release.application())
                .register(meters)
                .record(duration);
        log.info("release {}: {} {} is live on slot {}", release.id(), release.application(), release.version(), slot);
    }

    private void rollBack(RelopsEvent<?> cause, Release release, String reason) {
        OffsetDateTime started = OffsetDateTime.now();
        ApplicationSpec app = spec(release);
        DeploymentTarget target = targets.of(release.application(), app);
        releases.transition(release.id(), ReleaseStatus.ROLLING_BACK, null, reason);
        // Blue-green before the switch: the stable slot never stopped serving, so rolling back means
        // tearing the failed slot down.
        if (release.slot() != null) {
            target.stop(release.application(), app, release.slot());
        }
        Optional<LiveVersion> live = releases.live(release.application(), release.environment());
        releases.transition(release.id(), ReleaseStatus.ROLLED_BACK, null, reason);
        Duration duration = Duration.between(cause.time(), OffsetDateTime.now());
        emit(
                cause,
                "rolled-back",
                new RollbackCompleted(
                        release.id(),
                        release.application(),
                        release.environment(),
                        live.map(LiveVersion::version).orElse(null),
                        release.version(),
                        reason,
                        duration.toMillis()));
        outcome(release.application(), "rolled_back");
        Timer.builder("relops.release.rollback.duration")
                .tag("application", release.application())
                .register(meters)
                .record(Duration.between(started, OffsetDateTime.now()));
        log.info(
                "release {}: rolled back {} {} ({}); serving {}",
                release.id(),
                release.application(),
                release.version(),
                reason,
                live.map(LiveVersion::version).orElse("nothing"));
    }

    private ApplicationSpec spec(Release release) {
        return catalog.application(release.application())
                .orElseThrow(() -> new DeploymentFailedException(
                        "application '" + release.application() + "' is no longer in the catalog"));
    }

    private void emit(RelopsEvent<?> cause, String purpose, EventData data) {
        outbox.append(RelopsEvent.withId(RelopsEvent.derivedId(cause.id(), purpose), SOURCE, data));
    }

    private void outcome(String application, String outcome) {
        meters.counter("relops.release.outcomes", "application", application, "outcome", outcome)
                .increment();
    }

    private static String require(@Nullable String value, String what) {
        if (value == null) {
            throw new IllegalStateException("release has no " + what);
        }
        return value;
    }
}
