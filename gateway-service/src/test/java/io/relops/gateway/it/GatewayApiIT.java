package io.relops.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relops.common.codec.EventSignature;
import io.relops.common.event.ReleaseApproved;
import io.relops.common.event.ReleaseRequested;
import io.relops.common.event.RelopsEvent;
import io.relops.common.security.EventAuthority;
import io.relops.testkit.EventStream;
import io.relops.testkit.TestCredentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's API over real HTTP, with a real Kafka broker and PostgreSQL: Idempotency-Key,
 * CloudEvents ingestion, size limit, field-named validation errors, the OpenAPI document.
 */
class GatewayApiIT {

    private static final HttpClient http = HttpClient.newHttpClient();
    private static final JsonMapper json = JsonMapper.builder().build();
    private static final Duration QUIET = Duration.ofSeconds(2);

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

    @Test
    void aRetriedReleaseRequestWithTheSameKeyAnswersTheSameAndPublishesOnce() throws Exception {
        String key = UUID.randomUUID().toString();
        String body = release("1.2.3");

        HttpResponse<String> first = post("/api/releases", TestGateway.OPERATOR, key, "application/json", body);
        HttpResponse<String> retry = post("/api/releases", TestGateway.OPERATOR, key, "application/json", body);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(retry.statusCode()).isEqualTo(202);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(retry.headers().firstValue("Location"))
                .isEqualTo(first.headers().firstValue("Location"));
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
        UUID releaseId =
                UUID.fromString(json.readTree(first.body()).get("releaseId").asString());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !events.all(
                                ReleaseRequested.class, r -> r.releaseId().equals(releaseId))
                        .isEmpty());
        await().during(QUIET)
                .atMost(QUIET.plusSeconds(5))
                .until(() -> events.all(ReleaseRequested.class, r -> r.version().equals("1.2.3"))
                                .size()
                        == 1);
    }

    @Test
    void theSameKeyWithAnotherBodyIsRefusedNamingTheKey() throws Exception {
        String key = "key-" + UUID.randomUUID();
        assertThat(post("/api/releases", TestGateway.OPERATOR, key, "application/json", release("2.0.0"))
                        .statusCode())
                .isEqualTo(202);

        HttpResponse<String> other =
                post("/api/releases", TestGateway.OPERATOR, key, "application/json", release("2.0.1"));

        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(other.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(json.readTree(other.body()).get("detail").asString())
                .contains("Idempotency-Key '" + key + "'")
                .contains("different request");
        await().during(QUIET)
                .atMost(QUIET.plusSeconds(5))
                .until(() -> events.all(ReleaseRequested.class, r -> r.version().equals("2.0.1"))
                        .isEmpty());
    }

    @Test
    void keysArePerPrincipal() throws Exception {
        String key = "shared-" + UUID.randomUUID();
        HttpResponse<String> operator =
                post("/api/releases", TestGateway.OPERATOR, key, "application/json", release("3.0.0"));
        HttpResponse<String> admin =
                post("/api/releases", TestGateway.ADMIN, key, "application/json", release("3.0.0"));

        assertThat(operator.statusCode()).isEqualTo(202);
        assertThat(admin.statusCode()).isEqualTo(202);
        assertThat(admin.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(admin.body()).isNotEqualTo(operator.body());
    }

    @Test
    void concurrentDuplicatesPublishOnceAndAnswerTheOriginalOrInProgress() throws Exception {
        String key = UUID.randomUUID().toString();
        String body = release("4.0.0");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(() -> post("/api/releases", TestGateway.OPERATOR, key, "application/json", body));
        }
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (Future<HttpResponse<String>> answer : pool.invokeAll(calls)) {
            answers.add(answer.get());
        }
        pool.shutdown();

        assertThat(answers).extracting(HttpResponse::statusCode).allMatch(s -> s == 202 || s == 409);
        List<String> accepted = answers.stream()
                .filter(a -> a.statusCode() == 202)
                .map(HttpResponse::body)
                .distinct()
                .toList();
        assertThat(accepted).hasSize(1);
        answers.stream()
                .filter(a -> a.statusCode() == 409)
                .forEach(a -> assertThat(a.body()).contains("in progress"));
        await().during(QUIET)
                .atMost(QUIET.plusSeconds(5))
                .until(() -> events.all(ReleaseRequested.class, r -> r.version().equals("4.0.0"))
                                .size()
                        == 1);
    }

    @Test
    void aRetriedApprovalWithTheSameKeyPublishesOneApproval() throws Exception {
        UUID id = UUID.randomUUID();
        gateway.release(id, "AWAITING_APPROVAL", "someone-else");
        String key = UUID.randomUUID().toString();
        String body = "{\"comment\":\"looks good\"}";

        HttpResponse<String> first =
                post("/api/releases/" + id + "/approve", TestGateway.APPROVER, key, "application/json", body);
        HttpResponse<String> retry =
                post("/api/releases/" + id + "/approve", TestGateway.APPROVER, key, "application/json", body);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(retry.statusCode()).isEqualTo(202);
        assertThat(retry.body()).isEqualTo(first.body());
        await().during(QUIET)
                .atMost(QUIET.plusSeconds(5))
                .until(() ->
                        events.all(ReleaseApproved.class, a -> a.releaseId().equals(id))
                                        .size()
                                == 1);
        // signed by the gateway for the caller, with the caller's roles: what deploy-service acts on
        RelopsEvent<ReleaseApproved> approval =
                events.all(ReleaseApproved.class, a -> a.releaseId().equals(id)).get(0);
        EventSignature signature = events.signatureOf(approval).orElseThrow();
        assertThat(signature.keyId()).isEqualTo(TestCredentials.EVENT_KEY_ID);
        assertThat(signature.roles()).containsExactly("approver");
        assertThat(EventAuthority.verifies(
                        approval, signature, TestCredentials.eventSigningKey().getPublic()))
                .isTrue();
    }

    /**
     * The key, the event and the answer are one commit: a request whose answer cannot be stored (a trigger refuses it
     * here) rolls its event back with it, and is answered 503 rather than the 202 of work that did not happen.
     */
    @Test
    void aKeyedRequestWhoseCommitFailsIsA503AndPublishesNothing() throws Exception {
        JdbcClient jdbc = JdbcClient.create(gateway.context.getBean(DataSource.class));
        jdbc.sql("""
                        create or replace function gateway.refuse_test_answers() returns trigger language plpgsql as $$
                        begin
                          if new.idem_key like 'refused-%' and new.state = 'COMPLETED' then
                            raise exception 'this test refuses to store the answer of %', new.idem_key;
                          end if;
                          return new;
                        end $$
                        """).update();
        jdbc.sql("drop trigger if exists refuse_test_answers on gateway.idempotency_key")
                .update();
        jdbc.sql("create trigger refuse_test_answers before update on gateway.idempotency_key"
                        + " for each row execute function gateway.refuse_test_answers()")
                .update();
        String key = "refused-" + UUID.randomUUID();

        HttpResponse<String> refused =
                post("/api/releases", TestGateway.OPERATOR, key, "application/json", release("8.1.0"));

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        assertThat(refused.body()).contains("Idempotency-Key '" + key + "' could not be committed");
        HttpResponse<String> accepted = post(
                "/api/releases",
                TestGateway.OPERATOR,
                UUID.randomUUID().toString(),
                "application/json",
                release("8.1.1"));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !events.all(
                                ReleaseRequested.class, r -> r.version().equals("8.1.1"))
                        .isEmpty());
        await().during(QUIET)
                .atMost(QUIET.plusSeconds(5))
                .until(() -> events.all(ReleaseRequested.class, r -> r.version().equals("8.1.0"))
                        .isEmpty());
    }

    @Test
    void aFailedRequestFreesItsKey() throws Exception {
        String key = UUID.randomUUID().toString();
        String unknown = "{\"application\":\"nope\",\"version\":\"5.0.0\",\"environment\":\"prod\"}";
        assertThat(post("/api/releases", TestGateway.OPERATOR, key, "application/json", unknown)
                        .statusCode())
                .isEqualTo(400);
        // the same key for the corrected request is a first request, not a mismatch
        assertThat(post("/api/releases", TestGateway.OPERATOR, key, "application/json", release("5.0.0"))
                        .statusCode())
                .isEqualTo(202);
    }

    @Test
    void ingestsABinaryModeCloudEventAndPublishesItToItsTopic() throws Exception {
        UUID id = UUID.randomUUID();
        UUID releaseId = UUID.randomUUID();
        HttpRequest request = HttpRequest.newBuilder(url("/api/events"))
                .header("Authorization", "Bearer " + TestGateway.OPERATOR)
                .header("Content-Type", "application/json")
                .header("ce-specversion", "1.0")
                .header("ce-id", id.toString())
                .header("ce-type", "io.relops.release.requested")
                .header("ce-source", "https://ci.example.com/pipelines/42")
                .header("ce-subject", "shop")
                .POST(HttpRequest.BodyPublishers.ofString(
                        releaseData(releaseId, "6.0.0", TestCredentials.name("operator"))))
                .build();

        HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(202);
        JsonNode body = json.readTree(answer.body());
        assertThat(body.get("id").asString()).isEqualTo(id.toString());
        assertThat(body.get("releaseId").asString()).isEqualTo(releaseId.toString());
        var published =
                events.await(ReleaseRequested.class, r -> r.releaseId().equals(releaseId), Duration.ofSeconds(10));
        assertThat(published.id()).isEqualTo(id.toString());
        assertThat(published.source()).isEqualTo(URI.create("https://ci.example.com/pipelines/42"));
        assertThat(events.received())
                .filteredOn(r -> r.event().id().equals(id.toString()))
                .extracting(EventStream.Received::topic)
                .containsExactly(gateway.topics.release());
    }

    @Test
    void ingestsAStructuredModeCloudEvent() throws Exception {
        UUID id = UUID.randomUUID();
        UUID releaseId = UUID.randomUUID();
        String event = """
                {"specversion":"1.0","id":"%s","type":"io.relops.release.requested","source":"urn:ci:build",
                 "subject":"shop","datacontenttype":"application/json","data":%s}
                """.formatted(id, releaseData(releaseId, "6.1.0", TestCredentials.name("admin")));

        HttpResponse<String> answer =
                post("/api/events", TestGateway.ADMIN, null, "application/cloudevents+json", event);

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(answer.headers().firstValue("Location")).contains("/api/releases/" + releaseId);
        events.await(ReleaseRequested.class, r -> r.releaseId().equals(releaseId), Duration.ofSeconds(10));
    }

    @Test
    void refusesEventsThatBreakTheContractOrForgeAnActorAndPublishesNothing() throws Exception {
        UUID releaseId = UUID.randomUUID();
        String wrongVersion = structured(
                UUID.randomUUID(),
                "io.relops.release.requested",
                "shop",
                releaseData(releaseId, "7.0.0; rm -rf /", TestCredentials.name("operator")));
        String forged = structured(
                UUID.randomUUID(),
                "io.relops.release.requested",
                "shop",
                releaseData(releaseId, "7.0.0", "somebody-else"));
        String notAllowed = structured(
                UUID.randomUUID(),
                "io.relops.release.approved",
                "shop",
                "{\"releaseId\":\"%s\",\"application\":\"shop\",\"approvedBy\":\"%s\"}"
                        .formatted(releaseId, TestCredentials.name("operator")));
        String unknownType = structured(UUID.randomUUID(), "io.relops.nope", "shop", "{}");

        HttpResponse<String> invalid =
                post("/api/events", TestGateway.OPERATOR, null, "application/cloudevents+json", wrongVersion);
        HttpResponse<String> forgery =
                post("/api/events", TestGateway.OPERATOR, null, "application/cloudevents+json", forged);
        HttpResponse<String> approval =
                post("/api/events", TestGateway.OPERATOR, null, "application/cloudevents+json", notAllowed);
        HttpResponse<String> unknown =
                post("/api/events", TestGateway.OPERATOR, null, "application/cloudevents+json", unknownType);

        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.body()).contains("version").contains("schema");
        assertThat(forgery.statusCode()).isEqualTo(403);
        assertThat(forgery.body()).contains("requestedBy is 'somebody-else'");
        assertThat(approval.statusCode()).isEqualTo(403);
        assertThat(approval.body()).contains("not accepted over HTTP");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("unknown event type 'io.relops.nope'");
        await().during(QUIET)
                .atMost(QUIET.plusSeconds(5))
                .until(() -> events.received().stream()
                        .noneMatch(r -> releaseId.equals(r.event().releaseId())));
    }

    /** A producer's ingest token publishes a release request in its own name; nothing that needs another role. */
    @Test
    void theIngestTokenPublishesAReleaseRequestButNoBackupOrRestore() throws Exception {
        String ingest = TestCredentials.token("ingest");
        UUID releaseId = UUID.randomUUID();
        String release = structured(
                UUID.randomUUID(),
                "io.relops.release.requested",
                "shop",
                releaseData(releaseId, "8.0.0", TestCredentials.name("ingest")));
        HttpResponse<String> accepted = post("/api/events", ingest, null, "application/cloudevents+json", release);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(events.await(ReleaseRequested.class, r -> r.releaseId().equals(releaseId), Duration.ofSeconds(10))
                        .data()
                        .requestedBy())
                .isEqualTo(TestCredentials.name("ingest"));

        UUID backupId = UUID.randomUUID();
        String backup = structured(
                UUID.randomUUID(),
                "io.relops.backup.requested",
                "shop",
                ("{\"backupId\":\"%s\",\"application\":\"shop\",\"trigger\":\"manual\",\"requestedBy\":\"%s\"}")
                        .formatted(backupId, TestCredentials.name("ingest")));
        HttpResponse<String> refused = post("/api/events", ingest, null, "application/cloudevents+json", backup);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(refused.body()).contains("may not publish io.relops.backup.requested");
        HttpResponse<String> releaseApi = post(
                "/api/releases",
                ingest,
                null,
                "application/json",
                "{\"application\":\"shop\",\"version\":\"8.0.1\",\"environment\":\"prod\"}");
        assertThat(releaseApi.statusCode()).isEqualTo(403);
    }

    @Test
    void refusesABodyOverTheSizeLimitWith413() throws Exception {
        String huge = "{\"application\":\"shop\",\"version\":\"1\",\"environment\":\"prod\",\"commit\":\""
                + "a".repeat(70 * 1024) + "\"}";
        HttpResponse<String> answer = post("/api/releases", TestGateway.OPERATOR, null, "application/json", huge);

        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(answer.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(answer.body()).contains("larger than 65536 bytes");
    }

    @Test
    void letsA200KbAlertBatchThroughWhileOtherPostsKeepThe64KbLimit() throws Exception {
        // Prometheus posts up to 64 alerts at once, each with a long generatorURL
        String alert = "{\"labels\":{\"alertname\":\"HighLatency%d\",\"severity\":\"page\"},"
                + "\"generatorURL\":\"http://prometheus:9090/graph?g0.expr=" + "x".repeat(3200) + "\"}";
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 64; i++) {
            batch.append(i == 0 ? "" : ",").append(alert.formatted(i));
        }
        String alerts = batch.append(']').toString();
        assertThat(alerts.length()).isGreaterThan(200 * 1024);

        HttpResponse<String> batchAnswer =
                post("/api/v2/alerts", TestGateway.OPERATOR, null, "application/json", alerts);
        // forwarded: the stand-in backend's own answer (it knows no such path), not the gateway's 413
        assertThat(batchAnswer.statusCode()).as(batchAnswer.body()).isEqualTo(404);
        assertThat(batchAnswer.body()).contains("\"title\":\"Not Found\"");

        HttpResponse<String> other = post("/api/releases", TestGateway.OPERATOR, null, "application/json", alerts);
        assertThat(other.statusCode()).isEqualTo(413);
        assertThat(other.body()).contains("larger than 65536 bytes (relops.gateway.request.max-body-size)");
        HttpResponse<String> tooLarge = post(
                "/api/alerts",
                TestGateway.OPERATOR,
                null,
                "application/json",
                "[" + "\"" + "y".repeat(4 * 1024 * 1024) + "\"]");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.body()).contains("larger than 4194304 bytes (relops.gateway.request.alerts-max-body-size)");
    }

    @Test
    void namesTheFieldThatFailsValidation() throws Exception {
        String body = "{\"application\":\"shop\",\"version\":\"1.0 beta\",\"environment\":\"prod\"}";
        HttpResponse<String> answer = post("/api/releases", TestGateway.OPERATOR, null, "application/json", body);

        assertThat(answer.statusCode()).isEqualTo(400);
        JsonNode problem = json.readTree(answer.body());
        assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("version");
        assertThat(problem.get("detail").asString()).startsWith("version: ");
    }

    @Test
    void namesTheStrategiesWhenTheStrategyIsNotOneAndPublishesNothing() throws Exception {
        for (String strategy : new String[] {"rolling", "BLUE-GREEN", "", "canary "}) {
            String body = "{\"application\":\"shop\",\"version\":\"0.9.7\",\"environment\":\"prod\",\"strategy\":\""
                    + strategy + "\"}";
            HttpResponse<String> answer = post("/api/releases", TestGateway.OPERATOR, null, "application/json", body);

            assertThat(answer.statusCode()).as(strategy).isEqualTo(400);
            assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            JsonNode problem = json.readTree(answer.body());
            assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("strategy");
            assertThat(problem.get("detail").asString()).isEqualTo("strategy: must be blue-green or canary");
        }
        await().during(QUIET)
                .atMost(QUIET.plusSeconds(5))
                .until(() -> events.all(ReleaseRequested.class, r -> r.version().equals("0.9.7"))
                        .isEmpty());
    }

    @Test
    void servesTheOpenApiDocumentWithTheBearerSchemeAndProblemAnswers() throws Exception {
        HttpResponse<String> answer =
                http.send(HttpRequest.newBuilder(url("/v3/api-docs")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode doc = json.readTree(answer.body());
        assertThat(doc.get("openapi").asString()).startsWith("3.");
        assertThat(doc.get("paths").has("/api/releases")).isTrue();
        assertThat(doc.get("paths").has("/api/events")).isTrue();
        assertThat(doc.get("paths").has("/api/releases/{id}/approve")).isTrue();
        assertThat(doc.at("/components/securitySchemes/bearer/scheme").asString())
                .isEqualTo("bearer");
        assertThat(doc.at("/paths/~1api~1releases/post/responses/429/content").has("application/problem+json"))
                .isTrue();
        assertThat(answer.body()).contains("Idempotency-Key");
        assertThat(doc.at("/paths/~1api~1releases/post/responses/409/description")
                        .asString())
                .startsWith("Promotion refused: ");
        assertThat(doc.at("/paths/~1api~1releases/post/responses/409/content").has("application/problem+json"))
                .isTrue();
        assertThat(doc.at("/components/schemas/ReleaseRequest/properties/strategy/enum"))
                .extracting(JsonNode::asString)
                .containsExactly("blue-green", "canary");
        JsonNode status = null;
        for (JsonNode parameter : doc.at("/paths/~1api~1releases/get/parameters")) {
            if (parameter.path("name").asString().equals("status")) {
                status = parameter;
            }
        }
        assertThat(status).isNotNull();
        assertThat(status.at("/schema/enum"))
                .hasSize(12)
                .extracting(JsonNode::asString)
                .contains("COMPLETED");
        assertThat(http.send(
                                HttpRequest.newBuilder(url("/swagger-ui/index.html"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(200);
    }

    private static String release(String version) {
        return "{\"application\":\"shop\",\"version\":\"" + version + "\",\"environment\":\"prod\"}";
    }

    static String releaseData(UUID releaseId, String version, String requestedBy) {
        return json.writeValueAsString(Map.of(
                "releaseId",
                releaseId.toString(),
                "application",
                "shop",
                "version",
                version,
                "environment",
                "prod",
                "requestedBy",
                requestedBy));
    }

    private static String structured(UUID id, String type, String subject, String data) {
        return """
                {"specversion":"1.0","id":"%s","type":"%s","source":"urn:test","subject":"%s",
                 "datacontenttype":"application/json","data":%s}
                """.formatted(id, type, subject, data);
    }

    private static URI url(String path) {
        return gateway.baseUrl.resolve(path);
    }

    private static HttpResponse<String> post(String path, String token, String key, String contentType, String body)
            throws Exception {
        return gateway.post(path, token, key, contentType, body);
    }
}
