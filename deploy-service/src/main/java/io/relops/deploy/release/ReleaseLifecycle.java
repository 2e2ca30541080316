package io.relops.deploy.release;

import static io.relops.common.release.ReleaseStatus.ABORTED;
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
import static io.relops.common.release.ReleaseStatus.VERIFYING;

import io.relops.common.event.DeploymentReady;
import io.relops.common.event.RollbackCompleted;
import io.relops.common.event.TrafficShifted;
import io.relops.common.release.ReleaseStatus;
import io.relops.common.release.Strategy;
import io.relops.deploy.catalog.DeployCatalog.CanaryStep;
import io.relops.deploy.release.Decision.Effect;
import io.relops.deploy.release.Decision.Purpose;
import io.relops.deploy.release.Decision.ReleaseOutcome;
import io.relops.deploy.release.LifecycleInput.Abort;
import io.relops.deploy.release.LifecycleInput.Approve;
import io.relops.deploy.release.LifecycleInput.BackupDone;
import io.relops.deploy.release.LifecycleInput.DeadlinePassed;
import io.relops.deploy.release.LifecycleInput.DeployFailed;
import io.relops.deploy.release.LifecycleInput.Deployed;
import io.relops.deploy.release.LifecycleInput.HealthFailed;
import io.relops.deploy.release.LifecycleInput.HealthInconclusive;
import io.relops.deploy.release.LifecycleInput.HealthVerified;
import io.relops.deploy.release.LifecycleInput.Late;
import io.relops.deploy.release.LifecycleInput.PauseOver;
import io.relops.deploy.release.LifecycleInput.Promote;
import io.relops.deploy.release.LifecycleInput.Reject;
import io.relops.deploy.release.LifecycleInput.RestoreFailed;
import io.relops.deploy.release.LifecycleInput.Restored;
import io.relops.deploy.release.LifecycleInput.ReturnFailed;
import io.relops.deploy.release.LifecycleInput.Rollback;
import io.relops.deploy.release.LifecycleInput.ShiftFailed;
import io.relops.deploy.release.LifecycleInput.Shifted;
import io.relops.deploy.release.LifecycleInput.Start;
import io.relops.deploy.release.LifecycleInput.Stopped;
import io.relops.deploy.release.LifecycleInput.Supersede;
import io.relops.deploy.release.LifecycleInput.TaskAbandoned;
import io.relops.deploy.release.LifecycleInput.TrafficReturned;
import io.relops.deploy.release.ReleaseTask.Kind;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The release lifecycle as a pure function: {@link #decide} takes a release, one input (an event, a target
 * call's outcome, a timer) and what the catalog and the database say, and returns the {@link Decision}: the
 * release as it is now, the events to emit, the work to queue. It reads no clock and touches nothing;
 * {@link ReleaseEngine} locks, decides and applies. Every transition is one of {@link #ALLOWED}.
 */
final class ReleaseLifecycle {

    /** The allowed transitions, from each status. A status may move to itself (a next canary step). */
    static final Map<ReleaseStatus, Set<ReleaseStatus>> ALLOWED = allowed();

    private ReleaseLifecycle() {}

    private static Map<ReleaseStatus, Set<ReleaseStatus>> allowed() {
        Map<ReleaseStatus, Set<ReleaseStatus>> table = new EnumMap<>(ReleaseStatus.class);
        Set<ReleaseStatus> notDeployed = EnumSet.of(FAILED, ABORTED, ROLLED_BACK);
        // REJECTED before deploying: refused by the environment's approver, or by its promotion rule checked again
        // right before the deploy starts
        table.put(REQUESTED, union(notDeployed, REJECTED, AWAITING_APPROVAL, AWAITING_BACKUP, DEPLOYING));
        table.put(AWAITING_APPROVAL, union(notDeployed, REJECTED, AWAITING_BACKUP, DEPLOYING));
        table.put(AWAITING_BACKUP, union(notDeployed, REJECTED, DEPLOYING));
        table.put(DEPLOYING, union(notDeployed, VERIFYING));
        table.put(VERIFYING, union(notDeployed, PROMOTING, ROLLING_BACK, COMPLETED));
        table.put(PROMOTING, union(notDeployed, PROMOTING, VERIFYING, ROLLING_BACK, COMPLETED));
        table.put(COMPLETED, EnumSet.of(ROLLING_BACK));
        table.put(ROLLING_BACK, EnumSet.of(ROLLED_BACK, FAILED, ABORTED, COMPLETED));
        for (ReleaseStatus end : EnumSet.of(ROLLED_BACK, FAILED, REJECTED, ABORTED)) {
            table.put(end, EnumSet.noneOf(ReleaseStatus.class));
        }
        return Map.copyOf(table);
    }

    private static Set<ReleaseStatus> union(Set<ReleaseStatus> base, ReleaseStatus... more) {
        Set<ReleaseStatus> set = EnumSet.copyOf(base);
        set.addAll(List.of(more));
        return set;
    }

    static Decision decide(Release release, LifecycleInput input, Policy policy, Facts facts) {
        Change change = new Change(release, policy, facts);
        change.apply(input);
        return change.decision();
    }

    /** The traffic steps of a release: canary steps ending at 100 %, or a single switch. */
    static List<CanaryStep> plan(Release release, Policy policy) {
        if (!isCanary(release)) {
            return List.of(new CanaryStep(100, null, false));
        }
        return CanaryPlan.of(policy.canarySteps());
    }

    /** A canary needs a stable version to compare with: the first release of an application just switches. */
    static boolean isCanary(Release release) {
        return release.strategy() == Strategy.CANARY && release.stableSlot() != null;
    }

    static String human(Duration duration) {
        return duration.toString().substring(2).toLowerCase();
    }

    /** One decision in the making: the handlers of every input, on top of what builds the decision. */
    private static final class Change extends ReleasePhases {

        Change(Release release, Policy policy, Facts facts) {
            super(release, policy, facts);
        }

        void apply(LifecycleInput input) {
            if (!(onEvent(input) || onOutcome(input) || onTimer(input))) {
                throw new IllegalArgumentException("no decision for " + input);
            }
        }

        /** Operator actions and other services' events. */
        private boolean onEvent(LifecycleInput input) {
            if (input instanceof Start) {
                start();
            } else if (input instanceof Approve approve) {
                approve(approve);
            } else if (input instanceof Reject reject) {
                reject(reject);
            } else if (input instanceof Promote promote) {
                promote(promote);
            } else if (input instanceof Abort abort) {
                abort(abort);
            } else if (input instanceof Rollback rollback) {
                rollback(rollback);
            } else if (input instanceof Supersede supersede) {
                supersede(supersede);
            } else if (input instanceof BackupDone backup) {
                backupDone(backup);
            } else if (input instanceof HealthVerified verified) {
                verified(verified);
            } else if (input instanceof HealthFailed failed) {
                healthFailed(failed);
            } else if (input instanceof HealthInconclusive inconclusive) {
                inconclusive(inconclusive);
            } else {
                return false;
            }
            return true;
        }

        /** Outcomes of target calls. */
        private boolean onOutcome(LifecycleInput input) {
            if (input instanceof Deployed deployed) {
                deployed(deployed);
            } else if (input instanceof DeployFailed failed) {
                deployFailed(failed);
            } else if (input instanceof Shifted shifted) {
                shifted(shifted);
            } else if (input instanceof ShiftFailed failed) {
                inPhase(
                        PROMOTING,
                        "shift outcome",
                        () -> stop(FAILED, "shifting traffic failed: " + failed.error(), facts.now()));
            } else if (input instanceof TrafficReturned returned) {
                trafficReturned(returned);
            } else if (input instanceof ReturnFailed failed) {
                returnFailed(failed);
            } else if (input instanceof Restored restored) {
                inPhase(ROLLING_BACK, "restore outcome", () -> restored(restored));
            } else if (input instanceof RestoreFailed failed) {
                inPhase(ROLLING_BACK, "restore outcome", () -> restoreFailed(failed));
            } else if (input instanceof Stopped stopped) {
                stopped(stopped);
            } else if (input instanceof Late late) {
                late(late);
            } else {
                return false;
            }
            return true;
        }

        /** Timers, and the runner giving up on a task. */
        private boolean onTimer(LifecycleInput input) {
            if (input instanceof DeadlinePassed deadline) {
                deadline(deadline);
            } else if (input instanceof PauseOver pause) {
                pauseOver(pause);
            } else if (input instanceof TaskAbandoned abandoned) {
                abandoned(abandoned);
            } else {
                return false;
            }
            return true;
        }

        // ------------------------------------------------------------ inputs

        private void start() {
            if (draft.status != REQUESTED) {
                refuse("start ignored: release is " + draft.status);
            } else if (policy.approval().required()) {
                transition(
                        AWAITING_APPROVAL,
                        "waiting for approval by a(n) " + policy.approval().role() + " other than " + draft.requestedBy
                                + " (expires in " + human(policy.approval().expiry()) + ")");
                timer(Kind.DEADLINE, policy.approval().expiry());
            } else {
                approvedOrNotNeeded();
            }
        }

        private void approve(Approve approval) {
            if (draft.status != AWAITING_APPROVAL) {
                refuse("approval by " + approval.by() + " ignored: release is " + draft.status);
            } else if (approval.by().equals(draft.requestedBy)) {
                refuse("approval by " + approval.by() + " refused: the requester may not approve their own release"
                        + " (four-eyes); still waiting for another approver");
            } else {
                draft.approvedBy = approval.by();
                note("approved by " + approval.by() + (approval.comment() == null ? "" : ": " + approval.comment()));
                approvedOrNotNeeded();
            }
        }

        private void reject(Reject rejection) {
            if (draft.status != AWAITING_APPROVAL) {
                refuse("rejection by " + rejection.by() + " ignored: release is " + draft.status);
                return;
            }
            transition(REJECTED, "rejected by " + rejection.by() + ": " + rejection.reason());
            effects.add(new Effect.Outcome(ReleaseOutcome.REJECTED));
        }

        private void promote(Promote promotion) {
            if (draft.status != PROMOTING || !draft.paused) {
                refuse("promotion by " + promotion.by() + " ignored: the release is not paused (" + draft.status
                        + ", step " + draft.step + ")");
                return;
            }
            note("promoted by " + promotion.by());
            List<CanaryStep> plan = plan(now(), policy);
            if (draft.step > 0 && plan.get(draft.step - 1).weight() == 100) {
                // an inconclusive verification of the last step, promoted: nothing is left to shift
                complete("step " + draft.step + "/" + plan.size() + " (100%) promoted by " + promotion.by());
            } else {
                shift(draft.step + 1);
            }
        }

        private void abort(Abort abort) {
            if (draft.status.isTerminal() || draft.status == ROLLING_BACK) {
                refuse("abort by " + abort.by() + " ignored: release is " + draft.status);
                return;
            }
            stop(
                    ABORTED,
                    "aborted by " + abort.by() + (abort.reason() == null ? "" : ": " + abort.reason()),
                    abort.at());
        }

        private void rollback(Rollback request) {
            String why = "rollback requested by " + request.by() + (request.emergency() ? " (emergency)" : "")
                    + (request.reason() == null ? "" : ": " + request.reason());
            if (!draft.status.isTerminal() && draft.status != ROLLING_BACK) {
                stop(ROLLED_BACK, why, request.at());
            } else if (draft.status == COMPLETED && facts.live()) {
                restore(why, request.at(), request.emergency());
            } else {
                refuseRollback(
                        why,
                        draft.status == COMPLETED
                                ? "release " + before.id() + " is no longer the live one of " + before.application()
                                : "release " + before.id() + " is " + draft.status + ": nothing to roll back");
            }
        }

        private void supersede(Supersede supersede) {
            if (draft.status.isTerminal()) {
                refuse("superseding ignored: release is " + draft.status);
                return;
            }
            boolean trafficMoved = trafficMayHaveMoved();
            transition(ABORTED, supersede.reason());
            effects.add(new Effect.Outcome(ReleaseOutcome.ABORTED));
            if (draft.slot == null) {
                return;
            }
            if (trafficMoved) {
                call(ReleaseTask.of(before.id(), Kind.ROLLBACK, draft.seq).reason(supersede.reason()));
            } else {
                stopSlot(draft.slot, Duration.ZERO);
            }
        }

        private void backupDone(BackupDone backup) {
            if (draft.status != AWAITING_BACKUP) {
                refuse("pre-deploy backup " + backup.outcome().backupId() + " recorded; release is " + draft.status);
                return;
            }
            afterBackup(backup.outcome());
        }

        private void verified(HealthVerified verified) {
            Integer expected = draft.step == 0 ? null : draft.step;
            if (draft.status != VERIFYING || !Objects.equals(verified.step(), expected)) {
                refuse("health.verified for step " + verified.step() + " ignored (release is " + draft.status
                        + " at step " + draft.step + ")");
                return;
            }
            List<CanaryStep> plan = plan(now(), policy);
            if (draft.step == 0) {
                note("slot " + draft.slot + " verified (" + verified.probes() + " probe results)");
                shift(1);
                return;
            }
            CanaryStep current = plan.get(draft.step - 1);
            String verifiedStep = "step " + draft.step + "/" + plan.size() + " (" + current.weight() + "%) verified";
            if (current.weight() == 100) {
                complete(verifiedStep);
            } else if (current.awaitPromotion()) {
                transition(PROMOTING, verifiedStep + "; paused until promoted");
                draft.paused = true;
            } else if (current.pause() != null) {
                transition(PROMOTING, verifiedStep + "; paused for " + human(current.pause()));
                draft.paused = true;
                timer(Kind.RESUME, current.pause());
            } else {
                shift(draft.step + 1);
            }
        }

        private void healthFailed(HealthFailed failed) {
            String where = draft.step == 0 ? "slot " + draft.slot : "step " + draft.step;
            if (draft.status == VERIFYING || draft.status == PROMOTING) {
                stop(ROLLED_BACK, "health failed at " + where + ": " + failed.reason(), failed.at());
            } else if (draft.status == COMPLETED && withinWatch() && facts.live()) {
                restore("health failed within the post-release watch window: " + failed.reason(), failed.at(), false);
            } else {
                refuse("health.failed ignored: release is " + draft.status
                        + (draft.status == COMPLETED ? " and no longer watched" : ""));
            }
        }

        /**
         * A verification that could not decide (metric data missing beyond its limits, a marginal canary judgement)
         * neither rolls back nor goes on: the release pauses where it is until an operator promotes or aborts it.
         */
        private void inconclusive(HealthInconclusive verdict) {
            Integer expected = draft.step == 0 ? null : draft.step;
            if (draft.status != VERIFYING || !Objects.equals(verdict.step(), expected)) {
                refuse("health.inconclusive for step " + verdict.step() + " ignored (release is " + draft.status
                        + " at step " + draft.step + ")");
                return;
            }
            String where = draft.step == 0 ? "slot " + draft.slot : "step " + draft.step;
            transition(
                    PROMOTING,
                    "health inconclusive at " + where + ": " + verdict.reason()
                            + "; paused until an operator promotes or aborts it");
            draft.paused = true;
        }

        private void deployed(Deployed deployed) {
            effects.add(new Effect.SlotRunning(deployed.slot(), deployed.version(), deployed.endpoint()));
            if (draft.status != DEPLOYING) {
                refuse("deploy outcome ignored: release is " + draft.status);
                stopSlot(deployed.slot(), Duration.ZERO);
                return;
            }
            draft.endpoint = deployed.endpoint();
            transition(
                    VERIFYING,
                    deployed.version() + " runs on slot " + deployed.slot() + " at " + deployed.endpoint()
                            + "; waiting for its health verdict");
            emit(
                    Purpose.READY,
                    new DeploymentReady(
                            before.id(),
                            before.application(),
                            before.environment(),
                            deployed.version(),
                            deployed.slot(),
                            deployed.endpoint()));
            timer(Kind.DEADLINE, policy.deadlines().verify());
        }

        private void deployFailed(DeployFailed failed) {
            if (draft.status != DEPLOYING) {
                refuse("deploy outcome ignored: release is " + draft.status);
                return;
            }
            fail("deploying " + failed.version() + " to slot " + failed.slot() + " failed: " + failed.error());
            stopSlot(failed.slot(), Duration.ZERO);
        }

        private void shifted(Shifted shifted) {
            if (draft.status != PROMOTING) {
                refuse("shift outcome ignored: release is " + draft.status);
                return;
            }
            draft.step = shifted.step();
            draft.weight = shifted.weight();
            String slot = Objects.requireNonNull(draft.slot);
            emit(
                    Purpose.SHIFTED,
                    new TrafficShifted(
                            before.id(),
                            before.application(),
                            before.environment(),
                            before.version(),
                            slot,
                            Objects.requireNonNull(draft.endpoint),
                            shifted.weight(),
                            shifted.step(),
                            shifted.routed() == null ? null : shifted.routed().router(),
                            shifted.routed() == null ? null : shifted.routed().weights(),
                            shifted.routed() == null ? null : shifted.routed().note()));
            if (isCanary(before)) {
                transition(
                        VERIFYING,
                        shifted.weight() + "% of traffic on " + before.version() + " (step " + shifted.step()
                                + "); waiting for its health verdict");
                timer(Kind.DEADLINE, policy.deadlines().verify());
            } else {
                complete("all traffic switched to slot " + slot);
            }
        }

        private void trafficReturned(TrafficReturned returned) {
            if (returned.end() == null && !draft.status.isTerminal()) {
                refuse("clean-up outcome ignored: release is " + draft.status + ", not ended");
                return;
            }
            if (returned.end() == null) {
                note("cleaned up: all traffic back on " + before.previousVersion());
                rolledBack(returned.reason(), returned.since());
                return;
            }
            if (draft.status != ROLLING_BACK) {
                refuse("rollback outcome ignored: release is " + draft.status);
                return;
            }
            end(returned.end(), returned.reason(), returned.since());
        }

        private void returnFailed(ReturnFailed failed) {
            String failure = "rollback failed: traffic could not be returned to " + before.previousVersion()
                    + " on slot " + before.stableSlot() + ": " + failed.error();
            if (failed.end() == null && !draft.status.isTerminal()) {
                refuse("clean-up outcome ignored: release is " + draft.status + ", not ended");
                return;
            }
            if (failed.end() != null) {
                if (draft.status != ROLLING_BACK) {
                    refuse("rollback outcome ignored: release is " + draft.status);
                    return;
                }
                transition(FAILED, failure);
                effects.add(new Effect.Outcome(ReleaseOutcome.ROLLBACK_FAILED));
            } else {
                note(failure);
            }
            emit(Purpose.ROLLBACK_FAILED, rollbackFailed(failure));
        }

        private void restored(Restored restored) {
            effects.add(new Effect.SlotRunning(restored.slot(), restored.version(), restored.endpoint()));
            effects.add(new Effect.MakeLive(new LiveVersion(
                    before.application(),
                    before.environment(),
                    restored.version(),
                    restored.slot(),
                    restored.endpoint(),
                    Objects.requireNonNullElse(before.previousRelease(), before.id()))));
            transition(
                    ROLLED_BACK,
                    restored.reason() + "; " + restored.version() + " is live again on slot " + restored.slot());
            effects.add(new Effect.Outcome(ReleaseOutcome.ROLLED_BACK));
            stopSlot(Objects.requireNonNull(draft.slot), policy.drain());
            Duration took = Duration.between(restored.since(), facts.now());
            emit(
                    Purpose.ROLLED_BACK,
                    new RollbackCompleted(
                            before.id(),
                            before.application(),
                            before.environment(),
                            restored.version(),
                            before.version(),
                            restored.reason(),
                            took.toMillis()));
            effects.add(new Effect.RollbackTook(took));
        }

        private void restoreFailed(RestoreFailed failed) {
            String failure = "rollback failed: " + before.previousVersion() + " could not be brought back on slot "
                    + before.stableSlot() + ": " + failed.error() + "; " + before.version() + " still serves";
            transition(COMPLETED, failure);
            emit(Purpose.ROLLBACK_FAILED, rollbackFailed(failure));
            effects.add(new Effect.Outcome(ReleaseOutcome.ROLLBACK_FAILED));
        }

        private void stopped(Stopped stopped) {
            effects.add(new Effect.SlotStopped(stopped.slot()));
            note("slot " + stopped.slot() + " stopped");
        }

        private void late(Late late) {
            note("late outcome of " + late.kind() + (late.slot() == null ? "" : " on slot " + late.slot()) + " ignored"
                    + " (the release had moved on): " + late.what());
            if (late.kind() == Kind.DEPLOY && late.succeeded() && late.slot() != null) {
                stopSlot(late.slot(), Duration.ZERO);
            }
        }

        private void deadline(DeadlinePassed deadline) {
            if (draft.seq != deadline.seq() || draft.status.isTerminal()) {
                refuse("deadline of transition " + deadline.seq() + " ignored: the release made progress");
                return;
            }
            switch (draft.status) {
                case AWAITING_APPROVAL ->
                    fail("approval expired: nobody other than " + draft.requestedBy + " approved within "
                            + human(policy.approval().expiry()));
                case AWAITING_BACKUP ->
                    fail("no pre-deploy backup within "
                            + human(policy.deadlines().backup()) + " (progress deadline); nothing was deployed");
                case ROLLING_BACK -> {
                    String failure = "rollback made no progress within "
                            + human(policy.deadlines().rollback());
                    transition(FAILED, failure);
                    emit(Purpose.ROLLBACK_FAILED, rollbackFailed(failure));
                    effects.add(new Effect.Outcome(ReleaseOutcome.ROLLBACK_FAILED));
                }
                default ->
                    stop(
                            FAILED,
                            "no progress in " + draft.status + (draft.step > 0 ? " at step " + draft.step : "")
                                    + " within " + human(phaseDeadline()) + " (progress deadline)",
                            facts.now());
            }
        }

        private void pauseOver(PauseOver pause) {
            if (draft.seq != pause.seq() || draft.status != PROMOTING || !draft.paused) {
                refuse("pause of transition " + pause.seq() + " over: ignored, the release moved on");
                return;
            }
            note("pause over");
            shift(draft.step + 1);
        }

        private void abandoned(TaskAbandoned abandoned) {
            if (draft.status.isTerminal()) {
                refuse(abandoned.kind() + " abandoned after the release ended: " + abandoned.error());
                return;
            }
            fail("internal error in " + abandoned.kind() + ": " + abandoned.error());
        }
    }
}
