package io.relops.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.relops.common.codec.EventJson;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import io.relops.testkit.Redocly;
import io.relops.testkit.TestCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The query routes through the real gateway (Kafka from testkit) to a real HTTP server standing in for
 * backup-service and audit-service; alert-service is down. The CLI's SuiteIT covers the same routes
 * against the real services.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BackendRoutesIT {

    private static final String OPERATOR = TestCredentials.token("operator");
    private static final String AUDITOR = TestCredentials.token("auditor");
    private static final long EXPORT_BYTES = 48L * 1024 * 1024;

    private static final AtomicReference<String> seenAuthorization = new AtomicReference<>();
    private static final AtomicReference<String> seenActor = new AtomicReference<>();
    private static final AtomicReference<String> seenQuery = new AtomicReference<>();
    private static final AtomicReference<String> seenBody = new AtomicReference<>();
    private static final AtomicReference<String> seenSignature = new AtomicReference<>();
    private static final AtomicReference<String> seenPath = new AtomicReference<>();
    private static final AtomicReference<byte[]> seenBytes = new AtomicReference<>();
    private static final AtomicLong exportWritten = new AtomicLong();
    private static volatile CountDownLatch firstChunkReceived = new CountDownLatch(1);
    private static final HttpServer backend = startBackend();
    private static final int downPort = freePort();

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        String url = "http://localhost:" + backend.getAddress().getPort();
        registry.add("relops.kafka.bootstrap-servers", Kafka::bootstrapServers);
        // the gateway keeps its idempotency keys in PostgreSQL
        String database = Postgres.freshDatabase("gateway_routes");
        registry.add("relops.database.url", () -> database);
        registry.add("relops.gateway.backup-url", () -> url);
        registry.add("relops.gateway.audit-url", () -> url);
        registry.add("relops.gateway.deploy-url", () -> url);
        registry.add("relops.gateway.alert-url", () -> "http://localhost:" + downPort);
        TestCredentials.properties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @AfterAll
    static void stopBackend() {
        backend.stop(0);
    }

    @Test
    void forwardsAListWithTheCallersTokenAndQueryAndNamesTheActor() throws Exception {
        HttpResponse<String> response = send(
                get("/api/backups?application=demo-app&limit=5", OPERATOR).header("X-Relops-Actor", "somebody-else"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(EventJson.mapper()
                        .readTree(response.body())
                        .get(0)
                        .path("application")
                        .asString())
                .isEqualTo("demo-app");
        assertThat(seenAuthorization.get()).isEqualTo("Bearer " + OPERATOR);
        assertThat(seenActor.get()).isEqualTo(TestCredentials.name("operator"));
        assertThat(seenQuery.get().split("&")).containsExactlyInAnyOrder("application=demo-app", "limit=5");
    }

    @Test
    void forwardsAPostBody() throws Exception {
        HttpResponse<String> response = send(get("/api/backups", OPERATOR)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"application\":\"demo-app\"}")));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(response.headers().firstValue("Location")).hasValue("/api/backups/42");
        assertThat(seenBody.get()).isEqualTo("{\"application\":\"demo-app\"}");
    }

    @Test
    void relaysAWebhookCallbackWithoutATokenAndItsBodyByteForByte() throws Exception {
        // what an external system signs: odd spacing, unicode and no trailing newline must all arrive as sent
        byte[] body = "{ \"releaseId\":\"4f1c\",\t\"slot\":\"green\", \"message\":\"déployé ✓\" }"
                .getBytes(StandardCharsets.UTF_8);
        seenAuthorization.set("unset");
        HttpResponse<String> response = send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/targets/webhook/callback/4f1c"))
                        .header("Content-Type", "application/json")
                        .header("X-Relops-Signature", "sha256=abc")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(seenPath.get()).isEqualTo("/api/targets/webhook/callback/4f1c");
        assertThat(seenBytes.get()).isEqualTo(body);
        assertThat(seenSignature.get()).isEqualTo("sha256=abc");
        assertThat(seenAuthorization.get()).isNull();
    }

    @Test
    void passesABackendsProblemThroughUnchanged() throws Exception {
        HttpResponse<String> response = send(get("/api/backups/no-such-backup", OPERATOR));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).isEqualTo(PROBLEM);
    }

    @Test
    void streamsALargeExportWithoutWaitingForItsEnd() throws Exception {
        firstChunkReceived = new CountDownLatch(1);
        exportWritten.set(0);
        HttpResponse<InputStream> response = http.send(
                get("/api/audit/export?format=jsonl", AUDITOR).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        long received = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream body = response.body()) {
            int read = body.read(buffer);
            // the backend holds the rest of the export back until the first bytes have reached the caller:
            // a proxy that buffered the whole body would never get here
            assertThat(read).isPositive();
            assertThat(exportWritten.get()).isLessThan(EXPORT_BYTES);
            received += read;
            firstChunkReceived.countDown();
            while ((read = body.read(buffer)) != -1) {
                received += read;
            }
        }
        assertThat(received).isEqualTo(EXPORT_BYTES);
    }

    @Test
    void answersAProblemNamingABackendThatIsDown() throws Exception {
        HttpResponse<String> response = send(get("/api/silences", OPERATOR));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = EventJson.mapper().readTree(response.body());
        assertThat(problem.path("detail").asString()).isEqualTo("alert-service is unavailable (connection refused)");
        assertThat(problem.path("backend").asString()).isEqualTo("alert-service");
        assertThat(response.body()).doesNotContain("Exception", "at org.");
    }

    @Test
    void refusesARouteWithoutAToken() throws Exception {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/backups")));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void leavesReleasesToTheGatewaysOwnControllers() throws Exception {
        HttpResponse<String> malformed = send(get("/api/releases", OPERATOR)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"application\": ")));
        assertThat(malformed.statusCode()).as(malformed.body()).isEqualTo(400);
        assertThat(malformed.body()).contains("malformed JSON request body");

        HttpResponse<String> badStatus = send(get("/api/releases?status=NOT_A_STATE", OPERATOR));
        assertThat(badStatus.statusCode()).as(badStatus.body()).isEqualTo(400);
        assertThat(badStatus.body()).contains("must be a release state");
    }

    @Test
    void keepsTheAuditLogFromOperators() throws Exception {
        assertThat(send(get("/api/audit/events", OPERATOR)).statusCode()).isEqualTo(403);
    }

    @Test
    void servesOneDocumentWithTheForwardedPathsOfEveryBackendAndNamesTheOneThatIsDown() throws Exception {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v3/api-docs")));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode doc = EventJson.mapper().readTree(response.body());
        JsonNode paths = doc.get("paths");

        // the gateway's own paths, and each backend's paths that a route forwards, with only the forwarded methods
        assertThat(paths.has("/api/releases")).isTrue();
        assertThat(paths.at("/~1api~1releases/get/summary").asString()).isNotEqualTo("Not the gateway's");
        assertThat(paths.has("/api/backups")).isTrue();
        assertThat(paths.has("/api/backups/{id}")).isTrue();
        assertThat(paths.has("/api/audit/events")).isTrue();
        assertThat(paths.has("/api/dora")).isTrue();
        assertThat(paths.has("/api/applications/{application}")).isTrue();
        assertThat(paths.has("/api/targets/webhook/callback/{releaseId}")).isTrue();
        assertThat(paths.get("/api/targets/webhook/callback/{releaseId}").has("get"))
                .isFalse();
        // what no route forwards stays out
        assertThat(paths.has("/api/applications/{application}/environments/{environment}/promotion"))
                .isFalse();
        assertThat(paths.has("/internal/reindex")).isFalse();
        // alert-service is down: its paths are missing, and the document says so
        assertThat(paths.has("/api/silences")).isFalse();
        assertThat(doc.get("x-relops-unavailable"))
                .extracting(JsonNode::asString)
                .containsExactly("alert-service");
        assertThat(doc.at("/info/description").asString()).contains("INCOMPLETE", "alert-service");

        // the backend's own Problem is another shape: renamed, the gateway's kept
        assertThat(doc.at("/components/schemas/Problem/properties/errors/items/properties/field")
                        .isMissingNode())
                .isFalse();
        assertThat(doc.at("/paths/~1api~1backups~1{id}/get/responses/404/content/application~1problem+json/schema/$ref")
                        .asString())
                .isEqualTo("#/components/schemas/BackupServiceProblem");
        assertThat(doc.at("/components/schemas/BackupServiceProblem/properties/code")
                        .isMissingNode())
                .isFalse();
        assertThat(doc.at("/components/schemas/Unused").isMissingNode()).isTrue();
        // routed operations answer the gateway's problems too
        assertThat(doc.at("/paths/~1api~1dora/get/responses/503/content").has("application/problem+json"))
                .isTrue();

        // every operation has a summary and a unique operationId; every schema reference resolves
        List<String> operationIds = new ArrayList<>();
        paths.properties()
                .forEach(path -> path.getValue().properties().forEach(operation -> {
                    if (List.of("get", "put", "post", "delete", "patch", "head", "options", "trace")
                            .contains(operation.getKey())) {
                        assertThat(operation.getValue().path("summary").asString())
                                .as(operation.getKey() + " " + path.getKey())
                                .isNotBlank();
                        operationIds.add(
                                operation.getValue().path("operationId").asString());
                    }
                }));
        assertThat(operationIds).doesNotHaveDuplicates().doesNotContain("");
        assertThat(operationIds).contains("list", "deployServiceList");
        assertThat(doc.at("/paths/~1api~1dora/get/summary").asString()).isEqualTo("Deploy service list");
        java.util.regex.Matcher refs = java.util.regex.Pattern.compile("\"#/components/schemas/([^\"]+)\"")
                .matcher(response.body());
        while (refs.find()) {
            assertThat(doc.at("/components/schemas").has(refs.group(1)))
                    .as(refs.group())
                    .isTrue();
        }
    }

    @Test
    void theMergedDocumentHasNoRedoclyErrors() throws Exception {
        assumeTrue(Redocly.find() != null, Redocly.ABSENT);
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v3/api-docs")));
        Path document = Files.createDirectories(Path.of("target", "openapi")).resolve("gateway-routes-it.json");
        Files.writeString(document, response.body());

        Redocly.Lint lint = Redocly.lint(document);

        assertThat(lint.errorList()).as("redocly lint of " + document).isEmpty();
        assertThat(lint.errors()).isZero();
    }

    private HttpRequest.Builder get(String path, String token) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static final String PROBLEM =
            "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"no backup no-such-backup\"}";

    /**
     * The OpenAPI document the stand-in serves for backup-, audit- and deploy-service alike: each route takes the
     * paths it forwards. A path no route forwards, the GET of a POST-only route, a path the gateway serves itself,
     * a Problem of another shape than the gateway's, a schema nothing uses and an operationId two backends use.
     */
    private static final String BACKEND_DOCUMENT = """
            {"openapi": "3.1.0", "info": {"title": "stand-in", "version": "v0"},
             "paths": {
               "/api/backups": {"get": {"operationId": "listBackups", "responses": {"200": {"description": "ok",
                   "content": {"application/json": {"schema": {"type": "array",
                     "items": {"$ref": "#/components/schemas/Backup"}}}}}}}},
               "/api/backups/{id}": {"get": {"operationId": "backup",
                   "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                   "responses": {"200": {"description": "ok", "content": {"application/json": {"schema":
                     {"$ref": "#/components/schemas/Backup"}}}},
                     "404": {"description": "no such backup", "content": {"application/problem+json": {"schema":
                     {"$ref": "#/components/schemas/Problem"}}}}}}},
               "/api/audit/events": {"get": {"operationId": "list", "responses": {"200": {"description": "ok"}}}},
               "/api/dora": {"get": {"operationId": "list", "responses": {"200": {"description": "ok"}}}},
               "/api/applications/{application}": {"get": {"operationId": "application",
                   "parameters": [{"name": "application", "in": "path", "required": true,
                     "schema": {"type": "string"}}],
                   "responses": {"200": {"description": "ok"}}}},
               "/api/applications/{application}/environments/{environment}/promotion": {"get": {
                   "operationId": "promotion", "responses": {"200": {"description": "ok"}}}},
               "/api/targets/webhook/callback/{releaseId}": {
                 "get": {"operationId": "peek", "responses": {"200": {"description": "ok"}}},
                 "post": {"operationId": "callback",
                   "parameters": [{"name": "releaseId", "in": "path", "required": true,
                     "schema": {"type": "string"}}],
                   "responses": {"202": {"description": "accepted"}}}},
               "/api/releases": {"get": {"summary": "Not the gateway's", "operationId": "releases",
                   "responses": {"200": {"description": "ok"}}}},
               "/internal/reindex": {"post": {"operationId": "reindex", "responses": {"202": {"description": "ok"}}}}
             },
             "components": {"schemas": {
               "Backup": {"type": "object", "properties": {"id": {"type": "string"},
                 "application": {"type": "string"}}},
               "Problem": {"type": "object", "properties": {"code": {"type": "integer"}}},
               "Unused": {"type": "object"}
             }}}
            """;

    private static HttpServer startBackend() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
            server.createContext("/api/backups", BackendRoutesIT::backups);
            server.createContext("/api/audit/export", BackendRoutesIT::export);
            server.createContext("/api/targets/webhook/callback/", BackendRoutesIT::callback);
            server.createContext(
                    "/v3/api-docs", exchange -> respond(exchange, 200, "application/json", BACKEND_DOCUMENT));
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void backups(HttpExchange exchange) throws IOException {
        seenAuthorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
        seenActor.set(exchange.getRequestHeaders().getFirst("X-Relops-Actor"));
        seenQuery.set(exchange.getRequestURI().getRawQuery());
        String path = exchange.getRequestURI().getPath();
        if (exchange.getRequestMethod().equals("POST")) {
            seenBody.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.getResponseHeaders().set("Location", "/api/backups/42");
            respond(exchange, 202, "application/json", "{\"id\":\"42\",\"status\":\"REQUESTED\"}");
        } else if (path.equals("/api/backups")) {
            respond(exchange, 200, "application/json", "[{\"id\":\"42\",\"application\":\"demo-app\"}]");
        } else {
            respond(exchange, 404, "application/problem+json", PROBLEM);
        }
    }

    private static void callback(HttpExchange exchange) throws IOException {
        seenAuthorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
        seenSignature.set(exchange.getRequestHeaders().getFirst("X-Relops-Signature"));
        seenPath.set(exchange.getRequestURI().getPath());
        seenBytes.set(exchange.getRequestBody().readAllBytes());
        exchange.sendResponseHeaders(202, -1);
        exchange.close();
    }

    private static void export(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/jsonl");
        exchange.sendResponseHeaders(200, 0);
        byte[] line = new byte[1024];
        Arrays.fill(line, (byte) 'x');
        line[line.length - 1] = '\n';
        try (OutputStream out = exchange.getResponseBody()) {
            for (long written = 0; written < EXPORT_BYTES; written += line.length) {
                if (written == 256 * 1024) {
                    out.flush();
                    try {
                        if (!firstChunkReceived.await(30, TimeUnit.SECONDS)) {
                            return; // the caller never saw the first bytes: end the export short
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                out.write(line);
                exportWritten.set(written + line.length);
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
