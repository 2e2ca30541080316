package io.relops.deploy.targets;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.relops.deploy.catalog.DeployCatalog.MatchSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The builtin router over real HTTP: exact weights, and the header or cookie that reaches the canary. */
class StableRouterTest {

    static {
        // the JDK's server otherwise waits for delayed ACKs (40 ms a request)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private HttpServer blue;
    private HttpServer green;
    private StableRouter router;
    private URI stable;

    @BeforeEach
    void start() throws IOException {
        blue = slot("blue");
        green = slot("green");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        router = new StableRouter("demo-app in test", port);
        router.start();
        stable = URI.create("http://127.0.0.1:" + port + "/");
    }

    @AfterEach
    void stop() {
        router.stop();
        blue.stop(0);
        green.stop(0);
    }

    @Test
    void sendsExactlyTheCanarysWeightOfEveryHundredRequests() throws Exception {
        router.route(Traffic.split("blue", endpoint(blue), "green", endpoint(green), 20), null);

        assertThat(answers(300)).containsExactlyInAnyOrderEntriesOf(Map.of("blue", 240L, "green", 60L));
    }

    @Test
    void theMatchingHeaderReachesTheCanaryBeforeAnyWeightIsShifted() throws Exception {
        router.route(
                Traffic.split("blue", endpoint(blue), "green", endpoint(green), 0),
                new MatchSpec("X-Canary", null, "always"));

        assertThat(answers(50)).containsOnlyKeys("blue");
        assertThat(answers(50, "X-Canary", "always")).containsOnlyKeys("green");
        assertThat(answers(20, "X-Canary", "never")).containsOnlyKeys("blue");

        router.route(Traffic.all("blue", endpoint(blue)), new MatchSpec("X-Canary", null, "always"));
        assertThat(answers(20, "X-Canary", "always"))
                .as("without a canary slot everyone reaches the stable one")
                .containsOnlyKeys("blue");
    }

    @Test
    void theMatchingCookieReachesTheCanary() throws Exception {
        router.route(
                Traffic.split("blue", endpoint(blue), "green", endpoint(green), 0),
                new MatchSpec(null, "canary", "always"));

        assertThat(answers(20, "Cookie", "session=1; canary=always")).containsOnlyKeys("green");
        assertThat(answers(20, "Cookie", "session=1")).containsOnlyKeys("blue");
    }

    private Map<String, Long> answers(int requests, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(stable);
        if (headers.length > 0) {
            request.headers(headers);
        }
        Map<String, Long> bySlot = new TreeMap<>();
        for (int i = 0; i < requests; i++) {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            bySlot.merge(response.body(), 1L, Long::sum);
        }
        return bySlot;
    }

    private static HttpServer slot(String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static String endpoint(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }
}
