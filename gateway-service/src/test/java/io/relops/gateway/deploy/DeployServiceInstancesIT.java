package io.relops.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.relops.gateway.release.Backends;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import io.relops.testkit.TestCredentials;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gateway in front of three deploy-service instances, one of them down (its port refuses connections) and two
 * stand-ins that record what reaches them: the routes and the gateway's own calls keep answering, a request that
 * the dead instance refused goes to a live one, and a POST reaches exactly one instance, even when that instance
 * fails after receiving it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DeployServiceInstancesIT {

    private static final String OPERATOR = TestCredentials.token("operator");
    private static final int CALLS = 12;

    private static final int downPort = freePort();
    private static final Instance first = new Instance("first");
    private static final Instance second = new Instance("second");

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    Backends backends;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("relops.kafka.bootstrap-servers", Kafka::bootstrapServers);
        String database = Postgres.freshDatabase("gateway_deploy_instances");
        registry.add("relops.database.url", () -> database);
        // the dead instance first: the round robin starts anywhere, and every instance is chosen in turn
        registry.add(
                "relops.gateway.deploy-url",
                () -> "http://127.0.0.1:" + downPort + "," + first.url() + "," + second.url());
        registry.add("relops.gateway.audit-url", () -> "http://127.0.0.1:" + downPort);
        TestCredentials.properties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @AfterAll
    static void stopInstances() {
        first.server.stop(0);
        second.server.stop(0);
    }

    @BeforeEach
    void forget() {
        first.requests.clear();
        second.requests.clear();
    }

    @Test
    void routesEveryQueryToALiveInstanceAndSpreadsThem() throws Exception {
        for (int i = 0; i < CALLS; i++) {
            HttpResponse<String> response =
                    send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/dora?days=" + i))
                            .header("Authorization", "Bearer " + OPERATOR));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"dora\":true}");
        }

        assertThat(first.requests.size() + second.requests.size()).isEqualTo(CALLS);
        assertThat(first.requests).isNotEmpty();
        assertThat(second.requests).isNotEmpty();
    }

    @Test
    void relaysEachWebhookCallbackToExactlyOneLiveInstanceWithItsBody() throws Exception {
        for (int i = 0; i < CALLS; i++) {
            String body = "{\"releaseId\":\"r-" + i + "\",\"slot\":\"green\"}";
            HttpResponse<String> response = send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + "/api/targets/webhook/callback/r-" + i))
                    .header("Content-Type", "application/json")
                    .header("X-Relops-Signature", "sha256=abc")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        }

        List<String> delivered = new java.util.ArrayList<>(first.requests);
        delivered.addAll(second.requests);
        assertThat(delivered)
                .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, CALLS)
                        .mapToObj(i -> "POST /api/targets/webhook/callback/r-" + i + " {\"releaseId\":\"r-" + i
                                + "\",\"slot\":\"green\"}")
                        .toList());
    }

    @Test
    void neverSendsAgainAPostThatReachedAnInstanceEvenWhenItFailed() throws Exception {
        for (int i = 0; i < 4; i++) {
            // the instance reads the body, then drops the connection without answering: it may have acted on it
            HttpResponse<String> response = send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + "/api/targets/webhook/callback/drop-" + i))
                    .header("Content-Type", "application/json")
                    .header("X-Relops-Signature", "sha256=abc")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"releaseId\":\"drop-" + i + "\"}")));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
            assertThat(response.body()).contains("\"backend\":\"deploy-service\"");
        }

        List<String> delivered = new java.util.ArrayList<>(first.requests);
        delivered.addAll(second.requests);
        assertThat(delivered)
                .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 4)
                        .mapToObj(i ->
                                "POST /api/targets/webhook/callback/drop-" + i + " {\"releaseId\":\"drop-" + i + "\"}")
                        .toList());
    }

    @Test
    void theGatewaysOwnCallsReachALiveInstance() {
        for (int i = 0; i < CALLS; i++) {
            List<Map<String, Object>> applications = backends.applications();

            assertThat(applications)
                    .extracting(application -> application.get("application"))
                    .containsExactly("demo-app");
        }

        assertThat(first.requests.size() + second.requests.size()).isEqualTo(CALLS);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A deploy-service stand-in: records each request ({@code METHOD path body}) and answers it. */
    private static final class Instance {

        final Queue<String> requests = new ConcurrentLinkedQueue<>();
        final HttpServer server;

        Instance(String name) {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            server.createContext("/", this::handle);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        private void handle(HttpExchange exchange) throws IOException {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            requests.add(exchange.getRequestMethod() + " " + path + (body.isEmpty() ? "" : " " + body));
            if (path.startsWith("/api/targets/webhook/callback/drop-")) {
                exchange.close();
            } else if (path.startsWith("/api/targets/webhook/callback/")) {
                respond(exchange, 202, "");
            } else if (path.equals("/api/applications")) {
                respond(exchange, 200, "[{\"application\":\"demo-app\"}]");
            } else {
                respond(exchange, 200, "{\"dora\":true}");
            }
        }

        private static void respond(HttpExchange exchange, int status, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
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
