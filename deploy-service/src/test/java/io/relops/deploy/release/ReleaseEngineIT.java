package io.relops.deploy.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.relops.common.audit.Keys;
import io.relops.common.codec.EventSignature;
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
import io.relops.common.security.EventAuthority;
import io.relops.deploy.DeployServiceApplication;
import io.relops.deploy.targets.BarrierTarget;
import io.relops.deploy.targets.RecordingTarget;
import io.relops.testkit.DeadLetters;
import io.relops.testkit.EventStream;
import io.relops.testkit.Postgres;
import io.relops.testkit.ReleaseDriver;
import io.relops.testkit.RelopsTopics;
import io.relops.testkit.TestCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * deploy-service's release engine against a real Kafka broker and a real PostgreSQL, with the
 * {@link RecordingTarget}: the test plays the other services (healthcheck, backup, gateway) by
 * publishing their events, and asserts the events deploy-service emits, the state it keeps and every
 * call it makes to the target.
 */
class ReleaseEngineIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final RelopsTopics TOPICS = RelopsTopics.unique("it");
    private static final String RELEASE = TOPICS.release();
    private static final String HEALTH = TOPICS.health();
    private static final String BACKUP = TOPICS.backup();
    private static final String DATABASE = Postgres.freshDatabase("deploy_it");

    private static final String SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static final BlackHole BLACK_HOLE = BlackHole.open();

    private static ConfigurableApplicationContext deploy;
    private static EventStream events;
    private static ReleaseDriver releases;

    @BeforeAll
    static void start() {
        events = EventStream.watching(RELEASE, HEALTH, BACKUP);
        releases = new ReleaseDriver(events, TOPICS, "prod", WAIT);
        deploy = startDeployService();
    }

    @AfterAll
    static void stop() {
        if (deploy != null) {
            deploy.close();
        }
        if (events != null) {
            events.close();
        }
        BLACK_HOLE.close();
    }

    /** Applications {@code wide-1} … {@code wide-50}, on the {@link BarrierTarget}. */
    private static final int WIDE = 50;

    static ConfigurableApplicationContext startDeployService() {
        List<String> args = new ArrayList<>(List.of(
                "--RELOPS_CATALOG=src/test/resources/it-catalog.yml",
                "--RELOPS_DATA_DIR=target/it-data",
                "--relops.deploy.task-poll-interval=100ms",
                "--it.black-hole-url=" + BLACK_HOLE.url()));
        for (int i = 1; i <= WIDE; i++) {
            args.add("--relops.applications.wide-" + i + ".target.type=barrier");
            args.add("--relops.applications.wide-" + i + ".environments.prod.approval.required=false");
        }
        return new SpringApplicationBuilder(DeployServiceApplication.class)
                .run(TOPICS.serviceArgs(DATABASE, args.toArray(String[]::new)));
    }

    @Test
    void releasesBlueGreenAndStopsThePreviousSlotAfterItsKeepTime() {
        releases.establish("bg-ok", "1.0.0");
        UUID second = request("bg-ok", "1.1.0");
        DeploymentReady ready = awaitReady(second);
        assertThat(ready.slot()).isEqualTo("green");
        releases.verify(ready);

        ReleaseCompleted completed = awaitCompleted(second);
        assertThat(completed.previousVersion()).isEqualTo("1.0.0");
        TrafficShifted shifted = events.await(
                        TrafficShifted.class, e -> e.releaseId().equals(second), WAIT)
                .data();
        assertThat(shifted.weight()).isEqualTo(100);
        assertThat(shifted.slot()).isEqualTo("green");
        await().atMost(WAIT).until(() -> RecordingTarget.calls("bg-ok").contains("stop blue"));
        assertThat(RecordingTarget.calls("bg-ok"))
                .containsExactly(
                        "deploy blue 1.0.0", "route blue=100", "deploy green 1.1.0", "route green=100", "stop blue");
        assertThat(status(second)).isEqualTo(ReleaseStatus.COMPLETED);
    }

    @Test
    void promotesACanaryThroughThreeVerifiedSteps() {
        releases.establish("canary-ok", "1.0.0");

        UUID canary = request("canary-ok", "2.0.0");
        releases.verify(awaitReady(canary));
        for (int step = 1; step <= 3; step++) {
            TrafficShifted shifted = awaitShift(canary, step);
            assertThat(shifted.weight()).isEqualTo(List.of(10, 50, 100).get(step - 1));
            releases.verify(shifted);
        }
        awaitCompleted(canary);
        await().atMost(WAIT).until(() -> RecordingTarget.calls("canary-ok").contains("stop blue"));
        assertThat(RecordingTarget.calls("canary-ok"))
                .containsExactly(
                        "deploy blue 1.0.0",
                        "route blue=100",
                        "deploy green 2.0.0",
                        "route blue=90,green=10",
                        "route blue=50,green=50",
                        "route green=100",
                        "stop blue");
    }

    @Test
    void rollsBackToTheStableVersionWhenACanaryStepFails() {
        releases.establish("canary-fail", "1.0.0");

        UUID canary = request("canary-fail", "2.0.0");
        releases.verify(awaitReady(canary));
        releases.verify(awaitShift(canary, 1));
        TrafficShifted second = awaitShift(canary, 2);
        publish(
                HEALTH,
                new HealthFailed(
                        canary,
                        "canary-fail",
                        "prod",
                        "2.0.0",
                        second.slot(),
                        2,
                        "error rate 12% > 5%",
                        ReleaseDriver.evidence(false)));

        RollbackCompleted rollback = events.await(
                        RollbackCompleted.class, e -> e.releaseId().equals(canary), WAIT)
                .data();
        assertThat(rollback.restoredVersion()).isEqualTo("1.0.0");
        assertThat(rollback.failedVersion()).isEqualTo("2.0.0");
        assertThat(rollback.reason()).contains("step 2").contains("error rate 12% > 5%");
        assertThat(status(canary)).isEqualTo(ReleaseStatus.ROLLED_BACK);
        await().atMost(WAIT).until(() -> RecordingTarget.calls("canary-fail").contains("stop green"));
        assertThat(RecordingTarget.calls("canary-fail"))
                .containsExactly(
                        "deploy blue 1.0.0",
                        "route blue=100",
                        "deploy green 2.0.0",
                        "route blue=90,green=10",
                        "route blue=50,green=50",
                        "route blue=100",
                        "stop green");
        assertThat(events.all(ReleaseCompleted.class, e -> e.releaseId().equals(canary)))
                .isEmpty();
    }

    @Test
    void pausesACanaryStepWhoseVerificationIsInconclusiveUntilAnOperatorPromotesIt() {
        releases.establish("canary-inconclusive", "1.0.0");
        UUID canary = request("canary-inconclusive", "2.0.0");
        releases.verify(awaitReady(canary));

        releases.inconclusive(
                awaitShift(canary, 1), "metric 'error-rate': 5 consecutive errors; Prometheus unreachable");
        await().atMost(WAIT).until(() -> release(canary).paused());
        assertThat(status(canary)).as("not rolled back, not failed").isEqualTo(ReleaseStatus.PROMOTING);
        assertThat(RecordingTarget.calls("canary-inconclusive"))
                .as("traffic stays at step 1")
                .endsWith("route blue=90,green=10");

        act(RELEASE, new ReleasePromotionRequested(canary, "canary-inconclusive", "carol"), "operator");
        releases.verify(awaitShift(canary, 2));
        releases.verify(awaitShift(canary, 3));
        awaitCompleted(canary);
    }

    @Test
    void waitsForPromotionThenPausesForATimeAndAbortsOnRequest() {
        releases.establish("canary-paused", "1.0.0");

        UUID promoted = request("canary-paused", "2.0.0");
        releases.verify(awaitReady(promoted));
        releases.verify(awaitShift(promoted, 1));
        await().atMost(WAIT).until(() -> release(promoted).paused());
        assertThat(events.all(TrafficShifted.class, e -> e.releaseId().equals(promoted)))
                .hasSize(1);
        act(RELEASE, new ReleasePromotionRequested(promoted, "canary-paused", "carol"), "operator");
        releases.verify(awaitShift(promoted, 2)); // then a timed pause of 300 ms, and the final step
        releases.verify(awaitShift(promoted, 3));
        awaitCompleted(promoted);

        UUID aborted = request("canary-paused", "3.0.0");
        releases.verify(awaitReady(aborted));
        TrafficShifted first = awaitShift(aborted, 1);
        releases.verify(first);
        await().atMost(WAIT).until(() -> release(aborted).paused());
        act(RELEASE, new ReleaseAbortRequested(aborted, "canary-paused", "carol", "wrong build"), "operator");

        events.await(RollbackCompleted.class, e -> e.releaseId().equals(aborted), WAIT);
        await().atMost(WAIT).until(() -> status(aborted) == ReleaseStatus.ABORTED);
        assertThat(release(aborted).reason()).contains("aborted by carol: wrong build");
        List<String> calls = RecordingTarget.calls("canary-paused");
        assertThat(calls.subList(calls.indexOf("deploy " + first.slot() + " 3.0.0"), calls.size()))
                .startsWith(
                        "deploy " + first.slot() + " 3.0.0",
                        "route " + release(aborted).stableSlot() + "=80," + first.slot() + "=20",
                        "route " + release(aborted).stableSlot() + "=100");
    }

    @Test
    void deadLettersForgedUnsignedAndUnauthorisedActionsWithTheReasonAndChangesNothing() {
        UUID gated = request("guarded", "1.0.0");
        await().atMost(WAIT).until(() -> status(gated) == ReleaseStatus.AWAITING_APPROVAL);
        KeyPair forger = Keys.generate();
        try (DeadLetters dead = DeadLetters.of(RELEASE, "deploy-service")) {
            RelopsEvent<ReleaseApproved> unsigned =
                    RelopsEvent.of(ReleaseDriver.SOURCE, new ReleaseApproved(gated, "guarded", "bob", "trust me"));
            events.publish(RELEASE, unsigned);
            assertThat(dead.awaitReason(unsigned.id(), WAIT)).contains("refused", "not signed by the gateway");

            RelopsEvent<ReleaseApproved> forged =
                    RelopsEvent.of(ReleaseDriver.SOURCE, new ReleaseApproved(gated, "guarded", "bob", "forged"));
            events.publish(
                    RELEASE,
                    forged,
                    EventAuthority.sign(forged, List.of("admin"), TestCredentials.EVENT_KEY_ID, forger.getPrivate()));
            assertThat(dead.awaitReason(forged.id(), WAIT)).contains("signature does not verify");

            // signed by the gateway, for a caller whose role may not approve releases of guarded to prod
            RelopsEvent<EventData> wrongRole =
                    releases.act(RELEASE, new ReleaseApproved(gated, "guarded", "bob", "ok"), "approver", "operator");
            assertThat(dead.awaitReason(wrongRole.id(), WAIT)).contains("needs one of [admin, release-manager]");

            UUID live = releases.establish("guarded-live", "1.0.0");
            RelopsEvent<EventData> rollback =
                    releases.act(RELEASE, new RollbackRequested(live, "guarded-live", "bob", "x", true), "approver");
            assertThat(dead.awaitReason(rollback.id(), WAIT)).contains("needs one of [admin, operator]");
            assertThat(status(live)).isEqualTo(ReleaseStatus.COMPLETED);
        }
        assertThat(status(gated)).isEqualTo(ReleaseStatus.AWAITING_APPROVAL);
        assertThat(release(gated).approvedBy()).isNull();
        assertThat(RecordingTarget.calls("guarded")).isEmpty();
        assertThat(deploy.getBean(MeterRegistry.class).find("relops.events.refused").counters().stream()
                        .mapToDouble(Counter::count)
                        .sum())
                .isGreaterThanOrEqualTo(4);

        // the catalog's approver role, signed by the gateway: acted on
        act(RELEASE, new ReleaseApproved(gated, "guarded", "bob", "ok"), "release-manager");
        releases.verify(awaitReady(gated));
        awaitCompleted(gated);
        assertThat(release(gated).approvedBy()).isEqualTo("bob");
    }

    @Test
    void refusesSelfApprovalProceedsOnAnotherApproverAndEndsOnRejection() {
        UUID release = request("approvals", "1.0.0");
        await().atMost(WAIT).until(() -> status(release) == ReleaseStatus.AWAITING_APPROVAL);
        act(RELEASE, new ReleaseApproved(release, "approvals", "alice", "lgtm"), "approver");
        await().atMost(WAIT)
                .until(() -> history(release).stream().anyMatch(s -> s.message().contains("four-eyes")));
        assertThat(status(release)).isEqualTo(ReleaseStatus.AWAITING_APPROVAL);
        assertThat(RecordingTarget.calls("approvals")).isEmpty();

        act(RELEASE, new ReleaseApproved(release, "approvals", "bob", "ok"), "approver");
        releases.verify(awaitReady(release));
        awaitCompleted(release);
        assertThat(release(release).approvedBy()).isEqualTo("bob");

        UUID rejected = request("approvals", "1.1.0");
        await().atMost(WAIT).until(() -> status(rejected) == ReleaseStatus.AWAITING_APPROVAL);
        act(RELEASE, new ReleaseRejected(rejected, "approvals", "bob", "not during the sale"), "approver");
        await().atMost(WAIT).until(() -> status(rejected) == ReleaseStatus.REJECTED);
        assertThat(release(rejected).reason()).contains("rejected by bob: not during the sale");

        UUID expired = request("approvals", "1.2.0");
        await().atMost(WAIT).until(() -> status(expired) == ReleaseStatus.FAILED);
        assertThat(release(expired).reason()).contains("approval expired");
        assertThat(RecordingTarget.calls("approvals")).containsExactly("deploy blue 1.0.0", "route blue=100");
    }

    @Test
    void failsWithoutTouchingTheTargetWhenThePreDeployBackupFailsOrNeverComes() {
        UUID failed = request("backed-up", "1.0.0");
        await().atMost(WAIT).until(() -> status(failed) == ReleaseStatus.AWAITING_BACKUP);
        publish(
                BACKUP,
                new BackupFailed(
                        UUID.randomUUID(),
                        "backed-up",
                        failed,
                        "pg_dump: password authentication" + " failed for user \"shop\""));
        DeploymentFailed deploymentFailed = events.await(
                        DeploymentFailed.class, e -> e.releaseId().equals(failed), WAIT)
                .data();
        assertThat(deploymentFailed.reason()).contains("pre-deploy backup").contains("password authentication");
        assertThat(status(failed)).isEqualTo(ReleaseStatus.FAILED);

        UUID timedOut = request("backed-up", "1.0.1");
        await().atMost(WAIT).until(() -> status(timedOut) == ReleaseStatus.FAILED);
        assertThat(release(timedOut).reason()).contains("no pre-deploy backup within 3s");

        // the backup may even complete before deploy-service sees the request
        UUID early = UUID.randomUUID();
        UUID backup = UUID.randomUUID();
        publish(BACKUP, new BackupCompleted(backup, "backed-up", early, "file:///backups/1", 1024, SHA256, 40));
        publish(RELEASE, new ReleaseRequested(early, "backed-up", "1.0.2", "prod", null, "alice", null, null));
        releases.verify(awaitReady(early));
        awaitCompleted(early);
        assertThat(release(early).backupId()).isEqualTo(backup);
        assertThat(RecordingTarget.calls("backed-up")).containsExactly("deploy blue 1.0.2", "route blue=100");
    }

    @Test
    void failsAReleaseThatMakesNoProgressAndFreesTheApplication() {
        UUID stuck = request("slow", "1.0.0");
        awaitReady(stuck);
        await().atMost(WAIT).until(() -> status(stuck) == ReleaseStatus.FAILED);
        assertThat(release(stuck).reason()).contains("no progress in VERIFYING within 1s (progress deadline)");
        events.await(DeploymentFailed.class, e -> e.releaseId().equals(stuck), WAIT);
        await().atMost(WAIT).until(() -> RecordingTarget.calls("slow").contains("stop blue"));

        releases.establish("slow", "1.0.1");
    }

    @Test
    void aTargetThatNeverAnswersHoldsNoReleaseHostage() {
        long start = System.nanoTime();
        UUID hung = request("hanging", "1.0.0");
        await().atMost(Duration.ofSeconds(30)).until(() -> status(hung) == ReleaseStatus.FAILED);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        assertThat(release(hung).reason()).contains("no progress in DEPLOYING within 10s (progress deadline)");
        events.await(DeploymentFailed.class, e -> e.releaseId().equals(hung), WAIT);
        assertThat(BLACK_HOLE.connections())
                .as("the deploy call reached the target")
                .isGreaterThanOrEqualTo(1);
        await().atMost(WAIT)
                .until(() -> history(hung).stream()
                        .anyMatch(step -> step.message().startsWith("late outcome of DEPLOY on slot blue ignored")));

        // the next release of the application is not blocked, and an abort ends it at once
        UUID aborted = request("hanging", "1.0.1");
        await().atMost(WAIT).until(() -> status(aborted) == ReleaseStatus.DEPLOYING);
        await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
        act(RELEASE, new ReleaseAbortRequested(aborted, "hanging", "carol", "stuck"), "operator");
        long abortedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> status(aborted) == ReleaseStatus.ABORTED);
        assertThat(Duration.ofNanos(System.nanoTime() - abortedAt)).isLessThan(Duration.ofSeconds(10));
        assertThat(release(aborted).reason()).contains("aborted by carol: stuck");
    }

    @Test
    void fiftyApplicationsDeployAtOnceWhateverThePoolSize() {
        int pool = deploy.getEnvironment()
                .getRequiredProperty("spring.datasource.hikari.maximum-pool-size", Integer.class);
        assertThat(pool).as("more releases than connections").isLessThan(WIDE);
        BarrierTarget.arm(WIDE);
        List<UUID> wide = new ArrayList<>();
        for (int i = 1; i <= WIDE; i++) {
            wide.add(request("wide-" + i, "1.0.0"));
        }
        for (UUID release : wide) {
            awaitReady(release);
        }
        assertThat(BarrierTarget.maxInFlight()).isEqualTo(WIDE);
        assertThat(wide).allSatisfy(release -> assertThat(status(release)).isEqualTo(ReleaseStatus.VERIFYING));
    }

    @Test
    void refusesASecondReleaseInProgressUnlessItSupersedes() {
        UUID first = request("bg-busy", "1.0.0");
        awaitReady(first);
        UUID second = request("bg-busy", "1.0.1");
        DeploymentFailed refused = events.await(
                        DeploymentFailed.class, e -> e.releaseId().equals(second), WAIT)
                .data();
        assertThat(refused.reason()).contains("already in progress").contains(first.toString());
        assertThat(status(first)).isEqualTo(ReleaseStatus.VERIFYING);

        UUID third = UUID.randomUUID();
        publish(RELEASE, new ReleaseRequested(third, "bg-busy", "1.0.2", "prod", null, "bob", null, true));
        releases.verify(awaitReady(third));
        awaitCompleted(third);
        assertThat(status(first)).isEqualTo(ReleaseStatus.ABORTED);
        assertThat(release(first).reason()).contains("superseded by release " + third);
    }

    @Test
    void rollsBackACompletedReleaseOnRequestAndWithinItsWatchWindow() {
        releases.establish("bg-rollback", "1.0.0");
        UUID second = releases.establish("bg-rollback", "2.0.0");

        act(RELEASE, new RollbackRequested(second, "bg-rollback", "dave", "checkout errors", false), "operator");
        RollbackCompleted rollback = events.await(
                        RollbackCompleted.class, e -> e.releaseId().equals(second), WAIT)
                .data();
        assertThat(rollback.restoredVersion()).isEqualTo("1.0.0");
        assertThat(status(second)).isEqualTo(ReleaseStatus.ROLLED_BACK);
        List<String> routes = RecordingTarget.calls("bg-rollback").stream()
                .filter(call -> call.startsWith("route"))
                .toList();
        assertThat(routes).containsExactly("route blue=100", "route green=100", "route blue=100");

        // the first release is live again; a health failure in the watch window of a new one rolls it back
        UUID third = releases.establish("bg-watch", "1.0.0");
        UUID fourth = releases.establish("bg-watch", "2.0.0");
        publish(
                HEALTH,
                new HealthFailed(
                        fourth,
                        "bg-watch",
                        "prod",
                        "2.0.0",
                        "green",
                        null,
                        "health returned 503",
                        ReleaseDriver.evidence(false)));
        assertThat(events.await(RollbackCompleted.class, e -> e.releaseId().equals(fourth), WAIT)
                        .data()
                        .restoredVersion())
                .isEqualTo("1.0.0");

        // nothing to roll back to before the first release
        act(RELEASE, new RollbackRequested(third, "bg-watch", "dave", null, false), "operator");
        assertThat(events.await(RollbackFailed.class, e -> e.releaseId().equals(third), WAIT)
                        .data()
                        .reason())
                .contains("no previous version");
    }

    @Test
    void anEmergencyRollbackPreemptsAReleaseInProgress() {
        releases.establish("bg-emergency", "1.0.0");
        UUID second = releases.establish("bg-emergency", "2.0.0");
        UUID third = request("bg-emergency", "3.0.0");
        awaitReady(third);

        act(RELEASE, new RollbackRequested(second, "bg-emergency", "dave", "data corruption", true), "operator");
        RollbackCompleted rollback = events.await(
                        RollbackCompleted.class, e -> e.releaseId().equals(second), WAIT)
                .data();
        assertThat(rollback.restoredVersion()).isEqualTo("1.0.0");
        assertThat(status(third)).isEqualTo(ReleaseStatus.ABORTED);
        await().atMost(WAIT).until(() -> status(second) == ReleaseStatus.ROLLED_BACK);
    }

    @Test
    void failsAReleaseWhoseDeployFailsAndLeavesTheLiveVersionServing() {
        RecordingTarget.failing().add("9.9.9-crash");
        releases.establish("bg-broken", "1.0.0");
        UUID broken = request("bg-broken", "9.9.9-crash");
        DeploymentFailed failed = events.await(
                        DeploymentFailed.class, e -> e.releaseId().equals(broken), WAIT)
                .data();
        assertThat(failed.reason()).contains("exited with code 1");
        assertThat(status(broken)).isEqualTo(ReleaseStatus.FAILED);
        assertThat(RecordingTarget.calls("bg-broken")).doesNotContain("route green=100");
    }

    @Test
    void changesNothingWhenEveryConsumedEventIsDeliveredTwice() {
        RelopsEvent<ReleaseRequested> request = RelopsEvent.of(
                ReleaseDriver.SOURCE,
                new ReleaseRequested(UUID.randomUUID(), "bg-dup", "1.0.0", "prod", null, "alice", null, null));
        UUID id = request.data().releaseId();
        events.publish(RELEASE, request);
        events.publish(RELEASE, request);
        DeploymentReady ready = awaitReady(id);
        RelopsEvent<HealthVerified> verified = RelopsEvent.of(
                ReleaseDriver.SOURCE,
                new HealthVerified(id, "bg-dup", "prod", "1.0.0", ready.slot(), null, ReleaseDriver.evidence(true)));
        events.publish(HEALTH, verified);
        events.publish(HEALTH, verified);
        awaitCompleted(id);
        RelopsEvent<RollbackRequested> rollback =
                RelopsEvent.of(ReleaseDriver.SOURCE, new RollbackRequested(id, "bg-dup", "dave", null, false));
        EventSignature signed = TestCredentials.sign(rollback, "operator");
        events.publish(RELEASE, rollback, signed);
        events.publish(RELEASE, rollback, signed);
        events.await(RollbackFailed.class, e -> e.releaseId().equals(id), WAIT);
        // a marker after the duplicates: once it is handled, so are they
        UUID marker = request("bg-dup", "1.0.1");
        awaitReady(marker);

        for (Class<? extends EventData> type : List.of(
                DeploymentStarted.class,
                DeploymentReady.class,
                TrafficShifted.class,
                ReleaseCompleted.class,
                RollbackFailed.class)) {
            assertThat(events.all(type, e -> true).stream()
                            .filter(e -> id.equals(e.releaseId()))
                            .toList())
                    .as(type.getSimpleName())
                    .hasSize(1);
        }
        assertThat(RecordingTarget.calls("bg-dup"))
                .startsWith("deploy blue 1.0.0", "route blue=100", "deploy green" + " 1.0.1");
    }

    @Test
    void completesAReleaseExactlyOnceAcrossARestartOfDeployService() {
        UUID id = request("bg-restart", "1.0.0");
        DeploymentReady ready = awaitReady(id);
        deploy.close();
        deploy = startDeployService();
        releases.verify(ready);
        awaitCompleted(id);
        UUID next = request("bg-restart", "1.1.0");
        DeploymentReady nextReady = awaitReady(next);
        deploy.close();
        deploy = startDeployService();
        releases.verify(nextReady);
        awaitCompleted(next);
        await().atMost(WAIT).until(() -> RecordingTarget.calls("bg-restart").contains("stop blue"));
        assertThat(RecordingTarget.calls("bg-restart"))
                .containsExactly(
                        "deploy blue 1.0.0", "route blue=100", "deploy green 1.1.0", "route green=100", "stop blue");
        assertThat(events.all(ReleaseCompleted.class, e -> e.application().equals("bg-restart")))
                .hasSize(2);
    }

    @Test
    void movesAnOutboxRowThatIsNoValidEventAsideAndPublishesTheRest() {
        JdbcClient jdbc = deploy.getBean(JdbcClient.class);
        jdbc.sql("insert into outbox_event (event_id, event_type, subject, event) values (?, ?, ?, ?)")
                .params(
                        "poison-" + UUID.randomUUID(),
                        "io.relops.release.completed",
                        "bg-outbox",
                        "{\"specversion\":".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .update();

        releases.establish("bg-outbox", "1.0.0");

        List<String> reasons = jdbc.sql("select reason from outbox_rejected where event_id like 'poison-%'")
                .query(String.class)
                .list();
        assertThat(reasons).singleElement().asString().contains("not a valid CloudEvent");
    }

    // ------------------------------------------------------------------ helpers

    /** A TCP server that accepts every connection and never answers: a target system that hangs. */
    private record BlackHole(ServerSocket socket, List<Socket> accepted) implements AutoCloseable {

        static BlackHole open() {
            try {
                BlackHole hole = new BlackHole(
                        new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), new CopyOnWriteArrayList<>());
                Thread acceptor = new Thread(hole::accept, "black-hole");
                acceptor.setDaemon(true);
                acceptor.start();
                return hole;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    accepted.add(socket.accept());
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/deploy";
        }

        int connections() {
            return accepted.size();
        }

        @Override
        public void close() {
            try {
                socket.close();
                for (Socket s : accepted) {
                    s.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static UUID request(String application, String version) {
        return releases.request(application, version);
    }

    private static void publish(String topic, EventData data) {
        releases.publish(topic, data);
    }

    /** An operator's action, signed as the gateway signs it for a caller with {@code roles}. */
    private static void act(String topic, EventData data, String... roles) {
        releases.act(topic, data, roles);
    }

    private static DeploymentReady awaitReady(UUID release) {
        return releases.awaitReady(release);
    }

    private static TrafficShifted awaitShift(UUID release, int step) {
        return releases.awaitShift(release, step);
    }

    private static ReleaseCompleted awaitCompleted(UUID release) {
        return releases.awaitCompleted(release);
    }

    private static Release release(UUID id) {
        return deploy.getBean(ReleaseRepository.class).find(id).orElseThrow();
    }

    private static @Nullable ReleaseStatus status(UUID id) {
        return deploy.getBean(ReleaseRepository.class)
                .find(id)
                .map(Release::status)
                .orElse(null);
    }

    private static List<ReleaseStep> history(UUID id) {
        return deploy.getBean(ReleaseRepository.class).history(id);
    }
}
