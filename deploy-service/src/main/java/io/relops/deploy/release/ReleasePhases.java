package io.relops.deploy.release;

import static io.relops.common.release.ReleaseStatus.AWAITING_APPROVAL;
import static io.relops.common.release.ReleaseStatus.AWAITING_BACKUP;
import static io.relops.common.release.ReleaseStatus.COMPLETED;
import static io.relops.common.release.ReleaseStatus.DEPLOYING;
import static io.relops.common.release.ReleaseStatus.FAILED;
import static io.relops.common.release.ReleaseStatus.PROMOTING;
import static io.relops.common.release.ReleaseStatus.REJECTED;
import static io.relops.common.release.ReleaseStatus.REQUESTED;
import static io.relops.common.release.ReleaseStatus.ROLLED_BACK;
import static io.relops.common.release.ReleaseStatus.ROLLING_BACK;
import static io.relops.deploy.release.ReleaseLifecycle.human;
import static io.relops.deploy.release.ReleaseLifecycle.plan;

import io.relops.common.event.DeploymentFailed;
import io.relops.common.event.DeploymentStarted;
import io.relops.common.event.ReleaseCompleted;
import io.relops.common.event.RollbackCompleted;
import io.relops.common.event.RollbackFailed;
import io.relops.common.release.ReleaseStatus;
import io.relops.deploy.catalog.DeployCatalog.CanaryStep;
import io.relops.deploy.release.Decision.Effect;
import io.relops.deploy.release.Decision.Purpose;
import io.relops.deploy.release.Decision.ReleaseOutcome;
import io.relops.deploy.release.ReleaseRepository.BackupOutcome;
import io.relops.deploy.release.ReleaseTask.Kind;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;

/**
 * The decisions several inputs of {@link ReleaseLifecycle} lead to: starting the deploy, shifting traffic,
 * completing, ending a release that has not completed (at once, or by returning traffic first), restoring the
 * previous version, failing.
 */
abstract class ReleasePhases extends DecisionBuilder {

    ReleasePhases(Release release, Policy policy, Facts facts) {
        super(release, policy, facts);
    }

    void approvedOrNotNeeded() {
        if (!policy.backupBeforeDeploy()) {
            startDeploy();
        } else if (facts.backup() != null) {
            afterBackup(facts.backup());
        } else {
            Duration deadline = policy.deadlines().backup();
            transition(AWAITING_BACKUP, "waiting for the pre-deploy backup (at most " + human(deadline) + ")");
            timer(Kind.DEADLINE, deadline);
        }
    }

    void afterBackup(BackupOutcome backup) {
        if (!backup.completed()) {
            fail("the pre-deploy backup " + backup.backupId() + " failed: " + backup.reason()
                    + "; nothing was deployed");
            return;
        }
        draft.backupId = backup.backupId();
        draft.backupSha256 = backup.sha256();
        note("pre-deploy backup " + backup.backupId() + " completed (sha256 " + backup.sha256() + ")");
        startDeploy();
    }

    void startDeploy() {
        Promotion promotion = facts.promotion();
        if (promotion != null && !promotion.ready()) {
            promotionLost(promotion);
            return;
        }
        if (policy.targetProblem() != null) {
            fail(policy.targetProblem());
            return;
        }
        String slot = policy.slots().stream()
                .filter(s -> !s.equals(before.stableSlot()))
                .findFirst()
                .orElse(null);
        if (slot == null) {
            fail(before.application() + " has no idle slot in the catalog");
            return;
        }
        draft.slot = slot;
        transition(DEPLOYING, "deploying " + before.version() + " to slot " + slot);
        emit(
                Purpose.STARTED,
                new DeploymentStarted(
                        before.id(),
                        before.application(),
                        before.environment(),
                        before.version(),
                        slot,
                        before.strategy().wireName(),
                        before.promotedFrom()));
        call(ReleaseTask.of(before.id(), Kind.DEPLOY, draft.seq).slot(slot).version(before.version()));
        timer(Kind.DEADLINE, policy.deadlines().deploy());
    }

    /**
     * The version is no longer promotable when the deploy would start (checked again after the approval and the
     * pre-deploy backup, which may take hours): the release ends REJECTED like a refusal at admission, nothing
     * deployed; its {@code deployment.failed} says it was refused, which alerting does not page on.
     */
    private void promotionLost(Promotion promotion) {
        String reason = promotion.reason() + " (checked again before deploying, after the release was admitted"
                + (draft.approvedBy == null ? "" : " and approved by " + draft.approvedBy) + ")";
        transition(REJECTED, reason + "; nothing was deployed");
        emit(
                Purpose.FAILED,
                new DeploymentFailed(
                        before.id(), before.application(), before.environment(), before.version(), null, reason, true));
        effects.add(new Effect.Outcome(ReleaseOutcome.REFUSED));
    }

    void shift(int step) {
        List<CanaryStep> plan = plan(now(), policy);
        CanaryStep next = plan.get(step - 1);
        String what = next.weight() == 100
                ? "switching all traffic to " + before.version() + " on slot " + draft.slot
                : "step " + step + "/" + plan.size() + ": " + next.weight() + "% of traffic to " + before.version();
        transition(PROMOTING, what);
        call(ReleaseTask.of(before.id(), Kind.SHIFT, draft.seq).step(step, next.weight()));
        timer(Kind.DEADLINE, policy.deadlines().verify());
    }

    void complete(String how) {
        String slot = Objects.requireNonNull(draft.slot);
        String endpoint = Objects.requireNonNull(draft.endpoint);
        effects.add(new Effect.MakeLive(new LiveVersion(
                before.application(), before.environment(), before.version(), slot, endpoint, before.id())));
        draft.watchUntil = facts.now().plus(policy.watchWindow());
        transition(
                COMPLETED,
                how + "; " + before.version() + " is live on slot " + slot + " (watched for "
                        + human(policy.watchWindow()) + ")");
        Duration took = Duration.between(before.requestedAt(), facts.now());
        emit(
                Purpose.COMPLETED,
                new ReleaseCompleted(
                        before.id(),
                        before.application(),
                        before.environment(),
                        before.version(),
                        before.previousVersion(),
                        took.toMillis()));
        if (before.stableSlot() != null) {
            stopSlot(before.stableSlot(), policy.keepPrevious());
        }
        effects.add(new Effect.Outcome(ReleaseOutcome.COMPLETED));
        effects.add(new Effect.ReleaseTook(took));
    }

    /**
     * Ends a release that has not completed. Before anything was deployed it just ends. Once users'
     * traffic may have reached the new version it is returned first (ROLLING_BACK, a target call). In
     * between, the new slot never had users' traffic: the release ends at once and the slot is torn down,
     * so a hanging target call can hold nothing up.
     */
    void stop(ReleaseStatus end, String reason, OffsetDateTime since) {
        switch (draft.status) {
            case REQUESTED, AWAITING_APPROVAL, AWAITING_BACKUP -> {
                transition(end, reason + "; nothing was deployed");
                effects.add(new Effect.Outcome(ReleaseOutcome.of(end)));
            }
            default -> {
                if (trafficMayHaveMoved()) {
                    transition(ROLLING_BACK, reason);
                    call(ReleaseTask.of(before.id(), Kind.ROLLBACK, draft.seq).ending(end, reason, since));
                    timer(Kind.DEADLINE, policy.deadlines().rollback());
                } else {
                    end(end, reason, since);
                }
            }
        }
    }

    /**
     * Users' traffic may be on the new slot: a shift was asked for or made, or the router sends the requests matching
     * its {@code match} to the deployed canary (then the router is set back before the slot stops).
     */
    boolean trafficMayHaveMoved() {
        return draft.step > 0
                // PROMOTING at step 0 is a shift in flight, unless paused there (inconclusive): nothing was asked
                || draft.status == PROMOTING && !draft.paused
                || policy.canaryPreview()
                        && ReleaseLifecycle.isCanary(before)
                        && before.stableSlot() != null
                        && draft.endpoint != null;
    }

    /** The release ends in {@code end} with all traffic on the stable version; the new slot is torn down. */
    void end(ReleaseStatus end, String reason, OffsetDateTime since) {
        String how = before.stableSlot() == null
                ? reason + "; slot " + draft.slot + " torn down (no previous version to return to)"
                : reason + "; all traffic back on " + before.previousVersion() + " (slot " + before.stableSlot() + ")";
        transition(end, how);
        effects.add(new Effect.Outcome(ReleaseOutcome.of(end)));
        if (end == FAILED) {
            emitFailed(reason);
        }
        rolledBack(reason, since);
    }

    void rolledBack(String reason, OffsetDateTime since) {
        if (draft.slot != null && !draft.slot.equals(before.stableSlot())) {
            stopSlot(draft.slot, policy.drain());
        }
        Duration took = Duration.between(since, facts.now());
        emit(
                Purpose.ROLLED_BACK,
                new RollbackCompleted(
                        before.id(),
                        before.application(),
                        before.environment(),
                        before.previousVersion(),
                        before.version(),
                        reason,
                        took.toMillis()));
        effects.add(new Effect.RollbackTook(took));
    }

    void restore(String reason, OffsetDateTime since, boolean emergency) {
        if (before.previousVersion() == null || before.stableSlot() == null) {
            refuseRollback(
                    reason,
                    "release " + before.id() + " was the first of " + before.application() + " in "
                            + before.environment() + ": there is no previous version to restore");
            return;
        }
        Release running = facts.otherInProgress();
        if (running != null && !emergency) {
            refuseRollback(
                    reason,
                    "release " + running.id() + " of " + before.application() + " is in progress (" + running.status()
                            + "); abort it first, or ask for an emergency rollback");
            return;
        }
        if (running != null) {
            effects.add(
                    new Effect.Preempt(running.id(), "preempted by the emergency rollback of release " + before.id()));
        }
        transition(ROLLING_BACK, reason);
        call(ReleaseTask.of(before.id(), Kind.RESTORE, draft.seq).ending(ROLLED_BACK, reason, since));
        timer(Kind.DEADLINE, policy.deadlines().rollback());
    }

    void refuseRollback(String why, String refusalReason) {
        refuse(why + " refused: " + refusalReason);
        emit(Purpose.ROLLBACK_REFUSED, rollbackFailed(refusalReason));
    }

    void fail(String reason) {
        transition(FAILED, reason);
        emitFailed(reason);
        effects.add(new Effect.Outcome(ReleaseOutcome.FAILED));
    }

    void emitFailed(String reason) {
        emit(
                Purpose.FAILED,
                new DeploymentFailed(
                        before.id(),
                        before.application(),
                        before.environment(),
                        before.version(),
                        draft.slot,
                        reason,
                        null));
    }

    RollbackFailed rollbackFailed(String reason) {
        return new RollbackFailed(before.id(), before.application(), before.environment(), reason);
    }

    void inPhase(ReleaseStatus expected, String what, Runnable decide) {
        if (draft.status != expected) {
            refuse(what + " ignored: release is " + draft.status);
        } else {
            decide.run();
        }
    }

    boolean withinWatch() {
        return draft.watchUntil != null && facts.now().isBefore(draft.watchUntil);
    }

    Duration phaseDeadline() {
        return draft.status == DEPLOYING
                ? policy.deadlines().deploy()
                : policy.deadlines().verify();
    }
}
