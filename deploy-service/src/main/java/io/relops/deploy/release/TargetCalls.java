package io.relops.deploy.release;

import io.relops.common.release.ReleaseStatus;
import io.relops.common.release.Strategy;
import io.relops.deploy.catalog.DeployCatalog;
import io.relops.deploy.catalog.DeployCatalog.ApplicationSpec;
import io.relops.deploy.release.LifecycleInput.DeployFailed;
import io.relops.deploy.release.LifecycleInput.Deployed;
import io.relops.deploy.release.LifecycleInput.RestoreFailed;
import io.relops.deploy.release.LifecycleInput.Restored;
import io.relops.deploy.release.LifecycleInput.ReturnFailed;
import io.relops.deploy.release.LifecycleInput.ShiftFailed;
import io.relops.deploy.release.LifecycleInput.Shifted;
import io.relops.deploy.release.LifecycleInput.Stopped;
import io.relops.deploy.release.LifecycleInput.TrafficReturned;
import io.relops.deploy.targets.DeploymentFailedException;
import io.relops.deploy.targets.DeploymentTarget;
import io.relops.deploy.targets.GuardedTargets;
import io.relops.deploy.targets.TargetContext;
import io.relops.deploy.targets.Traffic;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Makes the target call a {@link ReleaseTask} stands for and turns what happened into the lifecycle's input.
 * Runs with no transaction open and no lock held. A {@link DeploymentFailedException} is a verdict (an input);
 * anything else propagates, and the runner retries the call with backoff.
 */
@Component
class TargetCalls {

    private static final Logger log = LoggerFactory.getLogger(TargetCalls.class);

    private final DeployCatalog catalog;
    private final GuardedTargets targets;
    private final ReleaseRepository releases;

    TargetCalls(DeployCatalog catalog, GuardedTargets targets, ReleaseRepository releases) {
        this.catalog = catalog;
        this.targets = targets;
        this.releases = releases;
    }

    /** @return the outcome, or empty when there was nothing to do */
    Optional<LifecycleInput> call(ReleaseTask task, Release release) {
        TargetContext context = context(release).forCall(task.id());
        return switch (task.kind()) {
            case DEPLOY -> Optional.of(deploy(context, task, release));
            case SHIFT -> Optional.of(shift(context, task, release));
            case ROLLBACK -> Optional.of(returnTraffic(context, task, release));
            case RESTORE -> Optional.of(restore(context, task, release));
            case STOP -> stop(context, task, release);
            case DEADLINE, RESUME -> throw new IllegalArgumentException(task.kind() + " is a timer, not a call");
        };
    }

    /** The slots of an application's target, or why it has none. */
    List<String> slots(ApplicationSpec app, String application, String environment) {
        TargetContext context = new TargetContext(null, application, environment, app);
        return targets.of(context).slots(context);
    }

    private LifecycleInput deploy(TargetContext context, ReleaseTask task, Release release) {
        String slot = Objects.requireNonNull(task.slot());
        String version = Objects.requireNonNull(task.version());
        try {
            String endpoint = targets.of(context).deploy(context, slot, version);
            preview(context, release, slot, endpoint);
            return new Deployed(slot, version, endpoint);
        } catch (DeploymentFailedException e) {
            return new DeployFailed(slot, version, String.valueOf(e.getMessage()));
        }
    }

    /**
     * With the catalog's {@code router.match}, a canary is reachable by the matching requests as soon as it runs,
     * before any weight is shifted to it (testers try it with the header or cookie). Only while the release is still
     * deploying: one that ended during the deploy (a deadline, an abort) has its slot stopped, and its router was set
     * back by its rollback (the lifecycle counts a deployed canary with a match as having had traffic).
     */
    private void preview(TargetContext context, Release release, String slot, String endpoint) {
        if (context.spec().router().match() == null
                || release.strategy() != Strategy.CANARY
                || release.stableSlot() == null
                || slot.equals(release.stableSlot())) {
            return;
        }
        boolean deploying = releases.find(release.id())
                .filter(now -> now.status() == ReleaseStatus.DEPLOYING && now.seq() == release.seq())
                .isPresent();
        if (!deploying) {
            log.info(
                    "{} in {}: release {} is no longer deploying; slot {} is not made reachable by router.match",
                    release.application(),
                    release.environment(),
                    release.id(),
                    slot);
            return;
        }
        targets.router(context)
                .route(
                        context,
                        Traffic.split(
                                release.stableSlot(),
                                Objects.requireNonNull(release.stableEndpoint()),
                                slot,
                                endpoint,
                                0));
    }

    private LifecycleInput shift(TargetContext context, ReleaseTask task, Release release) {
        int step = Objects.requireNonNull(task.step());
        int weight = Objects.requireNonNull(task.weight());
        String slot = Objects.requireNonNull(release.slot());
        String endpoint = Objects.requireNonNull(release.endpoint());
        Traffic traffic = weight == 100 || release.stableSlot() == null
                ? Traffic.all(slot, endpoint)
                : Traffic.split(
                        release.stableSlot(), Objects.requireNonNull(release.stableEndpoint()), slot, endpoint, weight);
        try {
            return new Shifted(step, weight, targets.router(context).route(context, traffic));
        } catch (DeploymentFailedException e) {
            return new ShiftFailed(String.valueOf(e.getMessage()));
        }
    }

    private LifecycleInput returnTraffic(TargetContext context, ReleaseTask task, Release release) {
        String reason = Objects.requireNonNullElse(task.reason(), "rolled back");
        try {
            if (release.stableSlot() != null) {
                targets.router(context)
                        .route(
                                context,
                                Traffic.all(release.stableSlot(), Objects.requireNonNull(release.stableEndpoint())));
            }
            return new TrafficReturned(
                    task.finalStatus(), reason, Objects.requireNonNullElse(task.causeTime(), OffsetDateTime.now()));
        } catch (DeploymentFailedException e) {
            return new ReturnFailed(task.finalStatus(), String.valueOf(e.getMessage()));
        }
    }

    private LifecycleInput restore(TargetContext context, ReleaseTask task, Release release) {
        String slot = Objects.requireNonNull(release.stableSlot());
        String version = Objects.requireNonNull(release.previousVersion());
        String endpoint = Objects.requireNonNull(release.stableEndpoint());
        try {
            DeploymentTarget target = targets.of(context);
            if (!releases.slotRuns(release.application(), release.environment(), slot, version)) {
                endpoint = target.deploy(context, slot, version);
            }
            targets.router(context).route(context, Traffic.all(slot, endpoint));
            return new Restored(
                    slot,
                    version,
                    endpoint,
                    Objects.requireNonNullElse(task.reason(), "rolled back"),
                    Objects.requireNonNullElse(task.causeTime(), OffsetDateTime.now()));
        } catch (DeploymentFailedException e) {
            return new RestoreFailed(String.valueOf(e.getMessage()));
        }
    }

    private Optional<LifecycleInput> stop(TargetContext context, ReleaseTask task, Release release) {
        String slot = Objects.requireNonNull(task.slot());
        if (releases.slotInUse(release.application(), release.environment(), slot)) {
            log.info("{}: slot {} is in use again; not stopped", release.application(), slot);
            return Optional.empty();
        }
        unmatch(context, release, slot);
        targets.of(context).stop(context, slot);
        return Optional.of(new Stopped(slot));
    }

    /**
     * Before a canary's slot stops, with the catalog's {@code router.match}: the router sends everything to the live
     * slot, so that no matching request reaches a stopped canary (its release may have ended while its deploy call
     * made it reachable). Harmless when the router already does.
     */
    private void unmatch(TargetContext context, Release release, String slot) {
        if (context.spec().router().match() == null || release.strategy() != Strategy.CANARY) {
            return;
        }
        releases.live(release.application(), release.environment())
                .filter(live -> !live.slot().equals(slot))
                .ifPresent(live -> targets.router(context).route(context, Traffic.all(live.slot(), live.endpoint())));
    }

    /**
     * Whether the release's calls must run on the process host: its target's workloads are children of the
     * deploy-service instance that starts them (the process target), not something that outlives it, or its router
     * works on that host (a local nginx configuration, a local HAProxy admin socket).
     */
    boolean hostBound(Release release) {
        try {
            TargetContext context = context(release);
            return targets.of(context).hostBound() || targets.router(context).hostBound(context);
        } catch (DeploymentFailedException e) {
            return false; // no target: the call fails wherever it runs
        }
    }

    private TargetContext context(Release release) {
        return new TargetContext(release.id(), release.application(), release.environment(), spec(release));
    }

    @Nullable
    ApplicationSpec specOrNull(String application, String environment) {
        return catalog.application(application, environment).orElse(null);
    }

    ApplicationSpec spec(Release release) {
        return catalog.application(release.application(), release.environment())
                .orElseThrow(() -> new DeploymentFailedException(
                        "application '" + release.application() + "' is no longer in the catalog"));
    }
}
