package io.relops.healthcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.EventJson;
import io.relops.common.event.DeploymentReady;
import io.relops.common.event.HealthFailed;
import io.relops.common.event.HealthVerified;
import io.relops.common.event.ReleaseCompleted;
import io.relops.common.event.RollbackCompleted;
import io.relops.common.event.TrafficShifted;
import io.relops.testkit.EventStream;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import io.relops.testkit.TestCredentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * healthcheck-service against a real Kafka broker, a real PostgreSQL and real local HTTP servers:
 * the test plays deploy-service (publishes its events) and asserts the verdicts, their evidence, the
 * monitors' transitions and the API.
 */
class HealthcheckServiceIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String RELEASE = "it.release." + SUFFIX;
    private static final String HEALTH = "it.health." + SUFFIX;
    private static final URI DEPLOY = CloudEventCodec.sourceOf("deploy");

    private static TestEndpoints endpoints;
    private static EventStream events;
    private static ConfigurableApplicationContext service;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        endpoints = new TestEndpoints();
        events = EventStream.watching(HEALTH);
        service = startService(Postgres.freshDatabase("healthcheck_it"), RELEASE, HEALTH, "replica");
    }

    static ConfigurableApplicationContext startService(
            String database, String release, String health, String name, String... more) {
        return startWithCatalog("src/test/resources/it-catalog.yml", database, release, health, name, more);
    }

    /** healthcheck-service with the catalog {@code catalog} (a path relative to the module). */
    static ConfigurableApplicationContext startWithCatalog(
            String catalog, String database, String release, String health, String name, String... more) {
        Postgres.Server db = Postgres.server();
        List<String> args = new java.util.ArrayList<>(List.of(
                "--server.port=0",
                "--RELOPS_KAFKA_BOOTSTRAP=" + Kafka.bootstrapServers(),
                "--RELOPS_DB_URL=" + database,
                "--RELOPS_DB_USER=" + db.username(),
                "--RELOPS_DB_PASSWORD=" + db.password(),
                "--RELOPS_CATALOG=" + catalog,
                "--relops.topics.release=" + release,
                "--relops.topics.health=" + health,
                "--relops.outbox.sweep-interval=200ms",
                "--relops.health.monitor.refresh=300ms",
                "--relops.health.monitor.lease=3s",
                "--relops.health.monitor.instance-id=" + name));
        args.addAll(List.of(TestCredentials.args()));
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(HealthcheckServiceApplication.class).run(args.toArray(String[]::new));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        events.close();
        endpoints.close();
    }

    private static DeploymentReady ready(UUID release, String environment, String path) {
        return new DeploymentReady(release, "web", environment, "1.0.0", "green", endpoints.baseUrl() + path);
    }

    @Test
    void verifiesAReadySlotWithTheEvidenceOfEveryProbeRun() throws Exception {
        UUID release = UUID.randomUUID();
        events.publish(RELEASE, DEPLOY, ready(release, "verify", "/healthy"));

        HealthVerified verified = events.await(HealthVerified.class, e -> release.equals(e.releaseId()), WAIT)
                .data();
        assertThat(verified.slot()).isEqualTo("green");
        assertThat(verified.version()).isEqualTo("1.0.0");
        assertThat(verified.step()).isNull();
        assertThat(verified.results()).hasSize(2).allSatisfy(result -> {
            assertThat(result.probe()).isEqualTo("status");
            assertThat(result.passed()).isTrue();
            assertThat(result.value()).isEqualTo("200, $.status=UP");
            assertThat(result.threshold()).isEqualTo("status in [200], $.status == 'UP'");
        });

        JsonNode runs = get("/api/health/verifications?releaseId=" + release);
        assertThat(runs.size()).isEqualTo(1);
        assertThat(runs.get(0).path("status").asString()).isEqualTo("VERIFIED");
        assertThat(runs.get(0).path("trigger").asString()).isEqualTo("io.relops.deployment.ready");
        assertThat(runs.get(0).path("results").size()).isEqualTo(2);
        JsonNode one = get("/api/health/verifications/" + runs.get(0).path("id").asString());
        assertThat(one.path("reason").asString()).isEqualTo("2 consecutive passing rounds");
    }

    @Test
    void verifiesASlotOfAnEnvironmentWithThatEnvironmentsProbesAndPolicy() {
        UUID release = UUID.randomUUID();
        String path = "/healthy/strict-" + release;
        events.publish(RELEASE, DEPLOY, ready(release, "strict", path));

        HealthVerified verified = events.await(HealthVerified.class, e -> release.equals(e.releaseId()), WAIT)
                .data();
        assertThat(verified.environment()).isEqualTo("strict");
        assertThat(verified.results())
                .as("3 rounds (strict's successes) of strict's one probe, which replaces the application's")
                .hasSize(3)
                .allSatisfy(result -> {
                    assertThat(result.probe()).isEqualTo("ready");
                    assertThat(result.passed()).isTrue();
                });
        assertThat(endpoints.hits(path + "/ready")).isGreaterThanOrEqualTo(3);
        assertThat(endpoints.hits(path + "/status")).isZero();
    }

    @Test
    void neverRequestsAnEndpointOnAHostTheCatalogDoesNotAllowAndFailsNamingIt() {
        UUID release = UUID.randomUUID();
        // the same recording test server, named by an address "fenced" does not allow (it allows localhost only)
        events.publish(
                RELEASE,
                DEPLOY,
                new DeploymentReady(
                        release, "fenced", "verify", "1.0.0", "green", endpoints.baseUrl() + "/fenced?token=t0p"));

        HealthFailed failed = events.await(HealthFailed.class, e -> release.equals(e.releaseId()), WAIT)
                .data();
        assertThat(failed.reason())
                .contains("host '127.0.0.1'", "relops.applications.fenced.health.allowed-hosts")
                .doesNotContain("t0p");
        assertThat(failed.results()).isEmpty();
        assertThat(endpoints.hits("/fenced")).isZero();
    }

    @Test
    void failsAnUnhealthySlotWithItsEvidence() {
        UUID release = UUID.randomUUID();
        events.publish(RELEASE, DEPLOY, ready(release, "verify", "/unhealthy"));

        HealthFailed failed = events.await(HealthFailed.class, e -> release.equals(e.releaseId()), WAIT)
                .data();
        assertThat(failed.reason()).contains("2 consecutive failing rounds").contains("status 503, expected [200]");
        assertThat(failed.step()).isNull();
        assertThat(failed.results()).hasSize(2).allSatisfy(result -> {
            assertThat(result.passed()).isFalse();
            assertThat(result.value()).isEqualTo("503, $.status=DOWN");
            assertThat(result.error()).contains("/unhealthy/status");
        });
        assertThat(events.all(HealthVerified.class, e -> release.equals(e.releaseId())))
                .isEmpty();
    }

    @Test
    void failsASlotThatNeverAnswersOnItsTimeouts() {
        UUID release = UUID.randomUUID();
        events.publish(
                RELEASE,
                DEPLOY,
                new DeploymentReady(release, "web", "verify", "1.0.0", "blue", endpoints.neverAnswering()));

        HealthFailed failed = events.await(HealthFailed.class, e -> release.equals(e.releaseId()), WAIT)
                .data();
        assertThat(failed.reason()).contains("2 consecutive failing rounds");
        assertThat(failed.results()).hasSize(2).allSatisfy(result -> {
            assertThat(result.error()).containsIgnoringCase("timed out");
            assertThat(result.latencyMs()).isGreaterThanOrEqualTo(900);
        });
    }

    @Test
    void anInconclusiveProbeNeverPassesTheGateItFailsAtTheDeadlineSayingSo() {
        UUID release = UUID.randomUUID();
        events.publish(
                RELEASE,
                DEPLOY,
                new DeploymentReady(release, "gated", "verify", "1.0.0", "green", endpoints.baseUrl() + "/healthy"));

        HealthFailed failed = events.await(HealthFailed.class, e -> release.equals(e.releaseId()), WAIT)
                .data();
        assertThat(failed.reason())
                .contains("no verdict within the deadline of 2000 ms")
                .contains("inconclusive");
        assertThat(failed.results())
                .filteredOn(result -> result.probe().equals("status"))
                .isNotEmpty()
                .allSatisfy(result -> assertThat(result.passed()).isTrue());
        assertThat(failed.results())
                .filteredOn(result -> result.probe().equals("error-rate"))
                .isNotEmpty()
                .allSatisfy(result -> {
                    assertThat(result.passed()).isFalse();
                    assertThat(result.inconclusive()).isTrue();
                    assertThat(result.threshold()).isEqualTo("< 0.05");
                    assertThat(result.error()).contains("Prometheus at http://127.0.0.1:9 unreachable");
                });
        assertThat(events.all(HealthVerified.class, e -> release.equals(e.releaseId())))
                .isEmpty();
    }

    @Test
    void verifiesEachCanaryStepForItsStepAndSlot() {
        UUID release = UUID.randomUUID();
        events.publish(
                RELEASE,
                DEPLOY,
                new TrafficShifted(
                        release, "web", "canary", "2.0.0", "green", endpoints.baseUrl() + "/healthy", 25, 2));
        HealthVerified second = events.await(
                        HealthVerified.class,
                        e -> release.equals(e.releaseId()) && Integer.valueOf(2).equals(e.step()),
                        WAIT)
                .data();
        assertThat(second.slot()).isEqualTo("green");
        assertThat(second.version()).isEqualTo("2.0.0");

        events.publish(
                RELEASE,
                DEPLOY,
                new TrafficShifted(
                        release, "web", "canary", "2.0.0", "green", endpoints.baseUrl() + "/unhealthy", 100, 3));
        HealthFailed last = events.await(
                        HealthFailed.class,
                        e -> release.equals(e.releaseId()) && Integer.valueOf(3).equals(e.step()),
                        WAIT)
                .data();
        assertThat(last.slot()).isEqualTo("green");
        assertThat(last.results())
                .isNotEmpty()
                .allSatisfy(result -> assertThat(result.passed()).isFalse());
    }

    @Test
    void monitorsTheLiveSlotAnnouncingTheTransitionsOnceWithTheReleaseInTheWatchWindow() throws Exception {
        UUID release = UUID.randomUUID();
        endpoints.setStatus("watched", 200);
        events.publish(RELEASE, DEPLOY, ready(release, "watch", "/switch/watched"));
        events.await(HealthVerified.class, e -> release.equals(e.releaseId()), WAIT); // the verification
        events.publish(RELEASE, DEPLOY, new ReleaseCompleted(release, "web", "watch", "1.0.0", null, 1200));

        await().atMost(WAIT)
                .until(() ->
                        "HEALTHY".equals(health("web", "watch").path("state").asString()));
        JsonNode healthy = health("web", "watch");
        assertThat(healthy.path("releaseId").asString()).isEqualTo(release.toString());
        assertThat(healthy.path("inWatchWindow").asBoolean()).isTrue();
        assertThat(healthy.path("lastResults").get(0).path("passed").asBoolean())
                .isTrue();

        endpoints.setStatus("watched", 503);
        HealthFailed failed = events.await(
                        HealthFailed.class, e -> release.equals(e.releaseId()) && "watch".equals(e.environment()), WAIT)
                .data();
        assertThat(failed.step()).isNull();
        assertThat(failed.slot()).isEqualTo("green");
        assertThat(failed.reason())
                .contains("turned unhealthy after 2 consecutive failing rounds")
                .contains("within the post-release watch window")
                .contains("status 503");
        assertThat(failed.results())
                .allSatisfy(result -> assertThat(result.passed()).isFalse());
        assertThat(health("web", "watch").path("state").asString()).isEqualTo("UNHEALTHY");

        int hits = endpoints.hits("/switch/watched");
        await().atMost(WAIT).until(() -> endpoints.hits("/switch/watched") >= hits + 5); // still failing
        assertThat(events.all(HealthFailed.class, e -> release.equals(e.releaseId())))
                .hasSize(1);

        endpoints.setStatus("watched", 200);
        await().atMost(WAIT)
                .until(() -> events.all(HealthVerified.class, e -> release.equals(e.releaseId()))
                                .size()
                        == 2);
        int recovered = endpoints.hits("/switch/watched");
        await().atMost(WAIT).until(() -> endpoints.hits("/switch/watched") >= recovered + 5);
        // one verification verdict, one recovery; one failure
        assertThat(events.all(HealthVerified.class, e -> release.equals(e.releaseId())))
                .hasSize(2);
        assertThat(events.all(HealthFailed.class, e -> release.equals(e.releaseId())))
                .hasSize(1);
        assertThat(health("web", "watch").path("state").asString()).isEqualTo("HEALTHY");
    }

    @Test
    void aHangingLiveEndpointTurnsUnhealthyWithoutDelayingTheOtherMonitors() throws Exception {
        UUID steady = UUID.randomUUID();
        UUID stuck = UUID.randomUUID();
        // made live by a final traffic shift, without release.completed: no watch window, no release id
        events.publish(
                RELEASE,
                DEPLOY,
                new TrafficShifted(
                        steady, "web", "steady", "1.0.0", "blue", endpoints.baseUrl() + "/healthy-steady", 100, 1));
        events.publish(
                RELEASE,
                DEPLOY,
                new TrafficShifted(stuck, "hanging", "steady", "1.0.0", "blue", endpoints.neverAnswering(), 100, 1));

        HealthFailed failed = events.await(
                        HealthFailed.class,
                        e -> "hanging".equals(e.application())
                                && "steady".equals(e.environment())
                                && e.releaseId() == null,
                        WAIT)
                .data();
        assertThat(failed.reason()).contains("turned unhealthy");
        assertThat(failed.results())
                .allSatisfy(result -> assertThat(result.error()).containsIgnoringCase("timed out"));

        // while the hanging one keeps timing out, the steady monitor keeps its 300 ms schedule
        int before = endpoints.hitTimes("/healthy-steady").size();
        await().atMost(WAIT).until(() -> endpoints.hitTimes("/healthy-steady").size() >= before + 10);
        List<Long> times = endpoints.hitTimes("/healthy-steady");
        List<Long> recent = times.subList(before, times.size());
        for (int i = 1; i < recent.size(); i++) {
            long gap = TimeUnit.NANOSECONDS.toMillis(recent.get(i) - recent.get(i - 1));
            assertThat(gap)
                    .as("gap between monitor rounds of the steady endpoint")
                    .isBetween(150L, 450L);
        }
        assertThat(health("web", "steady").path("state").asString()).isEqualTo("HEALTHY");
        assertThat(health("hanging", "steady").path("state").asString()).isEqualTo("UNHEALTHY");
    }

    @Test
    void aRollbackMakesThePreviousSlotLiveAgain() throws Exception {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        events.publish(
                RELEASE,
                DEPLOY,
                new DeploymentReady(first, "web", "rollback", "1.0.0", "blue", endpoints.baseUrl() + "/healthy-blue"));
        events.publish(RELEASE, DEPLOY, new ReleaseCompleted(first, "web", "rollback", "1.0.0", null, 100));
        await().atMost(WAIT)
                .until(() ->
                        "blue".equals(health("web", "rollback").path("slot").asString()));

        events.publish(
                RELEASE,
                DEPLOY,
                new DeploymentReady(
                        second, "web", "rollback", "1.1.0", "green", endpoints.baseUrl() + "/healthy-green"));
        events.publish(RELEASE, DEPLOY, new ReleaseCompleted(second, "web", "rollback", "1.1.0", "1.0.0", 100));
        await().atMost(WAIT)
                .until(() ->
                        "green".equals(health("web", "rollback").path("slot").asString()));
        await().atMost(WAIT).until(() -> endpoints.hits("/healthy-green") > 0);

        events.publish(
                RELEASE,
                DEPLOY,
                new RollbackCompleted(second, "web", "rollback", "1.0.0", "1.1.0", "watch failed", 50));
        await().atMost(WAIT)
                .until(() ->
                        "blue".equals(health("web", "rollback").path("slot").asString()));
        JsonNode live = health("web", "rollback");
        assertThat(live.path("version").asString()).isEqualTo("1.0.0");
        assertThat(live.path("releaseId").asString()).isEqualTo(first.toString());
        assertThat(live.path("inWatchWindow").asBoolean()).isFalse();
        int blueHits = endpoints.hits("/healthy-blue");
        await().atMost(WAIT).until(() -> endpoints.hits("/healthy-blue") > blueHits + 2);
    }

    @Test
    void answersProblemsForUnknownThings() throws Exception {
        HttpResponse<String> app = call("/api/health/applications/nobody");
        assertThat(app.statusCode()).isEqualTo(404);
        assertThat(app.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(call("/api/health/verifications/" + UUID.randomUUID()).statusCode())
                .isEqualTo(404);
        assertThat(call("/api/health/verifications/not-a-uuid").statusCode()).isEqualTo(400);
    }

    private static JsonNode health(String application, String environment) throws Exception {
        for (JsonNode app : get("/api/health/applications")) {
            if (application.equals(app.path("application").asString())
                    && environment.equals(app.path("environment").asString())) {
                return app;
            }
        }
        return EventJson.mapper().createObjectNode();
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> response = call(path);
        assertThat(response.statusCode()).as("GET " + path).isEqualTo(200);
        return EventJson.mapper().readTree(response.body());
    }

    private static HttpResponse<String> call(String path) throws Exception {
        String port = service.getEnvironment().getProperty("local.server.port");
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Authorization", TestCredentials.bearer("operator"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
