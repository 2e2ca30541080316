package io.relops.gateway.it;

import com.sun.net.httpserver.HttpServer;
import io.relops.gateway.GatewayServiceApplication;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import io.relops.testkit.RelopsTopics;
import io.relops.testkit.TestCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One gateway-service per test JVM on the testkit's real broker and PostgreSQL (its own database and
 * topics), with the API tokens below, and a stand-in for the services behind it (an HTTP server in the
 * test JVM: deploy-service's release query with the releases a test registers, its promotion check with the
 * answers a test registers, a problem+json 404 for every other id and every other backend path).
 */
final class TestGateway {

    static final String OPERATOR = TestCredentials.token("operator");
    static final String APPROVER = TestCredentials.token("approver");
    static final String ADMIN = TestCredentials.token("admin");

    private static TestGateway instance;

    private final HttpClient http = HttpClient.newHttpClient();

    final RelopsTopics topics = RelopsTopics.unique("gw-it");
    final String jdbcUrl = Postgres.freshDatabase("gateway_it");
    final URI baseUrl;
    final ConfigurableApplicationContext context;
    private final Map<UUID, String> releases = new ConcurrentHashMap<>();
    private final Map<String, String> promotions = new ConcurrentHashMap<>();

    private TestGateway() throws IOException {
        createTopics();
        HttpServer deploy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        deploy.createContext("/api/releases/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String id = exchange.getRequestURI().getPath().substring("/api/releases/".length());
            String release = null;
            try {
                release = releases.get(UUID.fromString(id));
            } catch (IllegalArgumentException e) {
                // not a UUID: no such release
            }
            byte[] body = (release == null ? "{\"title\":\"Not Found\",\"status\":404}" : release)
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders()
                    .add("Content-Type", release == null ? "application/problem+json" : "application/json");
            exchange.sendResponseHeaders(release == null ? 404 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        // deploy-service's promotion check: ready unless a test registered another answer for the version; for
        // version 7.7.7 the connection is closed without an answer (deploy-service gone mid-request)
        deploy.createContext("/api/applications/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String query = String.valueOf(exchange.getRequestURI().getQuery());
            String version = query.startsWith("version=") ? query.substring("version=".length()) : "";
            if (version.equals("7.7.7")) {
                exchange.close();
                return;
            }
            String path = exchange.getRequestURI().getPath();
            String answer = path.endsWith("/promotion")
                    ? promotions.getOrDefault(version, "{\"ready\":true,\"missing\":\"none\"}")
                    : "{\"application\":\"shelf\",\"environments\":[]}";
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        // the other paths of the services behind the gateway: the lists (empty), else a relops backend's 404
        deploy.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes(); // as a real backend, read what was sent before answering
            String path = exchange.getRequestURI().getPath();
            boolean list = exchange.getRequestMethod().equals("GET")
                    && (path.equals("/api/releases") || path.equals("/api/audit/events"));
            byte[] body = (list ? "[]" : "{\"title\":\"Not Found\",\"status\":404}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", list ? "application/json" : "application/problem+json");
            exchange.sendResponseHeaders(list ? 200 : 404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        deploy.start();
        Path catalog = Files.createTempFile("gateway-it-catalog", ".yml");
        Files.writeString(catalog, """
                relops:
                  applications:
                    shop:
                      environments:
                        prod:
                          approval:
                            required: true
                        staging:
                          approval:
                            required: false
                    shelf:
                      environments:
                        staging:
                          approval:
                            required: false
                        production:
                          promotion:
                            from: staging
                """);
        context = new SpringApplicationBuilder(GatewayServiceApplication.class)
                .run(topics.serviceArgs(
                        jdbcUrl,
                        "--RELOPS_CATALOG=" + catalog,
                        "--RELOPS_DEPLOY_URL=http://127.0.0.1:"
                                + deploy.getAddress().getPort(),
                        "--RELOPS_AUDIT_URL=http://127.0.0.1:"
                                + deploy.getAddress().getPort(),
                        "--RELOPS_BACKUP_URL=http://127.0.0.1:"
                                + deploy.getAddress().getPort(),
                        "--RELOPS_ALERT_URL=http://127.0.0.1:"
                                + deploy.getAddress().getPort(),
                        // the rate limit has its own test; here it must not get in the way of the fuzzer
                        "--relops.gateway.rate-limit.limit-for-period=1000000",
                        "--logging.level.root=WARN"));
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        baseUrl = URI.create("http://127.0.0.1:" + port);
    }

    static synchronized TestGateway get() {
        if (instance == null) {
            try {
                instance = new TestGateway();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    /** POSTs {@code body} with a bearer token and, unless null, an Idempotency-Key. */
    HttpResponse<String> post(String path, String token, String key, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve(path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GETs {@code path} with a bearer token. */
    HttpResponse<String> get(String path, String token) throws Exception {
        return http.send(
                HttpRequest.newBuilder(baseUrl.resolve(path))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** deploy-service answers this release for {@code id} from now on. */
    void release(UUID id, String status, String requestedBy) {
        releases.put(id, """
                {"id":"%s","application":"shop","environment":"prod","status":"%s","requestedBy":"%s","paused":false}
                """.formatted(id, status, requestedBy));
    }

    /** deploy-service's promotion check answers {@code json} for {@code version} from now on. */
    void promotion(String version, String json) {
        promotions.put(version, json);
    }

    private void createTopics() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Kafka.bootstrapServers()))) {
            admin.createTopics(List.of(topics.all()).stream()
                            .map(t -> new NewTopic(t, 1, (short) 1))
                            .toList())
                    .all()
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the test topics", e);
        }
    }
}
