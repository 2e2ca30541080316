package io.relops.deploy.release;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.event.BackupCompleted;
import io.relops.common.event.BackupFailed;
import io.relops.common.event.DeploymentFailed;
import io.relops.common.event.DeploymentReady;
import io.relops.common.event.DeploymentStarted;
import io.relops.common.event.EventData;
import io.relops.common.event.HealthFailed;
import io.relops.common.event.HealthVerified;
import io.relops.common.event.ReleaseAbortRequested;
import io.relops.common.event.ReleaseApproved;
import io.relops.common.event.ReleaseCompleted;
import io.relops.common.event.ReleasePromotionRequested;
import io.relops.common.event.ReleaseRejected;
import io.relops.common.event.ReleaseRequested;
import io.relops.common.event.RelopsEvent;
import io.relops.common.event.RollbackCompleted;
import io.relops.common.event.RollbackFailed;
import io.relops.common.event.RollbackRequested;
import io.relops.common.event.TrafficShifted;
import io.relops.common.release.ReleaseStatus;
import io.relops.deploy.catalog.DeployCatalog;
import io.relops.deploy.catalog.DeployCatalog.ApplicationSpec;
import io.relops.deploy.catalog.DeployCatalog.ApprovalSpec;
import io.relops.deploy.catalog.DeployCatalog.CanaryStep;
import io.relops.deploy.release.ReleaseRepository.BackupOutcome;
import io.relops.deploy.release.ReleaseTask.Kind;
import io.relops.deploy.targets.DeploymentFailedException;
import io.relops.deploy.targets.DeploymentTarget;
import io.relops.deploy.targets.GuardedTargets;
import io.relops.deploy.targets.TargetContext;
import io.relops.deploy.targets.Traffic;
import io.relops.platform.events.Outbox;
import io.relops.platform.events.ProcessedEvents;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The release state machine (DESIGN.md's states). Consumed events are decided on the consumer
 * thread in one transaction with their deduplication mark, the state change, the events emitted
 * (outbox) and the work they cause ({@link TaskQueue}); the work — target calls and timers — runs
 * on the {@link TaskRunner}, whose outcome commits the same way. Nothing here blocks a partition on
 * a deployment, and a crash at any point repeats a step instead of losing it. Emitted events have
 * ids derived from what caused them, so a repeat emits nothing new downstream.
 */
@Service
public class ReleaseEngine {

    static final URI SOURCE = CloudEventCodec.sourceOf("deploy");
    private static final Logger log = LoggerFactory.getLogger(ReleaseEngine.class);

    private final DeployCatalog catalog;
    private final GuardedTargets targets;
    private final ReleaseRepository releases;
    private final TaskQueue tasks;
    private final ProcessedEvents processed;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final MeterRegistry meters;

    public ReleaseEngine(
            DeployCatalog catalog,
            GuardedTargets targets,
            ReleaseRepository releases,
            TaskQueue tasks,
            ProcessedEvents processed,
            Outbox outbox,
            TransactionTemplate tx,
            MeterRegistry meters) {
        this.catalog = catalog;
        this.targets = targets;
        this.releases = releases;
        this.tasks = tasks;
        this.processed = processed;
        this.outbox = outbox;
        this.tx = tx;
        this.meters = meters;
    }

    // ---------------------------------------------------------------- consumed events

    public void onReleaseEvent(RelopsEvent<?> event) {
        EventData data = event.data();
        boolean mine = data instanceof ReleaseRequested
                || data instanceof ReleaseApproved
                || data instanceof ReleaseRejected
                || data instanceof ReleasePromotionRequested
                || data instanceof ReleaseAbortRequested
                || data instanceof RollbackRequested;
        if (!mine) {
            return; // our own events and others' on the release topic
        }
        tx.executeWithoutResult(status -> {
            if (!processed.markProcessed(event)) {
                return;
            }
            if (data instanceof ReleaseRequested requested) {
                releases.lockReleaseId(requested.releaseId());
                requested(event, requested);
                return;
            }
            UUID id = Objects.requireNonNull(event.releaseId());
            Optional<Release> found = releases.lock(id);
            if (found.isEmpty()) {
                log.warn("{} for unknown release {}: ignored", event.type().typeName(), id);
                return;
            }
            Release release = found.get();
            if (data instanceof ReleaseApproved approved) {
                approved(release, approved);
            } else if (data instanceof ReleaseRejected rejected) {
                rejected(release, rejected);
            } else if (data instanceof ReleasePromotionRequested promotion) {
                promotionRequested(release, promotion);
            } else if (data instanceof ReleaseAbortRequested abort) {
                abortRequested(event, release, abort);
            } else if (data instanceof RollbackRequested rollback) {
                rollbackRequested(event, release, rollback);
            }
        });
    }

    public void onHealthEvent(RelopsEvent<?> event) {
        UUID id = event.releaseId();
        if (id == null) {
            return; // continuous monitoring of a live version outside any release
        }
        tx.executeWithoutResult(status -> {
            if (!processed.markProcessed(event)) {
                return;
            }
            Optional<Release> release = releases.lock(id);
            if (release.isEmpty()) {
                log.info("{} for unknown release {}: ignored", event.type().typeName(), id);
                return;
            }
            if (event.data() instanceof HealthVerified verified) {
                healthVerified(release.get(), verified);
            } else if (event.data() instanceof HealthFailed failed) {
                healthFailed(event, release.get(), failed);
            }
        });
    }

    public void onBackupEvent(RelopsEvent<?> event) {
        UUID id = event.releaseId();
        boolean outcome = event.data() instanceof BackupCompleted || event.data() instanceof BackupFailed;
        if (id == null || !outcome) {
            return; // on-demand and scheduled backups are no release's business
        }
        tx.executeWithoutResult(status -> {
            if (!processed.markProcessed(event)) {
                return;
            }
            releases.lockReleaseId(id);
            if (event.data() instanceof BackupCompleted completed) {
                releases.backupOutcome(id, completed.backupId(), true, completed.sha256(), null);
            } else if (event.data() instanceof BackupFailed failed) {
                releases.backupOutcome(id, failed.backupId(), false, null, failed.reason());
            }
            releases.lock(id)
                    .filter(release -> release.status() == ReleaseStatus.AWAITING_BACKUP)
                    .ifPresent(release ->
                            afterBackup(release, releases.backupOutcome(id).orElseThrow()));
        });
    }

    private void requested(RelopsEvent<?> cause, ReleaseRequested request) {
        Optional<ApplicationSpec> spec = catalog.application(request.application());
        String strategy = request.strategy() != null
                ? request.strategy()
                : spec.map(ApplicationSpec::strategy).orElse(DeployCatalog.BLUE_GREEN);
        String refusal = null;
        if (spec.isEmpty()) {
            refusal = "application '" + request.application() + "' is not in the catalog";
        } else if (!spec.get().hasEnvironment(request.environment())) {
            refusal = "application '" + request.application() + "' has no environment '" + request.environment()
                    + "' in the catalog";
        } else if (!strategy.equals(DeployCatalog.BLUE_GREEN) && !strategy.equals(DeployCatalog.CANARY)) {
            refusal = "unknown strategy '" + strategy + "' (blue-green or canary)";
        } else if (releases.find(request.releaseId()).isPresent()) {
            log.warn("release {} was requested twice (new event id {}): ignored", request.releaseId(), cause.id());
            return;
        } else {
            Optional<Release> running = releases.inProgress(request.application(), request.environment());
            if (running.isPresent() && Boolean.TRUE.equals(request.supersede())) {
                preempt(
                        running.get(),
                        "superseded by release " + request.releaseId() + " (" + request.version() + ", requested by "
                                + request.requestedBy() + ")");
            } else if (running.isPresent()) {
                refusal = "release " + running.get().id() + " of " + request.application() + " ("
                        + running.get().version() + ") is already in progress in " + request.environment() + " ("
                        + running.get().status() + "); abort it, or ask with \"supersede\": true to replace it";
            }
        }
        Optional<LiveVersion> live = releases.live(request.application(), request.environment());
        if (refusal != null) {
            Release refused = Release.requested(request, strategy, live, ReleaseStatus.FAILED, refusal, cause.time());
            releases.insert(refused, "refused: " + refusal);
            emitFailed(cause.id(), refused, refusal);
            outcome(refused, "refused");
            return;
        }
        ApplicationSpec app = spec.orElseThrow();
        Release release = Release.requested(request, strategy, live, ReleaseStatus.REQUESTED, null, cause.time());
        releases.insert(
                release,
                "requested by " + request.requestedBy() + ": " + request.application() + " " + request.version()
                        + " to " + request.environment() + " (" + strategy
                        + live.map(l -> ", replacing " + l.version()).orElse(", first release") + ")");
        log.info(
                "release {}: {} {} to {} requested by {} ({})",
                release.id(),
                release.application(),
                release.version(),
                release.environment(),
                release.requestedBy(),
                strategy);
        ApprovalSpec approval = app.approval(request.environment());
        if (approval.required()) {
            release = releases.transition(
                    release.id(),
                    ReleaseStatus.AWAITING_APPROVAL,
                    "waiting for approval by a(n) " + approval.role() + " other than " + request.requestedBy()
                            + " (expires in " + human(approval.expiry()) + ")");
            tasks.add(release, ReleaseTask.of(release, Kind.DEADLINE), approval.expiry());
        } else {
            approvedOrNotNeeded(release, app);
        }
    }

    private void approved(Release release, ReleaseApproved approval) {
        if (release.status() != ReleaseStatus.AWAITING_APPROVAL) {
            releases.note(
                    release.id(),
                    release.status(),
                    "approval by " + approval.approvedBy() + " ignored: release is " + release.status());
            return;
        }
        if (approval.approvedBy().equals(release.requestedBy())) {
            releases.note(
                    release.id(),
                    release.status(),
                    "approval by " + approval.approvedBy() + " refused: the requester may not approve their own "
                            + "release (four-eyes); still waiting for another approver");
            log.warn("release {}: self-approval by {} refused", release.id(), approval.approvedBy());
            return;
        }
        releases.approvedBy(release.id(), approval.approvedBy());
        releases.note(
                release.id(),
                release.status(),
                "approved by " + approval.approvedBy() + (approval.comment() == null ? "" : ": " + approval.comment()));
        approvedOrNotNeeded(release, spec(release));
    }

    private void rejected(Release release, ReleaseRejected rejection) {
        if (release.status() != ReleaseStatus.AWAITING_APPROVAL) {
            releases.note(
                    release.id(),
                    release.status(),
                    "rejection by " + rejection.rejectedBy() + " ignored: release is " + release.status());
            return;
        }
        Release rejected = releases.transition(
                release.id(),
                ReleaseStatus.REJECTED,
                "rejected by " + rejection.rejectedBy() + ": " + rejection.reason());
        outcome(rejected, "rejected");
    }

    private void approvedOrNotNeeded(Release release, ApplicationSpec app) {
        if (!app.backup().beforeDeploy()) {
            startDeploy(release, app);
            return;
        }
        Optional<BackupOutcome> backup = releases.backupOutcome(release.id());
        if (backup.isPresent()) {
            afterBackup(release, backup.get());
            return;
        }
        Duration deadline = app.progressDeadlines().backup();
        Release waiting = releases.transition(
                release.id(),
                ReleaseStatus.AWAITING_BACKUP,
                "waiting for the pre-deploy backup (at most " + human(deadline) + ")");
        tasks.add(waiting, ReleaseTask.of(waiting, Kind.DEADLINE), deadline);
    }

    private void afterBackup(Release release, BackupOutcome backup) {
        if (!backup.completed()) {
            fail(
                    release,
                    "the pre-deploy backup " + backup.backupId() + " failed: " + backup.reason()
                            + "; nothing was deployed");
            return;
        }
        releases.backedUp(release.id(), backup.backupId(), backup.sha256());
        releases.note(
                release.id(),
                release.status(),
                "pre-deploy backup " + backup.backupId() + " completed (sha256 " + backup.sha256() + ")");
        startDeploy(release, spec(release));
    }

    private void startDeploy(Release release, ApplicationSpec app) {
        TargetContext context = context(release, app);
        String slot;
        try {
            DeploymentTarget target = targets.of(context);
            slot = target.slots(context).stream()
                    .filter(s -> !s.equals(release.stableSlot()))
                    .findFirst()
                    .orElseThrow(() ->
                            new DeploymentFailedException(release.application() + " has no idle slot in the catalog"));
        } catch (DeploymentFailedException e) {
            fail(release, String.valueOf(e.getMessage()));
            return;
        }
        releases.deployedTo(release.id(), slot, null);
        Release deploying = releases.transition(
                release.id(), ReleaseStatus.DEPLOYING, "deploying " + release.version() + " to slot " + slot);
        emit(
                "task-start-" + release.id(),
                "started",
                new DeploymentStarted(
                        release.id(),
                        release.application(),
                        release.environment(),
                        release.version(),
                        slot,
                        release.strategy()));
        tasks.add(deploying, ReleaseTask.of(deploying, Kind.DEPLOY).slot(slot).version(release.version()));
        tasks.add(
                deploying,
                ReleaseTask.of(deploying, Kind.DEADLINE),
                app.progressDeadlines().deploy());
    }

    private void healthVerified(Release release, HealthVerified verified) {
        Integer expected = release.step() == 0 ? null : release.step();
        if (release.status() != ReleaseStatus.VERIFYING || !Objects.equals(verified.step(), expected)) {
            log.info(
                    "release {}: health.verified for step {} ignored (release is {} at step {})",
                    release.id(),
                    verified.step(),
                    release.status(),
                    release.step());
            return;
        }
        ApplicationSpec app = spec(release);
        List<CanaryStep> plan = plan(release, app);
        if (release.step() == 0) {
            releases.note(
                    release.id(),
                    release.status(),
                    "slot " + release.slot() + " verified ("
                            + verified.results().size() + " probe results)");
            shift(release, plan, 1);
            return;
        }
        CanaryStep current = plan.get(release.step() - 1);
        String verifiedStep = "step " + release.step() + "/" + plan.size() + " (" + current.weight() + "%) verified";
        if (current.weight() == 100) {
            complete(release, app, verifiedStep);
        } else if (current.awaitPromotion()) {
            Release paused = releases.transition(
                    release.id(), ReleaseStatus.PROMOTING, verifiedStep + "; paused until promoted");
            releases.paused(paused.id());
        } else if (current.pause() != null) {
            Release paused = releases.transition(
                    release.id(), ReleaseStatus.PROMOTING, verifiedStep + "; paused for " + human(current.pause()));
            releases.paused(paused.id());
            tasks.add(paused, ReleaseTask.of(paused, Kind.RESUME), current.pause());
        } else {
            shift(release, plan, release.step() + 1);
        }
    }

    private void healthFailed(RelopsEvent<?> cause, Release release, HealthFailed failed) {
        String where = release.step() == 0 ? "slot " + release.slot() : "step " + release.step();
        switch (release.status()) {
            case VERIFYING, PROMOTING ->
                stop(
                        release,
                        ReleaseStatus.ROLLED_BACK,
                        "health failed at " + where + ": " + failed.reason(),
                        cause.time());
            case COMPLETED -> {
                OffsetDateTime watch = release.watchUntil();
                if (watch != null && OffsetDateTime.now().isBefore(watch) && isLive(release)) {
                    restore(
                            cause.id(),
                            release,
                            "health failed within the post-release watch window: " + failed.reason(),
                            cause.time(),
                            false);
                } else {
                    log.info("release {}: health.failed after its watch window: not rolled back", release.id());
                }
            }
            default -> log.info("release {}: health.failed ignored in {}", release.id(), release.status());
        }
    }

    private void promotionRequested(Release release, ReleasePromotionRequested promotion) {
        if (release.status() != ReleaseStatus.PROMOTING || !release.paused()) {
            releases.note(
                    release.id(),
                    release.status(),
                    "promotion by " + promotion.requestedBy() + " ignored: the release is not paused ("
                            + release.status() + ", step " + release.step() + ")");
            return;
        }
        releases.note(release.id(), release.status(), "promoted by " + promotion.requestedBy());
        shift(release, plan(release, spec(release)), release.step() + 1);
    }

    private void abortRequested(RelopsEvent<?> cause, Release release, ReleaseAbortRequested abort) {
        if (release.status().isTerminal() || release.status() == ReleaseStatus.ROLLING_BACK) {
            releases.note(
                    release.id(),
                    release.status(),
                    "abort by " + abort.requestedBy() + " ignored: release is " + release.status());
            return;
        }
        stop(
                release,
                ReleaseStatus.ABORTED,
                "aborted by " + abort.requestedBy() + (abort.reason() == null ? "" : ": " + abort.reason()),
                cause.time());
    }

    private void rollbackRequested(RelopsEvent<?> cause, Release release, RollbackRequested request) {
        String why = "rollback requested by " + request.requestedBy()
                + (request.emergency() ? " (emergency)" : "")
                + (request.reason() == null ? "" : ": " + request.reason());
        if (!release.status().isTerminal() && release.status() != ReleaseStatus.ROLLING_BACK) {
            stop(release, ReleaseStatus.ROLLED_BACK, why, cause.time());
        } else if (release.status() == ReleaseStatus.COMPLETED && isLive(release)) {
            restore(cause.id(), release, why, cause.time(), request.emergency());
        } else {
            String refusal = release.status() == ReleaseStatus.COMPLETED
                    ? "release " + release.id() + " is no longer the live one of " + release.application()
                    : "release " + release.id() + " is " + release.status() + ": nothing to roll back";
            releases.note(release.id(), release.status(), why + " refused: " + refusal);
            emit(
                    cause.id(),
                    "rollback-refused",
                    new RollbackFailed(release.id(), release.application(), release.environment(), refusal));
        }
    }

    // ---------------------------------------------------------------- decisions shared by events and tasks

    /** Ends a release that has not completed: undoing what reached the target first, when anything did. */
    private void stop(Release release, ReleaseStatus end, String reason, OffsetDateTime since) {
        switch (release.status()) {
            case REQUESTED, AWAITING_APPROVAL, AWAITING_BACKUP -> {
                Release ended = releases.transition(release.id(), end, reason + "; nothing was deployed");
                outcome(ended, end.name().toLowerCase());
            }
            default -> {
                Release rolling = releases.transition(release.id(), ReleaseStatus.ROLLING_BACK, reason);
                tasks.add(rolling, ReleaseTask.of(rolling, Kind.ROLLBACK).ending(end, reason, since));
                tasks.add(
                        rolling,
                        ReleaseTask.of(rolling, Kind.DEADLINE),
                        spec(rolling).progressDeadlines().rollback());
            }
        }
    }

    /** Ends a release in progress at once (ABORTED), leaving the clean-up of its target to a task. */
    private void preempt(Release release, String reason) {
        Release aborted = releases.transition(release.id(), ReleaseStatus.ABORTED, reason);
        outcome(aborted, "aborted");
        if (release.slot() != null) {
            tasks.add(aborted, ReleaseTask.of(aborted, Kind.ROLLBACK).reason(reason));
        }
    }

    private void restore(String causeId, Release release, String reason, OffsetDateTime since, boolean emergency) {
        if (release.previousVersion() == null || release.stableSlot() == null) {
            String refusal = "release " + release.id() + " was the first of " + release.application() + " in "
                    + release.environment() + ": there is no previous version to restore";
            releases.note(release.id(), release.status(), reason + " refused: " + refusal);
            emit(
                    causeId,
                    "rollback-refused",
                    new RollbackFailed(release.id(), release.application(), release.environment(), refusal));
            return;
        }
        Optional<Release> running = releases.inProgress(release.application(), release.environment());
        if (running.isPresent()) {
            if (!emergency) {
                String refusal = "release " + running.get().id() + " of " + release.application()
                        + " is in progress (" + running.get().status() + "); abort it first, or ask for an emergency"
                        + " rollback";
                releases.note(release.id(), release.status(), reason + " refused: " + refusal);
                emit(
                        causeId,
                        "rollback-refused",
                        new RollbackFailed(release.id(), release.application(), release.environment(), refusal));
                return;
            }
            preempt(running.get(), "preempted by the emergency rollback of release " + release.id());
        }
        Release rolling = releases.transition(release.id(), ReleaseStatus.ROLLING_BACK, reason);
        tasks.add(rolling, ReleaseTask.of(rolling, Kind.RESTORE).ending(ReleaseStatus.ROLLED_BACK, reason, since));
    }

    private void shift(Release release, List<CanaryStep> plan, int step) {
        CanaryStep next = plan.get(step - 1);
        String what = next.weight() == 100
                ? "switching all traffic to " + release.version() + " on slot " + release.slot()
                : "step " + step + "/" + plan.size() + ": " + next.weight() + "% of traffic to " + release.version();
        Release promoting = releases.transition(release.id(), ReleaseStatus.PROMOTING, what);
        tasks.add(promoting, ReleaseTask.of(promoting, Kind.SHIFT).step(step, next.weight()));
        tasks.add(
                promoting,
                ReleaseTask.of(promoting, Kind.DEADLINE),
                spec(promoting).progressDeadlines().verify());
    }

    private void complete(Release release, ApplicationSpec app, String how) {
        String slot = Objects.requireNonNull(release.slot());
        String endpoint = Objects.requireNonNull(release.endpoint());
        releases.makeLive(new LiveVersion(
                release.application(), release.environment(), release.version(), slot, endpoint, release.id()));
        OffsetDateTime now = OffsetDateTime.now();
        releases.watchUntil(release.id(), now.plus(app.health().watchWindow()));
        Release completed = releases.transition(
                release.id(),
                ReleaseStatus.COMPLETED,
                how + "; " + release.version() + " is live on slot " + slot + " (watched for "
                        + human(app.health().watchWindow()) + ")");
        Duration duration = Duration.between(release.requestedAt(), now);
        emit(
                "task-complete-" + release.id(),
                "completed",
                new ReleaseCompleted(
                        release.id(),
                        release.application(),
                        release.environment(),
                        release.version(),
                        release.previousVersion(),
                        duration.toMillis()));
        if (release.stableSlot() != null) {
            tasks.add(
                    completed,
                    ReleaseTask.of(completed, Kind.STOP).slot(release.stableSlot()),
                    app.blueGreen().keepPrevious());
        }
        outcome(completed, "completed");
        Timer.builder("relops.release.duration")
                .tag("application", release.application())
                .register(meters)
                .record(duration);
        log.info(
                "release {}: {} {} is live on slot {} after {}",
                release.id(),
                release.application(),
                release.version(),
                slot,
                duration);
    }

    private void fail(Release release, String reason) {
        Release failed = releases.transition(release.id(), ReleaseStatus.FAILED, reason);
        emitFailed("task-fail-" + failed.id() + "-" + failed.seq(), failed, reason);
        outcome(failed, "failed");
        log.warn("release {} failed: {}", release.id(), reason);
    }

    private void emitFailed(String causeId, Release release, String reason) {
        emit(
                causeId,
                "failed",
                new DeploymentFailed(
                        release.id(),
                        release.application(),
                        release.environment(),
                        release.version(),
                        release.slot(),
                        reason));
    }

    // ---------------------------------------------------------------- tasks (task runner threads)

    /** Runs one task in the runner's transaction; target calls happen before the release is locked. */
    void run(ReleaseTask task) {
        Release release = releases.find(task.releaseId()).orElseThrow();
        switch (task.kind()) {
            case DEPLOY -> deploy(task, release);
            case SHIFT -> shifted(task, release);
            case ROLLBACK -> rollBack(task, release);
            case RESTORE -> restored(task, release);
            case STOP -> stopSlot(task, release);
            case DEADLINE -> deadline(task);
            case RESUME -> resume(task);
        }
    }

    /** A task failed again and again: its release ends with the error as reason. */
    void abandon(ReleaseTask task, String error) {
        Release release = releases.lock(task.releaseId()).orElseThrow();
        if (release.status().isTerminal() || release.seq() != task.seq()) {
            return;
        }
        fail(release, "internal error in " + task.kind() + ": " + error);
    }

    private boolean current(ReleaseTask task, Release release, ReleaseStatus expected) {
        if (release.status() != expected || release.seq() != task.seq()) {
            log.info(
                    "release {}: {} skipped, the release moved on ({} #{})",
                    release.id(),
                    task.kind(),
                    release.status(),
                    release.seq());
            return false;
        }
        return true;
    }

    private void deploy(ReleaseTask task, Release release) {
        if (!current(task, release, ReleaseStatus.DEPLOYING)) {
            return;
        }
        String slot = Objects.requireNonNull(task.slot());
        String version = Objects.requireNonNull(task.version());
        ApplicationSpec app = spec(release);
        TargetContext context = context(release, app);
        String endpoint;
        try {
            endpoint = targets.of(context).deploy(context, slot, version);
        } catch (DeploymentFailedException e) {
            Release locked = releases.lock(release.id()).orElseThrow();
            if (current(task, locked, ReleaseStatus.DEPLOYING)) {
                fail(locked, "deploying " + version + " to slot " + slot + " failed: " + e.getMessage());
                tasks.add(locked, ReleaseTask.of(locked, Kind.STOP).slot(slot));
            }
            return;
        }
        releases.slot(release.application(), release.environment(), slot, version, endpoint, true);
        Release locked = releases.lock(release.id()).orElseThrow();
        if (!current(task, locked, ReleaseStatus.DEPLOYING)) {
            tasks.add(locked, ReleaseTask.of(locked, Kind.STOP).slot(slot));
            return;
        }
        releases.deployedTo(release.id(), slot, endpoint);
        Release verifying = releases.transition(
                release.id(),
                ReleaseStatus.VERIFYING,
                version + " runs on slot " + slot + " at " + endpoint + "; waiting for its health verdict");
        emit(
                "task-" + task.id(),
                "ready",
                new DeploymentReady(
                        release.id(), release.application(), release.environment(), version, slot, endpoint));
        tasks.add(
                verifying,
                ReleaseTask.of(verifying, Kind.DEADLINE),
                app.progressDeadlines().verify());
    }

    private void shifted(ReleaseTask task, Release release) {
        if (!current(task, release, ReleaseStatus.PROMOTING)) {
            return;
        }
        int step = Objects.requireNonNull(task.step());
        int weight = Objects.requireNonNull(task.weight());
        String slot = Objects.requireNonNull(release.slot());
        String endpoint = Objects.requireNonNull(release.endpoint());
        ApplicationSpec app = spec(release);
        TargetContext context = context(release, app);
        Traffic traffic = weight == 100 || release.stableSlot() == null
                ? Traffic.all(slot, endpoint)
                : Traffic.split(
                        release.stableSlot(), Objects.requireNonNull(release.stableEndpoint()), slot, endpoint, weight);
        try {
            targets.of(context).route(context, traffic);
        } catch (DeploymentFailedException e) {
            Release locked = releases.lock(release.id()).orElseThrow();
            if (current(task, locked, ReleaseStatus.PROMOTING)) {
                stop(locked, ReleaseStatus.FAILED, "shifting traffic failed: " + e.getMessage(), OffsetDateTime.now());
            }
            return;
        }
        Release locked = releases.lock(release.id()).orElseThrow();
        if (!current(task, locked, ReleaseStatus.PROMOTING)) {
            return; // an abort or rollback queued after this task returns the traffic
        }
        releases.traffic(release.id(), step, weight);
        emit(
                "task-" + task.id(),
                "shifted",
                new TrafficShifted(
                        release.id(),
                        release.application(),
                        release.environment(),
                        release.version(),
                        slot,
                        endpoint,
                        weight,
                        step));
        if (isCanary(release)) {
            Release verifying = releases.transition(
                    release.id(),
                    ReleaseStatus.VERIFYING,
                    weight + "% of traffic on " + release.version() + " (step " + step + "); waiting for its health"
                            + " verdict");
            tasks.add(
                    verifying,
                    ReleaseTask.of(verifying, Kind.DEADLINE),
                    app.progressDeadlines().verify());
        } else {
            complete(releases.find(release.id()).orElseThrow(), app, "all traffic switched to slot " + slot);
        }
    }

    private void rollBack(ReleaseTask task, Release release) {
        // a pre-empted release is already ABORTED: this task only cleans up after it
        boolean cleanUpOnly = task.finalStatus() == null;
        if (!cleanUpOnly && !current(task, release, ReleaseStatus.ROLLING_BACK)) {
            return;
        }
        ApplicationSpec app = spec(release);
        TargetContext context = context(release, app);
        String reason = Objects.requireNonNullElse(task.reason(), "rolled back");
        try {
            if (release.stableSlot() != null) {
                targets.of(context)
                        .route(
                                context,
                                Traffic.all(release.stableSlot(), Objects.requireNonNull(release.stableEndpoint())));
            }
        } catch (DeploymentFailedException e) {
            Release locked = releases.lock(release.id()).orElseThrow();
            String failure = "rollback failed: traffic could not be returned to " + release.previousVersion()
                    + " on slot " + release.stableSlot() + ": " + e.getMessage();
            if (!cleanUpOnly) {
                locked = releases.transition(release.id(), ReleaseStatus.FAILED, failure);
                outcome(locked, "rollback_failed");
            }
            emit(
                    "task-" + task.id(),
                    "rollback-failed",
                    new RollbackFailed(release.id(), release.application(), release.environment(), failure));
            return;
        }
        Release locked = releases.lock(release.id()).orElseThrow();
        if (release.slot() != null && !release.slot().equals(release.stableSlot())) {
            tasks.add(
                    locked,
                    ReleaseTask.of(locked, Kind.STOP).slot(release.slot()),
                    app.blueGreen().drain());
        }
        OffsetDateTime since = Objects.requireNonNullElse(task.causeTime(), OffsetDateTime.now());
        Duration duration = Duration.between(since, OffsetDateTime.now());
        if (!cleanUpOnly) {
            ReleaseStatus end = Objects.requireNonNull(task.finalStatus());
            String how = release.stableSlot() == null
                    ? reason + "; slot " + release.slot() + " torn down (no previous version to return to)"
                    : reason + "; all traffic back on " + release.previousVersion() + " (slot " + release.stableSlot()
                            + ")";
            locked = releases.transition(release.id(), end, how);
            outcome(locked, end.name().toLowerCase());
            if (end == ReleaseStatus.FAILED) {
                emitFailed("task-" + task.id(), locked, reason);
            }
        } else {
            releases.note(
                    release.id(), release.status(), "cleaned up: all traffic back on " + release.previousVersion());
        }
        emit(
                "task-" + task.id(),
                "rolled-back",
                new RollbackCompleted(
                        release.id(),
                        release.application(),
                        release.environment(),
                        release.previousVersion(),
                        release.version(),
                        reason,
                        duration.toMillis()));
        Timer.builder("relops.release.rollback.duration")
                .tag("application", release.application())
                .register(meters)
                .record(duration);
        log.info("release {}: rolled back in {} ms ({})", release.id(), duration.toMillis(), reason);
    }

    private void restored(ReleaseTask task, Release release) {
        if (!current(task, release, ReleaseStatus.ROLLING_BACK)) {
            return;
        }
        String slot = Objects.requireNonNull(release.stableSlot());
        String version = Objects.requireNonNull(release.previousVersion());
        String endpoint = Objects.requireNonNull(release.stableEndpoint());
        ApplicationSpec app = spec(release);
        TargetContext context = context(release, app);
        String reason = Objects.requireNonNullElse(task.reason(), "rolled back");
        try {
            DeploymentTarget target = targets.of(context);
            if (!releases.slotRuns(release.application(), release.environment(), slot, version)) {
                endpoint = target.deploy(context, slot, version);
                releases.slot(release.application(), release.environment(), slot, version, endpoint, true);
            }
            target.route(context, Traffic.all(slot, endpoint));
        } catch (DeploymentFailedException e) {
            Release locked = releases.lock(release.id()).orElseThrow();
            String failure = "rollback failed: " + version + " could not be brought back on slot " + slot + ": "
                    + e.getMessage() + "; " + release.version() + " still serves";
            locked = releases.transition(release.id(), ReleaseStatus.COMPLETED, failure);
            emit(
                    "task-" + task.id(),
                    "rollback-failed",
                    new RollbackFailed(release.id(), release.application(), release.environment(), failure));
            outcome(locked, "rollback_failed");
            return;
        }
        Release locked = releases.lock(release.id()).orElseThrow();
        releases.makeLive(new LiveVersion(
                release.application(),
                release.environment(),
                version,
                slot,
                endpoint,
                Objects.requireNonNullElse(release.previousRelease(), release.id())));
        OffsetDateTime since = Objects.requireNonNullElse(task.causeTime(), OffsetDateTime.now());
        Duration duration = Duration.between(since, OffsetDateTime.now());
        locked = releases.transition(
                release.id(), ReleaseStatus.ROLLED_BACK, reason + "; " + version + " is live again on slot " + slot);
        tasks.add(
                locked,
                ReleaseTask.of(locked, Kind.STOP).slot(Objects.requireNonNull(release.slot())),
                app.blueGreen().drain());
        emit(
                "task-" + task.id(),
                "rolled-back",
                new RollbackCompleted(
                        release.id(),
                        release.application(),
                        release.environment(),
                        version,
                        release.version(),
                        reason,
                        duration.toMillis()));
        outcome(locked, "rolled_back");
        Timer.builder("relops.release.rollback.duration")
                .tag("application", release.application())
                .register(meters)
                .record(duration);
        log.info("release {}: {} restored in {} ms ({})", release.id(), version, duration.toMillis(), reason);
    }

    private void stopSlot(ReleaseTask task, Release release) {
        String slot = Objects.requireNonNull(task.slot());
        if (releases.slotInUse(release.application(), release.environment(), slot)) {
            log.info("{}: slot {} is in use again; not stopped", release.application(), slot);
            return;
        }
        TargetContext context = context(release, spec(release));
        targets.of(context).stop(context, slot);
        releases.slotStopped(release.application(), release.environment(), slot);
        releases.note(release.id(), release.status(), "slot " + slot + " stopped");
    }

    private void deadline(ReleaseTask task) {
        Release release = releases.lock(task.releaseId()).orElseThrow();
        if (release.seq() != task.seq() || release.status().isTerminal()) {
            return; // the phase made progress
        }
        ApplicationSpec app = spec(release);
        switch (release.status()) {
            case AWAITING_APPROVAL ->
                fail(
                        release,
                        "approval expired: nobody other than " + release.requestedBy() + " approved within "
                                + human(app.approval(release.environment()).expiry()));
            case AWAITING_BACKUP ->
                fail(
                        release,
                        "no pre-deploy backup within "
                                + human(app.progressDeadlines().backup())
                                + " (progress deadline); nothing was deployed");
            case ROLLING_BACK -> {
                String failure = "rollback made no progress within "
                        + human(app.progressDeadlines().rollback());
                Release failed = releases.transition(release.id(), ReleaseStatus.FAILED, failure);
                emit(
                        "task-" + task.id(),
                        "rollback-failed",
                        new RollbackFailed(release.id(), release.application(), release.environment(), failure));
                outcome(failed, "rollback_failed");
            }
            default ->
                stop(
                        release,
                        ReleaseStatus.FAILED,
                        "no progress in " + release.status() + (release.step() > 0 ? " at step " + release.step() : "")
                                + " within " + human(deadlineOf(release, app)) + " (progress deadline)",
                        OffsetDateTime.now());
        }
    }

    private void resume(ReleaseTask task) {
        Release release = releases.lock(task.releaseId()).orElseThrow();
        if (!current(task, release, ReleaseStatus.PROMOTING) || !release.paused()) {
            return;
        }
        releases.note(release.id(), release.status(), "pause over");
        shift(release, plan(release, spec(release)), release.step() + 1);
    }

    // ---------------------------------------------------------------- helpers

    /** The traffic steps of a release: canary steps ending at 100 %, or a single switch. */
    static List<CanaryStep> plan(Release release, ApplicationSpec app) {
        if (!isCanary(release)) {
            return List.of(new CanaryStep(100, null, false));
        }
        return CanaryPlan.of(app.canary().stepsOrDefault());
    }

    /** A canary needs a stable version to compare with: the first release of an application just switches. */
    private static boolean isCanary(Release release) {
        return DeployCatalog.CANARY.equals(release.strategy()) && release.stableSlot() != null;
    }

    private boolean isLive(Release release) {
        return releases.live(release.application(), release.environment())
                .map(live -> live.releaseId().equals(release.id()))
                .orElse(false);
    }

    private static Duration deadlineOf(Release release, ApplicationSpec app) {
        return release.status() == ReleaseStatus.DEPLOYING
                ? app.progressDeadlines().deploy()
                : app.progressDeadlines().verify();
    }

    private ApplicationSpec spec(Release release) {
        return catalog.application(release.application())
                .orElseThrow(() -> new DeploymentFailedException(
                        "application '" + release.application() + "' is no longer in the catalog"));
    }

    private static TargetContext context(Release release, ApplicationSpec app) {
        return new TargetContext(release.id(), release.application(), release.environment(), app);
    }

    private void emit(String causeId, String purpose, EventData data) {
        outbox.append(RelopsEvent.withId(RelopsEvent.derivedId(causeId, purpose), SOURCE, data));
    }

    private void outcome(Release release, String outcome) {
        meters.counter("relops.release.outcomes", "application", release.application(), "outcome", outcome)
                .increment();
    }

    static String human(Duration duration) {
        return duration.toString().substring(2).toLowerCase();
    }
}
