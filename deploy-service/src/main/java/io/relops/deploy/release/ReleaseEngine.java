package io.relops.deploy.release;

import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.EventSignature;
import io.relops.common.event.BackupCompleted;
import io.relops.common.event.BackupFailed;
import io.relops.common.event.EventData;
import io.relops.common.event.HealthFailed;
import io.relops.common.event.HealthInconclusive;
import io.relops.common.event.HealthVerified;
import io.relops.common.event.ReleaseAbortRequested;
import io.relops.common.event.ReleaseApproved;
import io.relops.common.event.ReleasePromotionRequested;
import io.relops.common.event.ReleaseRejected;
import io.relops.common.event.ReleaseRequested;
import io.relops.common.event.RelopsEvent;
import io.relops.common.event.RollbackRequested;
import io.relops.common.release.ReleaseStatus;
import io.relops.deploy.release.Decision.Effect;
import io.relops.deploy.release.LifecycleInput.Abort;
import io.relops.deploy.release.LifecycleInput.Approve;
import io.relops.deploy.release.LifecycleInput.BackupDone;
import io.relops.deploy.release.LifecycleInput.Promote;
import io.relops.deploy.release.LifecycleInput.Reject;
import io.relops.deploy.release.LifecycleInput.Rollback;
import io.relops.deploy.release.LifecycleInput.Start;
import io.relops.deploy.release.LifecycleInput.Supersede;
import io.relops.platform.events.AuthorityCheck;
import io.relops.platform.events.Outbox;
import io.relops.platform.events.ProcessedEvents;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The shell around {@link ReleaseLifecycle}: for each input it locks the release, deduplicates, reads the facts
 * the lifecycle needs, decides, and applies the {@link Decision} — the release row, its timeline, the events
 * (outbox), the tasks and the other effects — in one transaction. Consumed events are decided on the consumer
 * thread; target calls run on the {@link TaskRunner} with no transaction open, and their outcomes come back
 * here. docs/architecture.md ("Release lifecycle") describes the whole.
 */
@Service
public class ReleaseEngine {

    static final URI SOURCE = CloudEventCodec.sourceOf("deploy");
    private static final Logger log = LoggerFactory.getLogger(ReleaseEngine.class);

    private final Policies policies;
    private final Promotions promotions;
    private final ReleaseRepository releases;
    private final TaskQueue tasks;
    private final ProcessedEvents processed;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final ReleaseMetrics meters;
    private final AuthorityCheck authority;
    private volatile Consumer<List<Long>> onCancelled = ids -> {};

    ReleaseEngine(
            Policies policies,
            Promotions promotions,
            ReleaseRepository releases,
            TaskQueue tasks,
            ProcessedEvents processed,
            Outbox outbox,
            TransactionTemplate tx,
            ReleaseMetrics meters,
            AuthorityCheck authority) {
        this.policies = policies;
        this.promotions = promotions;
        this.releases = releases;
        this.tasks = tasks;
        this.processed = processed;
        this.outbox = outbox;
        this.tx = tx;
        this.meters = meters;
        this.authority = authority;
    }

    /** Who stops calls whose tasks a transition deleted, once it commits (the {@link TaskRunner}). */
    void onCancelled(Consumer<List<Long>> action) {
        this.onCancelled = action;
    }

    // ---------------------------------------------------------------- consumed events

    /**
     * A request, or an operator's action: acted on only when the gateway signed it for a caller holding the role
     * the action needs ({@link #rolesFor}); otherwise refused to the dead-letter topic, the release unchanged.
     */
    public void onReleaseEvent(RelopsEvent<?> event, @Nullable EventSignature signature) {
        EventData data = event.data();
        if (data instanceof ReleaseRequested requested) {
            once(event, () -> requested(event, requested));
            return;
        }
        LifecycleInput input = operatorAction(event);
        if (input != null) {
            UUID id = Objects.requireNonNull(event.releaseId());
            authority.require(event, signature, rolesFor(event, id));
            once(event, () -> decide(id, input, event.id()));
        }
        // other events on the release topic (our own among them) are not deploy-service's business
    }

    public void onHealthEvent(RelopsEvent<?> event) {
        UUID id = event.releaseId();
        LifecycleInput input = null;
        if (event.data() instanceof HealthVerified verified) {
            input = new LifecycleInput.HealthVerified(
                    verified.step(), verified.results().size());
        } else if (event.data() instanceof HealthFailed failed) {
            input = new LifecycleInput.HealthFailed(failed.reason(), event.time());
        } else if (event.data() instanceof HealthInconclusive inconclusive) {
            input = new LifecycleInput.HealthInconclusive(inconclusive.step(), inconclusive.reason());
        }
        if (id != null && input != null) { // without a release id: continuous monitoring of a live version
            LifecycleInput verdict = input;
            once(event, () -> decide(id, verdict, event.id()));
        }
    }

    public void onBackupEvent(RelopsEvent<?> event) {
        UUID id = event.releaseId();
        boolean outcome = event.data() instanceof BackupCompleted || event.data() instanceof BackupFailed;
        if (id == null || !outcome) {
            return; // on-demand and scheduled backups are no release's business
        }
        once(event, () -> {
            releases.lockReleaseId(id);
            if (event.data() instanceof BackupCompleted completed) {
                releases.backupOutcome(id, completed.backupId(), true, completed.sha256(), null);
            } else if (event.data() instanceof BackupFailed failed) {
                releases.backupOutcome(id, failed.backupId(), false, null, failed.reason());
            }
            if (releases.find(id).isPresent()) {
                decide(id, new BackupDone(releases.backupOutcome(id).orElseThrow()), event.id());
            }
        });
    }

    /**
     * The roles that may take an operator's action, as the gateway checks them: approving or rejecting needs the
     * catalog's approver role for the release's environment, the others an operator; an admin may do each. An
     * approval of a release deploy-service does not know needs an admin (the lifecycle ignores it anyway).
     */
    private Set<String> rolesFor(RelopsEvent<?> event, UUID id) {
        if (event.data() instanceof ReleaseApproved || event.data() instanceof ReleaseRejected) {
            return releases.find(id)
                    .flatMap(release -> policies.application(release.application(), release.environment())
                            .map(app -> app.approval(release.environment()).role()))
                    .map(role -> Set.copyOf(List.of(role, "admin"))) // the role may be admin itself
                    .orElse(Set.of("admin"));
        }
        return Set.of("operator", "admin");
    }

    private static @Nullable LifecycleInput operatorAction(RelopsEvent<?> event) {
        EventData data = event.data();
        if (data instanceof ReleaseApproved approved) {
            return new Approve(approved.approvedBy(), approved.comment());
        } else if (data instanceof ReleaseRejected rejected) {
            return new Reject(rejected.rejectedBy(), rejected.reason());
        } else if (data instanceof ReleasePromotionRequested promotion) {
            return new Promote(promotion.requestedBy());
        } else if (data instanceof ReleaseAbortRequested abort) {
            return new Abort(abort.requestedBy(), abort.reason(), event.time());
        } else if (data instanceof RollbackRequested rollback) {
            return new Rollback(rollback.requestedBy(), rollback.emergency(), rollback.reason(), event.time());
        }
        return null;
    }

    /** Runs {@code work} in a transaction with the event's deduplication mark: a redelivery changes nothing. */
    private void once(RelopsEvent<?> event, Runnable work) {
        tx.executeWithoutResult(status -> {
            if (processed.markProcessed(event)) {
                work.run();
            }
        });
    }

    private void requested(RelopsEvent<?> cause, ReleaseRequested request) {
        releases.lockReleaseId(request.releaseId());
        if (releases.find(request.releaseId()).isPresent()) {
            log.warn("release {} was requested twice (new event id {}): ignored", request.releaseId(), cause.id());
            return;
        }
        Optional<Release> running = releases.inProgress(request.application(), request.environment());
        Promotion promotion = promotions
                .check(request.application(), request.environment(), request.version())
                .orElse(null);
        Admission admission = Admission.of(
                request, policies.application(request.application(), request.environment()), running, promotion);
        if (admission.supersedes() != null) { // before this release exists: one in progress at a time
            decide(admission.supersedes().id(), new Supersede(admission.supersedeReason(request)), cause.id() + "/");
        }
        Optional<LiveVersion> live = releases.live(request.application(), request.environment());
        ReleaseStatus status = admission.refusal() == null ? ReleaseStatus.REQUESTED : admission.refusedAs();
        Release release = Release.requested(
                request,
                admission.strategy(),
                live,
                status,
                admission.refusal(),
                cause.time(),
                admission.promotedFrom());
        releases.insert(release, admission.describe(request, live));
        meters.inFlight(release.application(), release.environment());
        if (admission.refusal() != null) {
            log.info("release {}: {}", release.id(), admission.describe(request, live));
            apply(release, admission.refused(release), cause.id());
            return;
        }
        log.info(
                "release {}: {} {} to {} requested by {} ({})",
                release.id(),
                release.application(),
                release.version(),
                release.environment(),
                release.requestedBy(),
                release.strategy());
        decide(release.id(), new Start(), cause.id());
    }

    // ---------------------------------------------------------------- tasks (task runner threads)

    /** Decides a due timer in the caller's transaction. */
    void fire(ReleaseTask timer) {
        tasks.done(timer.id());
        LifecycleInput input = timer.kind() == ReleaseTask.Kind.DEADLINE
                ? new LifecycleInput.DeadlinePassed(timer.seq())
                : new LifecycleInput.PauseOver(timer.seq());
        decide(timer.releaseId(), input, "task-" + timer.id());
    }

    /**
     * Records a call's outcome, if its runner still holds the call's lease; else the release has moved on (a
     * deadline, an abort, a lease taken over) and the outcome is recorded as late and ignored.
     */
    void outcome(ReleaseTask call, String owner, @Nullable LifecycleInput outcome) {
        tx.executeWithoutResult(status -> {
            Release release = releases.lock(call.releaseId()).orElseThrow();
            boolean held = tasks.finish(call.id(), owner);
            if (outcome == null) {
                return;
            }
            LifecycleInput input = held ? outcome : LifecycleInput.Late.of(call, outcome);
            decide(release, input, "task-" + call.id());
        });
    }

    /** A call failed unexpectedly again and again: its release ends with the error as reason. */
    void abandon(ReleaseTask task, String error) {
        tx.executeWithoutResult(status -> {
            tasks.done(task.id());
            decide(task.releaseId(), new LifecycleInput.TaskAbandoned(task.kind(), error), "task-" + task.id());
        });
    }

    // ---------------------------------------------------------------- deciding and applying

    private void decide(UUID id, LifecycleInput input, String causeKey) {
        Optional<Release> release = releases.lock(id);
        if (release.isEmpty()) {
            log.warn("{} for unknown release {}: ignored", input.getClass().getSimpleName(), id);
            return;
        }
        decide(release.get(), input, causeKey);
    }

    private void decide(Release release, LifecycleInput input, String causeKey) {
        Policy policy = policies.of(release);
        Decision decision = ReleaseLifecycle.decide(release, input, policy, facts(release, input));
        apply(release, decision, causeKey);
    }

    /** What the lifecycle may need besides the release, read only for the inputs that need it. */
    private Facts facts(Release release, LifecycleInput input) {
        OffsetDateTime now = OffsetDateTime.now();
        if (input instanceof Start || input instanceof Approve) {
            ReleaseRepository.BackupOutcome backup =
                    releases.backupOutcome(release.id()).orElse(null);
            return new Facts(now, false, null, backup, promotionNow(release));
        }
        if (input instanceof BackupDone) {
            return Facts.at(now).withPromotion(promotionNow(release));
        }
        boolean restoring = release.status() == ReleaseStatus.COMPLETED
                && (input instanceof Rollback || input instanceof LifecycleInput.HealthFailed);
        if (!restoring) {
            return Facts.at(now);
        }
        boolean live = releases.live(release.application(), release.environment())
                .map(version -> version.releaseId().equals(release.id()))
                .orElse(false);
        Release other = releases.inProgress(release.application(), release.environment())
                .filter(r -> !r.id().equals(release.id()))
                .orElse(null);
        return new Facts(now, live, other, null, null);
    }

    /**
     * The promotion check of a release that has not deployed yet, for the inputs that may start its deploy: the
     * lifecycle refuses (REJECTED) when the version is no longer promotable (rolled back in the source environment
     * while this release waited for approval or its backup).
     */
    private @Nullable Promotion promotionNow(Release release) {
        if (release.status() != ReleaseStatus.REQUESTED
                && release.status() != ReleaseStatus.AWAITING_APPROVAL
                && release.status() != ReleaseStatus.AWAITING_BACKUP) {
            return null;
        }
        return promotions
                .check(release.application(), release.environment(), release.version())
                .orElse(null);
    }

    private void apply(Release before, Decision decision, String causeKey) {
        Release after = decision.release();
        decision.effects().stream() // first: the release preempted must end before this one resumes
                .filter(Effect.Preempt.class::isInstance)
                .forEach(effect -> effect(after, effect, causeKey));
        if (!after.equals(before)) {
            releases.save(after);
        }
        decision.timeline().forEach(entry -> releases.note(after.id(), entry.status(), entry.message()));
        if (after.seq() != before.seq()) {
            cancelAfterCommit(tasks.cancelStale(after.id(), after.seq()));
            log.info("release {}: {} -> {}", after.id(), before.status(), after.status());
        } else if (decision.refused()) {
            log.info("release {}: {}", after.id(), decision.refusal());
        }
        decision.work().forEach(work -> tasks.add(after, work.task(), work.delay()));
        decision.emissions()
                .forEach(emission -> outbox.append(RelopsEvent.withId(
                        RelopsEvent.derivedId(causeKey, emission.purpose().idPart()), SOURCE, emission.data())));
        decision.effects().stream()
                .filter(effect -> !(effect instanceof Effect.Preempt))
                .forEach(effect -> effect(after, effect, causeKey));
    }

    private void effect(Release release, Effect effect, String causeKey) {
        if (effect instanceof Effect.MakeLive live) {
            releases.makeLive(live.live());
        } else if (effect instanceof Effect.SlotRunning slot) {
            releases.slot(
                    release.application(), release.environment(), slot.slot(), slot.version(), slot.endpoint(), true);
        } else if (effect instanceof Effect.SlotStopped slot) {
            releases.slotStopped(release.application(), release.environment(), slot.slot());
        } else if (effect instanceof Effect.Outcome outcome) {
            meters.outcome(release.application(), outcome.outcome()).increment();
        } else if (effect instanceof Effect.ReleaseTook took) {
            meters.timer(ReleaseMetrics.DURATION, release.application()).record(took.duration());
        } else if (effect instanceof Effect.RollbackTook took) {
            meters.timer(ReleaseMetrics.ROLLBACK_DURATION, release.application())
                    .record(took.duration());
        } else if (effect instanceof Effect.Preempt preempt) {
            decide(preempt.releaseId(), new Supersede(preempt.reason()), causeKey + "/" + preempt.releaseId());
        }
    }

    private void cancelAfterCommit(List<Long> leased) {
        if (leased.isEmpty() || !TransactionSynchronizationManager.isSynchronizationActive()) {
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                onCancelled.accept(leased);
            }
        });
    }
}
