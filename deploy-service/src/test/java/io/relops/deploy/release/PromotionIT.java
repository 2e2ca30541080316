package io.relops.deploy.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relops.common.event.DeploymentFailed;
import io.relops.common.event.DeploymentStarted;
import io.relops.common.event.ReleaseApproved;
import io.relops.common.event.RollbackRequested;
import io.relops.common.release.ReleaseStatus;
import io.relops.deploy.DeployServiceApplication;
import io.relops.deploy.targets.RecordingTarget;
import io.relops.testkit.EventStream;
import io.relops.testkit.Postgres;
import io.relops.testkit.ReleaseDriver;
import io.relops.testkit.RelopsTopics;
import io.relops.testkit.TestCredentials;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;

/**
 * Promotion from staging to production (catalog {@code promotion: {from: staging}}) against a real broker and
 * PostgreSQL: production refuses a version that never completed in staging or was rolled back there, takes a staged
 * one after a four-eyes approval and records where it came from, and honours the soak time; the applications API
 * shows the same.
 */
class PromotionIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final RelopsTopics TOPICS = RelopsTopics.unique("promo");
    private static final String DATABASE = Postgres.freshDatabase("deploy_promo");

    private static ConfigurableApplicationContext deploy;
    private static EventStream events;
    private static ReleaseDriver staging;
    private static ReleaseDriver production;
    private static RestClient api;

    @BeforeAll
    static void start() {
        events = EventStream.watching(TOPICS.release(), TOPICS.health(), TOPICS.backup());
        staging = new ReleaseDriver(events, TOPICS, "staging", WAIT);
        production = new ReleaseDriver(events, TOPICS, "production", WAIT);
        deploy = new SpringApplicationBuilder(DeployServiceApplication.class)
                .run(TOPICS.serviceArgs(
                        DATABASE,
                        "--RELOPS_CATALOG=src/test/resources/promotion-catalog.yml",
                        "--RELOPS_DATA_DIR=target/promotion-data",
                        "--relops.deploy.task-poll-interval=100ms"));
        api = RestClient.builder()
                .baseUrl("http://localhost:" + deploy.getEnvironment().getProperty("local.server.port"))
                .defaultHeader("Authorization", TestCredentials.bearer("auditor"))
                .build();
    }

    @AfterAll
    static void stop() {
        if (deploy != null) {
            deploy.close();
        }
        if (events != null) {
            events.close();
        }
    }

    @Test
    void productionRefusesAnUnstagedVersionAndTakesAStagedOneAfterFourEyesApproval() {
        UUID unstaged = production.request("promo-app", "1.0.0");
        DeploymentFailed refused = events.await(
                        DeploymentFailed.class, e -> e.releaseId().equals(unstaged), WAIT)
                .data();
        assertThat(refused.reason())
                .isEqualTo("promotion to production refused: promo-app 1.0.0 has not completed in staging"
                        + " (production takes only versions released to staging first)");
        assertThat(refused.refused()).as("a refusal, not a failed deployment").isTrue();
        assertThat(release(unstaged).status()).isEqualTo(ReleaseStatus.REJECTED);
        assertThat(release(unstaged).reason()).isEqualTo(refused.reason());

        UUID staged = staging.establish("promo-app", "1.0.0");
        JsonNode ready = api.get()
                .uri("/api/applications/promo-app/environments/production/promotion?version=1.0.0")
                .retrieve()
                .body(JsonNode.class);
        assertThat(ready.path("ready").asBoolean()).isTrue();
        assertThat(ready.path("sourceRelease").asString()).isEqualTo(staged.toString());
        assertThat(ready.path("approvalRequired").asBoolean()).isTrue();

        UUID promoted = production.request("promo-app", "1.0.0"); // requested by alice
        await().atMost(WAIT).until(() -> status(promoted) == ReleaseStatus.AWAITING_APPROVAL);
        assertThat(release(promoted).promotedFrom()).isEqualTo(staged);

        production.act(TOPICS.release(), new ReleaseApproved(promoted, "promo-app", "alice", "mine"), "approver");
        production.act(TOPICS.release(), new ReleaseApproved(promoted, "promo-app", "bob", "ok"), "approver");
        DeploymentStarted started = events.await(
                        DeploymentStarted.class, e -> e.releaseId().equals(promoted), WAIT)
                .data();
        assertThat(started.promotedFrom()).isEqualTo(staged);
        production.verify(production.awaitReady(promoted));
        production.awaitCompleted(promoted);
        assertThat(release(promoted).approvedBy())
                .as("four-eyes: not the requester")
                .isEqualTo("bob");

        JsonNode app = api.get().uri("/api/applications/promo-app").retrieve().body(JsonNode.class);
        JsonNode prod = app.path("environments").get(1);
        assertThat(prod.path("environment").asString()).isEqualTo("production");
        assertThat(prod.path("liveVersion").asString()).isEqualTo("1.0.0");
        assertThat(prod.path("lastRelease").path("releaseId").asString()).isEqualTo(promoted.toString());
        assertThat(prod.path("lastRelease").path("status").asString()).isEqualTo("COMPLETED");
        assertThat(prod.path("promotion").path("candidateVersion").asString()).isEqualTo("1.0.0");
        assertThat(prod.path("promotion").path("ready").asBoolean()).isTrue();
        JsonNode detail =
                api.get().uri("/api/releases/{id}", promoted).retrieve().body(JsonNode.class);
        assertThat(detail.path("promotedFrom").asString()).isEqualTo(staged.toString());
    }

    @Test
    void aVersionRolledBackInStagingCannotBePromoted() {
        staging.establish("promo-app", "2.0.0");
        UUID rolledBack = staging.establish("promo-app", "2.1.0");
        staging.act(TOPICS.release(), new RollbackRequested(rolledBack, "promo-app", "bob", "bad", false), "operator");
        await().atMost(WAIT).until(() -> status(rolledBack) == ReleaseStatus.ROLLED_BACK);

        JsonNode app = api.get().uri("/api/applications/promo-app").retrieve().body(JsonNode.class);
        JsonNode promotion = app.path("environments").get(1).path("promotion");
        assertThat(promotion.path("candidateVersion").asString())
                .as("staging runs 2.0.0 again")
                .isEqualTo("2.0.0");

        UUID refused = production.request("promo-app", "2.1.0");
        await().atMost(WAIT).until(() -> status(refused) == ReleaseStatus.REJECTED);
        assertThat(release(refused).reason())
                .startsWith("promotion to production refused: promo-app 2.1.0 was rolled back in staging at ");
        assertThat(events.all(DeploymentStarted.class, e -> e.releaseId().equals(refused)))
                .isEmpty();
    }

    @Test
    void anApprovalAfterStagingRolledTheVersionBackRejectsTheProductionReleaseAndDeploysNothing() {
        staging.establish("late-app", "2.9.0");
        UUID staged = staging.establish("late-app", "3.0.0");
        UUID waiting = production.request("late-app", "3.0.0");
        await().atMost(WAIT).until(() -> status(waiting) == ReleaseStatus.AWAITING_APPROVAL);

        staging.act(TOPICS.release(), new RollbackRequested(staged, "late-app", "bob", "bad", false), "operator");
        await().atMost(WAIT).until(() -> status(staged) == ReleaseStatus.ROLLED_BACK);
        production.act(TOPICS.release(), new ReleaseApproved(waiting, "late-app", "bob", "ok"), "approver");

        DeploymentFailed refused = events.await(
                        DeploymentFailed.class, e -> e.releaseId().equals(waiting), WAIT)
                .data();
        assertThat(refused.refused()).isTrue();
        assertThat(refused.reason())
                .startsWith("promotion to production refused: late-app 3.0.0 was rolled back in staging at ")
                .contains("checked again before deploying, after the release was admitted and approved by bob");
        assertThat(release(waiting).status()).isEqualTo(ReleaseStatus.REJECTED);
        assertThat(release(waiting).slot()).isNull();
        assertThat(events.all(DeploymentStarted.class, e -> e.releaseId().equals(waiting)))
                .isEmpty();
        assertThat(RecordingTarget.calls("late-app"))
                .as("3.0.0 deployed once, to staging")
                .filteredOn(call -> call.startsWith("deploy ") && call.endsWith(" 3.0.0"))
                .hasSize(1);
    }

    @Test
    void aVersionWhoseRollbackFailedInStagingCannotBePromotedThoughItStillServesThere() {
        staging.establish("guard-app", "5.0.0-old");
        UUID bad = staging.establish("guard-app", "5.1.0-bad");
        await().atMost(WAIT).until(() -> RecordingTarget.calls("guard-app").contains("stop blue"));
        RecordingTarget.failing().add("5.0.0-old"); // the previous version's slot is gone and will not come back
        try {
            staging.fail(staging.awaitShift(bad, 1), "503 after the release");
            await().atMost(WAIT)
                    .until(() -> deploy.getBean(ReleaseRepository.class).history(bad).stream()
                            .anyMatch(step -> step.message().startsWith("rollback failed: ")));
        } finally {
            RecordingTarget.failing().remove("5.0.0-old");
        }
        assertThat(status(bad)).as("the restore failed: 5.1.0-bad still serves").isEqualTo(ReleaseStatus.COMPLETED);

        UUID refused = production.request("guard-app", "5.1.0-bad");
        await().atMost(WAIT).until(() -> status(refused) == ReleaseStatus.REJECTED);
        assertThat(release(refused).reason())
                .startsWith(
                        "promotion to production refused: guard-app 5.1.0-bad had a rollback that failed in staging")
                .contains("release " + bad + ", now COMPLETED");
        JsonNode check = api.get()
                .uri("/api/applications/guard-app/environments/production/promotion?version=5.1.0-bad")
                .retrieve()
                .body(JsonNode.class);
        assertThat(check.path("ready").asBoolean()).isFalse();
        assertThat(check.path("missing").asString()).isEqualTo("rollback-failed");
    }

    @Test
    void honoursTheSoakTime() {
        UUID staged = staging.establish("soak-app", "1.0.0");

        UUID early = production.request("soak-app", "1.0.0");
        await().atMost(WAIT).until(() -> status(early) == ReleaseStatus.REJECTED);
        assertThat(release(early).reason())
                .startsWith("promotion to production refused: soak-app 1.0.0 completed in staging at ")
                .contains("must soak there 3s first");

        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> api.get()
                        .uri("/api/applications/soak-app/environments/production/promotion?version=1.0.0")
                        .retrieve()
                        .body(JsonNode.class)
                        .path("ready")
                        .asBoolean());
        UUID soaked = production.request("soak-app", "1.0.0");
        production.verify(production.awaitReady(soaked));
        production.awaitCompleted(soaked);
        assertThat(release(soaked).promotedFrom()).isEqualTo(staged);
    }

    private static Release release(UUID id) {
        return deploy.getBean(ReleaseRepository.class).find(id).orElseThrow();
    }

    private static ReleaseStatus status(UUID id) {
        return deploy.getBean(ReleaseRepository.class)
                .find(id)
                .map(Release::status)
                .orElse(null);
    }
}
