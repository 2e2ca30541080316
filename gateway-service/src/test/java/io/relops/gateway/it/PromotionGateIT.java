package io.relops.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relops.common.event.ReleaseRequested;
import io.relops.testkit.EventStream;
import io.relops.testkit.TestCredentials;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/releases} to an environment with a promotion rule asks deploy-service first: refused → 409
 * problem naming environment, version and what is missing, nothing published; deploy-service gone → 503, nothing
 * published; ready → published. A {@code release.requested} sent to {@code POST /api/events} passes the same check. The real gateway on the real broker and PostgreSQL ({@link TestGateway}).
 */
class PromotionGateIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The ready version {@link #aReleaseRequestedOverTheEventsEndpointPassesTheSameCheck} publishes. */
    private static final String INGESTED_READY = "3.3.0";

    private static TestGateway gateway;
    private static EventStream events;

    @BeforeAll
    static void start() {
        gateway = TestGateway.get();
        events = EventStream.watching(gateway.topics.all());
    }

    @AfterAll
    static void stop() {
        events.close();
    }

    private static HttpResponse<String> request(String version) throws Exception {
        return gateway.post(
                "/api/releases",
                TestGateway.OPERATOR,
                null,
                "application/json",
                "{\"application\":\"shelf\",\"version\":\"" + version + "\",\"environment\":\"production\"}");
    }

    @Test
    void refusesAnUnpromotableVersionWith409NamingEnvironmentVersionAndWhatIsMissingAndPublishesNothing()
            throws Exception {
        gateway.promotion("3.1.0", """
                {"ready":false,"missing":"soak","soakRemaining":"PT41M","reason":"promotion to production refused:\
                 shelf 3.1.0 completed in staging at 2026-12-07T10:00Z and must soak there 1h first: 41m left"}
                """);

        HttpResponse<String> refused = request("3.1.0");

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(refused.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(refused.body());
        assertThat(problem.path("title").asString()).isEqualTo("Promotion refused");
        assertThat(problem.path("detail").asString())
                .isEqualTo("promotion to production refused: shelf 3.1.0 completed in staging at 2026-12-07T10:00Z"
                        + " and must soak there 1h first: 41m left");
        assertThat(problem.path("environment").asString()).isEqualTo("production");
        assertThat(problem.path("version").asString()).isEqualTo("3.1.0");
        assertThat(problem.path("from").asString()).isEqualTo("staging");
        assertThat(problem.path("missing").asString()).isEqualTo("soak");
        assertThat(problem.path("soakRemaining").asString()).isEqualTo("PT41M");

        HttpResponse<String> unreachable = request("7.7.7");
        assertThat(unreachable.statusCode()).as(unreachable.body()).isEqualTo(503);
        assertThat(JSON.readTree(unreachable.body()).path("detail").asString())
                .contains("deploy-service is not reachable", "shelf 7.7.7", "production", "nothing was published");

        HttpResponse<String> ready = request("3.0.0");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(202);
        events.await(ReleaseRequested.class, r -> r.version().equals("3.0.0"), Duration.ofSeconds(10));
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(2))
                .until(() -> events.all(
                                ReleaseRequested.class,
                                r -> r.application().equals("shelf")
                                        && r.environment().equals("production")
                                        && !r.version().equals("3.0.0")
                                        && !r.version().equals(INGESTED_READY)) // published by the test below
                        .isEmpty());
    }

    @Test
    void aReleaseRequestedOverTheEventsEndpointPassesTheSameCheck() throws Exception {
        gateway.promotion("3.2.0", """
                {"ready":false,"missing":"rolled-back","reason":"promotion to production refused: shelf 3.2.0 was\
                 rolled back in staging at 2026-12-07T10:00Z, after it completed there"}
                """);
        gateway.promotion(INGESTED_READY, """
                {"ready":true,"missing":"none","reason":"shelf 3.3.0 completed in staging"}
                """);
        UUID refusedId = UUID.randomUUID();
        UUID readyId = UUID.randomUUID();

        HttpResponse<String> refused = ingest(refusedId, "3.2.0");
        HttpResponse<String> ready = ingest(readyId, INGESTED_READY);

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(refused.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(refused.body());
        assertThat(problem.path("title").asString()).isEqualTo("Promotion refused");
        assertThat(problem.path("detail").asString())
                .isEqualTo("promotion to production refused: shelf 3.2.0 was rolled back in staging at"
                        + " 2026-12-07T10:00Z, after it completed there");
        assertThat(problem.path("environment").asString()).isEqualTo("production");
        assertThat(problem.path("version").asString()).isEqualTo("3.2.0");
        assertThat(problem.path("missing").asString()).isEqualTo("rolled-back");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(202);
        events.await(ReleaseRequested.class, r -> r.releaseId().equals(readyId), Duration.ofSeconds(10));
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(2))
                .until(() -> events.all(
                                ReleaseRequested.class, r -> r.releaseId().equals(refusedId))
                        .isEmpty());
    }

    /** A CI pipeline's release request as a structured-mode CloudEvent, with the ingest role. */
    private static HttpResponse<String> ingest(UUID releaseId, String version) throws Exception {
        String data = JSON.writeValueAsString(Map.of(
                "releaseId",
                releaseId.toString(),
                "application",
                "shelf",
                "version",
                version,
                "environment",
                "production",
                "requestedBy",
                TestCredentials.name("ingest")));
        String event = """
                {"specversion":"1.0","id":"%s","type":"io.relops.release.requested","source":"urn:ci:build",
                 "subject":"shelf","datacontenttype":"application/json","data":%s}
                """.formatted(UUID.randomUUID(), data);
        return gateway.post(
                "/api/events", TestCredentials.token("ingest"), null, "application/cloudevents+json", event);
    }

    @Test
    void anEnvironmentWithoutPromotionRuleIsNotChecked() throws Exception {
        HttpResponse<String> staged = gateway.post(
                "/api/releases",
                TestGateway.OPERATOR,
                null,
                "application/json",
                "{\"application\":\"shelf\",\"version\":\"7.7.7\",\"environment\":\"staging\"}");

        assertThat(staged.statusCode()).as(staged.body()).isEqualTo(202);
    }

    @Test
    void routesTheApplicationsToDeployService() throws Exception {
        HttpResponse<String> app = gateway.get("/api/applications/shelf", TestGateway.OPERATOR);

        assertThat(app.statusCode()).as(app.body()).isEqualTo(200);
        assertThat(JSON.readTree(app.body()).path("application").asString()).isEqualTo("shelf");
    }
}
