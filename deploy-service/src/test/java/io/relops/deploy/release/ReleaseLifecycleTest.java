package io.relops.deploy.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.relops.common.event.DeploymentFailed;
import io.relops.common.event.ReleaseRequested;
import io.relops.common.event.RollbackCompleted;
import io.relops.common.release.ReleaseStatus;
import io.relops.common.release.Strategy;
import io.relops.deploy.catalog.DeployCatalog.ApprovalSpec;
import io.relops.deploy.catalog.DeployCatalog.CanaryStep;
import io.relops.deploy.catalog.DeployCatalog.DeadlineSpec;
import io.relops.deploy.catalog.DeployCatalog.PromotionSpec;
import io.relops.deploy.release.Decision.Effect;
import io.relops.deploy.release.Decision.Purpose;
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
import io.relops.deploy.release.ReleaseRepository.BackupOutcome;
import io.relops.deploy.release.ReleaseTask.Kind;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link ReleaseLifecycle}: every status against every input, the transition table, and random runs. */
class ReleaseLifecycleTest {

    private static final OffsetDateTime T0 = OffsetDateTime.parse("2026-12-07T10:00:00Z");
    private static final DeadlineSpec DEADLINES = new DeadlineSpec(
            Duration.ofMinutes(10), Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMinutes(5));
    private static final List<CanaryStep> STEPS = List.of(
            new CanaryStep(10, null, false),
            new CanaryStep(50, Duration.ofSeconds(30), false),
            new CanaryStep(80, null, true));

    private static Policy policy(boolean approval, boolean backup) {
        return new Policy(
                new ApprovalSpec(approval, "approver", Duration.ofHours(1)),
                backup,
                DEADLINES,
                STEPS,
                Duration.ofMinutes(5),
                Duration.ofSeconds(60),
                Duration.ofSeconds(2),
                List.of("blue", "green"),
                null,
                false);
    }

    private static final Policy PLAIN = policy(false, false);

    private static final PromotionSpec FROM_STAGING = new PromotionSpec("staging", Duration.ZERO, true);

    /** The release's version completed in staging two hours ago and was rolled back there five minutes ago. */
    private static final Promotion LOST_PROMOTION = Promotion.check(
            "demo-app",
            "prod",
            FROM_STAGING,
            "2.0.0",
            new Promotion.Evidence(new Promotion.Completed(UUID.randomUUID(), T0.minusHours(2)), T0.minusMinutes(5)),
            T0);

    private static final Promotion STILL_PROMOTABLE = Promotion.check(
            "demo-app",
            "prod",
            FROM_STAGING,
            "2.0.0",
            new Promotion.Evidence(new Promotion.Completed(UUID.randomUUID(), T0.minusHours(2)), null),
            T0);

    /** A release of demo-app 2.0.0 replacing 1.0.0 on blue, in {@code status} with the fields that status has. */
    static Release in(ReleaseStatus status, Strategy strategy) {
        Release requested = Release.requested(
                new ReleaseRequested(UUID.randomUUID(), "demo-app", "2.0.0", "prod", null, "alice", null, null),
                strategy,
                Optional.of(new LiveVersion("demo-app", "prod", "1.0.0", "blue", "http://blue", UUID.randomUUID())),
                ReleaseStatus.REQUESTED,
                null,
                T0);
        Release.Draft draft = requested.draft();
        draft.status = status;
        draft.seq = 3;
        boolean deployed = switch (status) {
            case REQUESTED, AWAITING_APPROVAL, AWAITING_BACKUP -> false;
            default -> true;
        };
        if (deployed) {
            draft.slot = "green";
            draft.endpoint = status == ReleaseStatus.DEPLOYING ? null : "http://green";
        }
        if (status == ReleaseStatus.PROMOTING || status == ReleaseStatus.ROLLING_BACK) {
            draft.step = 1;
            draft.weight = 10;
        }
        if (status == ReleaseStatus.COMPLETED) {
            draft.step = 3;
            draft.weight = 100;
            draft.watchUntil = T0.plusMinutes(5);
        }
        if (status.isTerminal()) {
            draft.completedAt = T0;
        }
        return draft.build(T0);
    }

    /** One of every input, with the parameters a release in {@code status} would see. */
    static List<LifecycleInput> inputs() {
        BackupOutcome backup = new BackupOutcome(UUID.randomUUID(), true, "abc", null);
        return List.of(
                new Start(),
                new Approve("bob", "ok"),
                new Approve("alice", null),
                new Reject("bob", "not now"),
                new Promote("bob"),
                new Abort("bob", "wrong build", T0),
                new Rollback("bob", false, "errors", T0),
                new Rollback("bob", true, "errors", T0),
                new Supersede("superseded"),
                new BackupDone(backup),
                new HealthVerified(null, 2),
                new HealthVerified(1, 2),
                new HealthFailed("503", T0),
                new HealthInconclusive(null, "no data"),
                new HealthInconclusive(1, "marginal"),
                new Deployed("green", "2.0.0", "http://green"),
                new DeployFailed("green", "2.0.0", "exit 1"),
                new Shifted(1, 10),
                new ShiftFailed("router down"),
                new TrafficReturned(ReleaseStatus.ROLLED_BACK, "health failed", T0),
                new TrafficReturned(null, "superseded", T0),
                new ReturnFailed(ReleaseStatus.ABORTED, "router down"),
                new Restored("blue", "1.0.0", "http://blue", "rollback", T0),
                new RestoreFailed("image gone"),
                new Stopped("green"),
                new Late(Kind.DEPLOY, "green", true, "deployed"),
                new DeadlinePassed(3),
                new DeadlinePassed(2),
                new PauseOver(3),
                new TaskAbandoned(Kind.DEPLOY, "boom"));
    }

    static Stream<Arguments> everyStatusAndInput() {
        List<Arguments> cases = new ArrayList<>();
        for (ReleaseStatus status : ReleaseStatus.values()) {
            for (Strategy strategy : Strategy.values()) {
                for (LifecycleInput input : inputs()) {
                    cases.add(Arguments.of(status, strategy, input));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} + {2}")
    @MethodSource("everyStatusAndInput")
    void decidesEveryInputInEveryStatusWithinTheTable(ReleaseStatus status, Strategy strategy, LifecycleInput input) {
        Facts plain = new Facts(T0.plusSeconds(1), true, null, null, null);
        for (Facts facts : List.of(plain, plain.withPromotion(LOST_PROMOTION))) {
            decidesWithinTheTable(status, strategy, input, facts);
        }
    }

    private static void decidesWithinTheTable(
            ReleaseStatus status, Strategy strategy, LifecycleInput input, Facts facts) {
        Release release = in(status, strategy);
        Decision decision = ReleaseLifecycle.decide(release, input, PLAIN, facts);

        ReleaseStatus from = status;
        for (Decision.Entry entry : decision.timeline()) {
            if (entry.status() != from) {
                assertThat(ReleaseLifecycle.ALLOWED.get(from))
                        .as("%s -> %s", from, entry.status())
                        .contains(entry.status());
            }
            from = entry.status();
        }
        assertThat(decision.timeline())
                .allSatisfy(entry -> assertThat(entry.message()).isNotBlank());
        if (decision.refused()) {
            assertThat(decision.refusal()).isNotBlank();
            assertThat(decision.release().status())
                    .as("a refused input changes no status")
                    .isEqualTo(status);
            assertThat(decision.release().seq()).isEqualTo(release.seq());
            assertThat(decision.work())
                    .allSatisfy(work -> assertThat(work.task().kind()).isEqualTo(Kind.STOP));
        }
        if (status.isTerminal() && status != ReleaseStatus.COMPLETED) {
            assertThat(decision.release().status())
                    .as("an ended release stays ended")
                    .isEqualTo(status);
        }
        if (decision.release().status().isTerminal() && decision.release().status() != status) {
            assertThat(decision.release().completedAt()).isNotNull();
        }
        assertThat(decision.work())
                .allSatisfy(work -> assertThat(work.task().seq())
                        .isEqualTo(decision.release().seq()));
    }

    @ParameterizedTest
    @EnumSource(ReleaseStatus.class)
    void theTableHasARowForEveryStatusAndEndedReleasesGoNowhereButACompletedOneBack(ReleaseStatus status) {
        assertThat(ReleaseLifecycle.ALLOWED).containsKey(status);
        if (status.isTerminal()) {
            assertThat(ReleaseLifecycle.ALLOWED.get(status))
                    .isEqualTo(
                            status == ReleaseStatus.COMPLETED
                                    ? java.util.Set.of(ReleaseStatus.ROLLING_BACK)
                                    : java.util.Set.of());
        }
    }

    @Test
    void anApprovalAfterTheSourceEnvironmentRolledTheVersionBackRejectsTheReleaseAndDeploysNothing() {
        Facts facts = new Facts(T0.plusSeconds(1), false, null, null, null).withPromotion(LOST_PROMOTION);

        Decision decision = ReleaseLifecycle.decide(
                in(ReleaseStatus.AWAITING_APPROVAL, Strategy.BLUE_GREEN),
                new Approve("bob", "ok"),
                policy(true, false),
                facts);

        assertPromotionLost(decision);
        assertThat(decision.release().reason()).contains("approved by bob");
    }

    @Test
    void aBackupOutcomeAfterTheSourceEnvironmentRolledTheVersionBackRejectsTheReleaseAndDeploysNothing() {
        Facts facts = Facts.at(T0.plusSeconds(1)).withPromotion(LOST_PROMOTION);

        Decision decision = ReleaseLifecycle.decide(
                in(ReleaseStatus.AWAITING_BACKUP, Strategy.BLUE_GREEN),
                new BackupDone(new BackupOutcome(UUID.randomUUID(), true, "abc", null)),
                policy(false, true),
                facts);

        assertPromotionLost(decision);
    }

    @Test
    void anApprovalDeploysWhenTheVersionIsStillPromotable() {
        Facts facts = Facts.at(T0.plusSeconds(1)).withPromotion(STILL_PROMOTABLE);

        Decision decision = ReleaseLifecycle.decide(
                in(ReleaseStatus.AWAITING_APPROVAL, Strategy.BLUE_GREEN),
                new Approve("bob", "ok"),
                policy(true, false),
                facts);

        assertThat(decision.release().status()).isEqualTo(ReleaseStatus.DEPLOYING);
        assertThat(decision.work()).extracting(work -> work.task().kind()).contains(Kind.DEPLOY);
    }

    private static void assertPromotionLost(Decision decision) {
        assertThat(decision.release().status()).isEqualTo(ReleaseStatus.REJECTED);
        assertThat(decision.release().slot()).isNull();
        assertThat(decision.release().reason())
                .startsWith("promotion to prod refused: demo-app 2.0.0 was rolled back in staging at ")
                .contains("checked again before deploying");
        assertThat(decision.timeline())
                .last()
                .satisfies(entry -> assertThat(entry.message()).endsWith("; nothing was deployed"));
        assertThat(decision.work()).extracting(work -> work.task().kind()).doesNotContain(Kind.DEPLOY);
        assertThat(decision.emissions()).singleElement().satisfies(emission -> {
            assertThat(emission.purpose()).isEqualTo(Purpose.FAILED);
            DeploymentFailed failed = (DeploymentFailed) emission.data();
            assertThat(failed.refused()).isTrue();
            assertThat(failed.slot()).isNull();
            assertThat(failed.reason()).contains("rolled back in staging");
        });
        assertThat(decision.effects()).contains(new Effect.Outcome(Decision.ReleaseOutcome.REFUSED));
    }

    @Test
    void refusesSelfApprovalAndWaitsForAnotherApprover() {
        Decision decision =
                decide(in(ReleaseStatus.AWAITING_APPROVAL, Strategy.BLUE_GREEN), new Approve("alice", null));

        assertThat(decision.refusal()).contains("four-eyes");
        assertThat(decision.release().status()).isEqualTo(ReleaseStatus.AWAITING_APPROVAL);
    }

    @Test
    void aDeadlineWhileDeployingEndsTheReleaseAtOnceAndTearsTheSlotDown() {
        Decision decision = decide(in(ReleaseStatus.DEPLOYING, Strategy.BLUE_GREEN), new DeadlinePassed(3));

        assertThat(decision.release().status()).isEqualTo(ReleaseStatus.FAILED);
        assertThat(decision.release().reason()).contains("no progress in DEPLOYING within 10s (progress deadline)");
        assertThat(decision.work()).singleElement().satisfies(work -> {
            assertThat(work.task().kind()).isEqualTo(Kind.STOP);
            assertThat(work.task().slot()).isEqualTo("green");
        });
        assertThat(decision.emissions())
                .extracting(Decision.Emission::purpose)
                .containsExactly(Purpose.FAILED, Purpose.ROLLED_BACK);
    }

    @Test
    void anAbortAfterTrafficMovedReturnsItFirst() {
        Decision decision = decide(in(ReleaseStatus.PROMOTING, Strategy.CANARY), new Abort("bob", null, T0));

        assertThat(decision.release().status()).isEqualTo(ReleaseStatus.ROLLING_BACK);
        assertThat(decision.work())
                .extracting(work -> work.task().kind())
                .containsExactly(Kind.ROLLBACK, Kind.DEADLINE);

        Decision returned =
                decide(decision.release(), new TrafficReturned(ReleaseStatus.ABORTED, "aborted by bob", T0));
        assertThat(returned.release().status()).isEqualTo(ReleaseStatus.ABORTED);
        assertThat(returned.emissions())
                .singleElement()
                .satisfies(emission -> assertThat(emission.data()).isInstanceOf(RollbackCompleted.class));
    }

    @Test
    void aCanaryReachableByTheRoutersMatchHasTheRouterSetBackBeforeItsSlotStops() {
        Policy preview = new Policy(
                PLAIN.approval(),
                false,
                DEADLINES,
                STEPS,
                Duration.ofMinutes(5),
                Duration.ofSeconds(60),
                Duration.ofSeconds(2),
                List.of("blue", "green"),
                null,
                true);
        Facts facts = new Facts(T0.plusSeconds(1), true, null, null, null);
        Release verifying = in(ReleaseStatus.VERIFYING, Strategy.CANARY);

        Decision failed = ReleaseLifecycle.decide(verifying, new HealthFailed("503", T0), preview, facts);
        assertThat(failed.release().status()).isEqualTo(ReleaseStatus.ROLLING_BACK);
        assertThat(failed.work()).extracting(work -> work.task().kind()).containsExactly(Kind.ROLLBACK, Kind.DEADLINE);

        Decision withoutMatch = ReleaseLifecycle.decide(verifying, new HealthFailed("503", T0), PLAIN, facts);
        assertThat(withoutMatch.release().status())
                .as("without a match no request reached the canary: it ends at once")
                .isEqualTo(ReleaseStatus.ROLLED_BACK);
    }

    @Test
    void anInconclusiveVerdictPausesTheReleaseWhereItIsUntilAnOperatorPromotesOrAbortsIt() {
        Release verifying = in(ReleaseStatus.VERIFYING, Strategy.CANARY);

        Decision paused =
                decide(verifying, new HealthInconclusive(null, "metric 'error-rate': Prometheus unreachable"));
        assertThat(paused.release().status()).isEqualTo(ReleaseStatus.PROMOTING);
        assertThat(paused.release().step()).isZero();
        assertThat(paused.work())
                .as("no traffic moves, no slot stops, no deadline runs")
                .isEmpty();
        assertThat(paused.emissions()).isEmpty();
        assertThat(paused.timeline())
                .last()
                .satisfies(entry -> assertThat(entry.message())
                        .contains("health inconclusive at slot green: metric 'error-rate': Prometheus unreachable")
                        .contains("paused until an operator promotes or aborts it"));

        Decision promoted = decide(paused.release(), new Promote("bob"));
        assertThat(promoted.release().status()).isEqualTo(ReleaseStatus.PROMOTING);
        assertThat(promoted.work())
                .filteredOn(work -> work.task().kind() == Kind.SHIFT)
                .singleElement()
                .satisfies(work -> assertThat(work.task().step()).isEqualTo(1));

        Decision aborted = decide(paused.release(), new Abort("bob", "no data", T0));
        assertThat(aborted.release().status()).isEqualTo(ReleaseStatus.ABORTED);
        assertThat(aborted.work()).extracting(work -> work.task().kind()).containsExactly(Kind.STOP);

        Decision stale = decide(verifying, new HealthInconclusive(2, "marginal"));
        assertThat(stale.release().status()).as("a verdict for another step").isEqualTo(ReleaseStatus.VERIFYING);
    }

    @Test
    void anInconclusiveLastStepPromotedCompletesTheRelease() {
        Release.Draft draft = in(ReleaseStatus.VERIFYING, Strategy.CANARY).draft();
        draft.step = 4;
        draft.weight = 100;
        Decision paused = decide(draft.build(T0), new HealthInconclusive(4, "canary judge: score 80 (marginal)"));
        assertThat(paused.release().status()).isEqualTo(ReleaseStatus.PROMOTING);

        Decision promoted = decide(paused.release(), new Promote("bob"));
        assertThat(promoted.release().status()).isEqualTo(ReleaseStatus.COMPLETED);
        assertThat(promoted.emissions()).extracting(Decision.Emission::purpose).contains(Purpose.COMPLETED);
    }

    @Test
    void aLateDeployOutcomeIsRecordedAndItsSlotStopped() {
        Decision decision =
                decide(in(ReleaseStatus.FAILED, Strategy.BLUE_GREEN), new Late(Kind.DEPLOY, "green", true, "ready"));

        assertThat(decision.release().status()).isEqualTo(ReleaseStatus.FAILED);
        assertThat(decision.timeline())
                .singleElement()
                .satisfies(e -> assertThat(e.message()).contains("late outcome of DEPLOY on slot green ignored"));
        assertThat(decision.work()).extracting(work -> work.task().kind()).containsExactly(Kind.STOP);
    }

    @Test
    void anEmergencyRollbackPreemptsTheReleaseInProgress() {
        Release other = in(ReleaseStatus.VERIFYING, Strategy.BLUE_GREEN);
        Decision decision = ReleaseLifecycle.decide(
                in(ReleaseStatus.COMPLETED, Strategy.BLUE_GREEN),
                new Rollback("dave", true, null, T0),
                PLAIN,
                new Facts(T0, true, other, null, null));

        assertThat(decision.effects())
                .contains(new Effect.Preempt(
                        other.id(),
                        "preempted by the emergency rollback of release "
                                + decision.release().id()));
        assertThat(decision.release().status()).isEqualTo(ReleaseStatus.ROLLING_BACK);
    }

    // ------------------------------------------------------------------ random runs

    /**
     * 2,000 random runs, the engine's shell modelled: any operator action, verdict or backup outcome at any time;
     * outcomes only of calls a decision queued (late ones, after a transition cancelled them, as {@link Late});
     * timers as queued, current or stale. Then only timers fire. No run leaves the table, emits both a completion
     * and a failure or two rollbacks, or fails to end. (A canary paused until promoted has no timer by design: it
     * waits for a person, so there an operator aborts.)
     */
    @Test
    void randomRunsStayInTheTableEmitOneEndAndEndOnceTimersFire() {
        Random random = new Random(17);
        for (int run = 0; run < 2_000; run++) {
            Policy policy = policy(random.nextBoolean(), random.nextBoolean());
            Strategy strategy = random.nextBoolean() ? Strategy.BLUE_GREEN : Strategy.CANARY;
            Shell shell = new Shell(in(ReleaseStatus.REQUESTED, strategy), policy, random);
            shell.decide(new Start());
            for (int i = 0, n = random.nextInt(16); i < n; i++) {
                shell.decide(shell.randomInput());
            }
            for (int i = 0; i < 6 && !shell.release.status().isTerminal(); i++) {
                shell.decide(shell.nextTimer().orElse(new Abort("operator", "paused too long", T0)));
            }
            String trace = "run " + run + ": " + shell.trace;
            assertThat(shell.release.status().isTerminal()).as(trace).isTrue();
            long ends = shell.emitted(Purpose.COMPLETED) + shell.emitted(Purpose.FAILED);
            assertThat(ends).as(trace).isLessThanOrEqualTo(1);
            assertThat(shell.emitted(Purpose.ROLLED_BACK)).as(trace).isLessThanOrEqualTo(1);
        }
    }

    /** What {@link ReleaseEngine} and {@link TaskQueue} do around the lifecycle, in memory. */
    private static final class Shell {
        private final Policy policy;
        private final Random random;
        private Release release;
        private final List<ReleaseTask> queued = new ArrayList<>();
        private final List<ReleaseTask> cancelledInFlight = new ArrayList<>();
        private final List<Decision> decisions = new ArrayList<>();
        private final List<String> trace = new ArrayList<>();

        Shell(Release release, Policy policy, Random random) {
            this.release = release;
            this.policy = policy;
            this.random = random;
        }

        void decide(LifecycleInput input) {
            Facts facts = new Facts(
                    T0.plusSeconds(random.nextInt(600)),
                    random.nextBoolean(),
                    random.nextInt(4) == 0 ? in(ReleaseStatus.VERIFYING, Strategy.BLUE_GREEN) : null,
                    random.nextBoolean()
                            ? new BackupOutcome(UUID.randomUUID(), random.nextBoolean(), "abc", "disk full")
                            : null,
                    random.nextInt(4) == 0 ? LOST_PROMOTION : null);
            Decision[] decision = new Decision[1];
            assertThatCode(() -> decision[0] = ReleaseLifecycle.decide(release, input, policy, facts))
                    .as("%s + %s after %s", release.status(), input, trace)
                    .doesNotThrowAnyException();
            int seq = decision[0].release().seq();
            if (seq != release.seq()) { // TaskQueue.cancelStale
                for (ReleaseTask task : List.copyOf(queued)) {
                    boolean cleanUp =
                            task.kind() == Kind.STOP || (task.kind() == Kind.ROLLBACK && task.finalStatus() == null);
                    if (task.seq() < seq && !cleanUp) {
                        queued.remove(task);
                        if (task.isCall()) {
                            cancelledInFlight.add(task);
                        }
                    }
                }
            }
            decision[0].work().forEach(work -> queued.add(work.task()));
            decisions.add(decision[0]);
            trace.add(input.getClass().getSimpleName() + " -> "
                    + decision[0].release().status()
                    + decision[0].emissions().stream()
                            .map(Decision.Emission::purpose)
                            .toList());
            release = decision[0].release();
        }

        LifecycleInput randomInput() {
            int kind = random.nextInt(3);
            if (kind == 0 && !queued.isEmpty()) {
                ReleaseTask task = queued.remove(random.nextInt(queued.size()));
                return task.isCall() ? outcome(task, random.nextInt(4) > 0) : timer(task);
            }
            if (kind == 1 && !cancelledInFlight.isEmpty()) {
                ReleaseTask task = cancelledInFlight.remove(random.nextInt(cancelledInFlight.size()));
                return Late.of(task, outcome(task, random.nextBoolean()));
            }
            List<LifecycleInput> events = List.of(
                    new Approve("bob", "ok"),
                    new Approve("alice", null),
                    new Reject("bob", "not now"),
                    new Promote("bob"),
                    new Abort("bob", "wrong build", T0),
                    new Rollback("bob", false, "errors", T0),
                    new Rollback("bob", true, "errors", T0),
                    new Supersede("superseded"),
                    new BackupDone(new BackupOutcome(UUID.randomUUID(), random.nextBoolean(), "abc", "disk full")),
                    new HealthVerified(release.step() == 0 ? null : release.step(), 1),
                    new HealthVerified(random.nextInt(3), 1),
                    new HealthFailed("503", T0),
                    new DeadlinePassed(random.nextInt(release.seq() + 1)));
            return events.get(random.nextInt(events.size()));
        }

        Optional<LifecycleInput> nextTimer() {
            return queued.stream().filter(task -> !task.isCall()).findFirst().map(task -> {
                queued.remove(task);
                return timer(task);
            });
        }

        private LifecycleInput timer(ReleaseTask task) {
            return task.kind() == Kind.DEADLINE ? new DeadlinePassed(task.seq()) : new PauseOver(task.seq());
        }

        private LifecycleInput outcome(ReleaseTask task, boolean ok) {
            String slot = String.valueOf(task.slot());
            return switch (task.kind()) {
                case DEPLOY ->
                    ok
                            ? new Deployed(slot, String.valueOf(task.version()), "http://" + slot)
                            : new DeployFailed(slot, String.valueOf(task.version()), "exit 1");
                case SHIFT -> ok ? new Shifted(task.step(), task.weight()) : new ShiftFailed("router down");
                case ROLLBACK ->
                    ok
                            ? new TrafficReturned(task.finalStatus(), String.valueOf(task.reason()), T0)
                            : new ReturnFailed(task.finalStatus(), "router down");
                case RESTORE ->
                    ok
                            ? new Restored("blue", "1.0.0", "http://blue", String.valueOf(task.reason()), T0)
                            : new RestoreFailed("image gone");
                case STOP -> new Stopped(slot);
                case DEADLINE, RESUME -> timer(task);
            };
        }

        long emitted(Purpose purpose) {
            return decisions.stream()
                    .flatMap(d -> d.emissions().stream())
                    .filter(e -> e.purpose() == purpose)
                    .count();
        }
    }

    private static Decision decide(Release release, LifecycleInput input) {
        return ReleaseLifecycle.decide(release, input, PLAIN, new Facts(T0.plusSeconds(1), true, null, null, null));
    }
}
