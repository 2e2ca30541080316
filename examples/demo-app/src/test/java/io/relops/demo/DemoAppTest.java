package io.relops.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoAppTest {

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(DemoApp app, String path) throws Exception {
        return send(app, path, HttpRequest.BodyPublishers.noBody(), "GET");
    }

    private HttpResponse<String> post(DemoApp app, String path) throws Exception {
        return send(app, path, HttpRequest.BodyPublishers.ofString("{\"item\":\"demo\"}"), "POST");
    }

    private HttpResponse<String> send(DemoApp app, String path, HttpRequest.BodyPublisher body, String method)
            throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                        .method(method, body)
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The exposition's lines for one series name whose labels include every one given (in any order). */
    private static List<String> series(String exposition, String name, String... labels) {
        return exposition
                .lines()
                .filter(line -> line.startsWith(name + "{"))
                .filter(line -> List.of(labels).stream().allMatch(line::contains))
                .toList();
    }

    @Test
    void reportsItsVersionAndIsHealthy() throws Exception {
        try (DemoApp app = DemoApp.start("1.1.0", 0)) {
            assertThat(get(app, "/").body()).isEqualTo("{\"application\":\"demo-app\",\"version\":\"1.1.0\"}");
            assertThat(get(app, "/health").statusCode()).isEqualTo(200);
            assertThat(get(app, "/elsewhere").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aBrokenVersionFailsItsHealthEndpoint() throws Exception {
        try (DemoApp app = DemoApp.start("2.0.0-broken", 0)) {
            assertThat(get(app, "/").statusCode()).isEqualTo(200);
            HttpResponse<String> health = get(app, "/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("DOWN");
        }
    }

    @Test
    void confirmsACheckoutWithANewOrder() throws Exception {
        try (DemoApp app = DemoApp.start("1.1.0", 0)) {
            HttpResponse<String> first = post(app, "/checkout");
            HttpResponse<String> second = post(app, "/checkout");

            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(first.body())
                    .matches("\\{\"order\":\"[0-9a-f-]{36}\",\"status\":\"confirmed\",\"version\":\"1.1.0\"}");
            assertThat(second.body()).contains("\"status\":\"confirmed\"").isNotEqualTo(first.body());
        }
    }

    @Test
    void aBadCheckoutVersionFailsItsCheckoutWhileItsHealthStaysUp() throws Exception {
        try (DemoApp app = DemoApp.start("2.1.0-badcheckout", 0)) {
            HttpResponse<String> checkout = post(app, "/checkout");

            assertThat(checkout.statusCode()).isEqualTo(500);
            assertThat(checkout.body())
                    .startsWith("{\"error\":\"checkout failed: ")
                    .contains("\"version\":\"2.1.0-badcheckout\"");
            assertThat(get(app, "/health").statusCode()).isEqualTo(200);
            assertThat(get(app, "/").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void refusesOtherMethodsOnCheckoutNamingTheAllowedOne() throws Exception {
        try (DemoApp app = DemoApp.start("1.1.0", 0)) {
            for (String method : List.of("GET", "PUT", "DELETE")) {
                HttpResponse<String> response = send(app, "/checkout", HttpRequest.BodyPublishers.noBody(), method);

                assertThat(response.statusCode()).as(method).isEqualTo(405);
                assertThat(response.headers().firstValue("Allow")).as(method).hasValue("POST");
            }
            assertThat(post(app, "/metrics").statusCode()).isEqualTo(405);
        }
    }

    @Test
    void aSlowVersionAddsItsLatencyToItsPagesButNotToHealthOrMetrics() throws Exception {
        Duration latency = Duration.ofMillis(600);
        try (DemoApp app = DemoApp.start("3.0.0-slow", 0, latency)) {
            get(app, "/health"); // the first exchange of a client and a server pays for their class loading

            assertThat(timed(() -> get(app, "/"))).isGreaterThanOrEqualTo(latency);
            assertThat(timed(() -> post(app, "/checkout"))).isGreaterThanOrEqualTo(latency);
            assertThat(timed(() -> get(app, "/health"))).isLessThan(latency);
            assertThat(timed(() -> get(app, "/metrics"))).isLessThan(latency);
        }
    }

    @Test
    void aSlowVersionAddsThreeHundredMillisecondsByDefault() throws Exception {
        try (DemoApp app = DemoApp.start("3.0.0-slow", 0)) {
            assertThat(timed(() -> post(app, "/checkout"))).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
    }

    @Test
    void aVersionThatIsNotSlowAddsNoLatency() throws Exception {
        try (DemoApp app = DemoApp.start("3.0.0", 0, Duration.ofSeconds(5))) {
            assertThat(timed(() -> post(app, "/checkout"))).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void exposesRequestMetricsForPrometheusWithAHistogramPerEndpointAndStatus() throws Exception {
        try (DemoApp app = DemoApp.start("2.1.0-badcheckout", 0)) {
            post(app, "/checkout");
            get(app, "/");
            get(app, "/no-such-page");
            get(app, "/metrics");

            HttpResponse<String> metrics = get(app, "/metrics");

            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type"))
                    .hasValue("text/plain; version=0.0.4; charset=utf-8");
            String exposition = metrics.body();
            String[] badCheckout = {
                "application=\"demo-app\"",
                "version=\"2.1.0-badcheckout\"",
                "method=\"POST\"",
                "uri=\"/checkout\"",
                "status=\"500\"",
                "outcome=\"SERVER_ERROR\""
            };
            assertThat(series(exposition, "http_server_requests_seconds_bucket", badCheckout))
                    .hasSizeGreaterThan(10)
                    .anyMatch(line -> line.contains("le=\"+Inf\"") && line.endsWith(" 1"));
            assertThat(series(exposition, "http_server_requests_seconds_count", badCheckout))
                    .singleElement()
                    .satisfies(line -> assertThat(line).endsWith(" 1"));
            assertThat(series(
                            exposition,
                            "http_server_requests_seconds_count",
                            "uri=\"/\"",
                            "status=\"200\"",
                            "outcome=\"SUCCESS\""))
                    .singleElement()
                    .satisfies(line -> assertThat(line).endsWith(" 1"));
            assertThat(series(
                            exposition,
                            "http_server_requests_seconds_count",
                            "uri=\"UNKNOWN\"",
                            "status=\"404\"",
                            "outcome=\"CLIENT_ERROR\""))
                    .singleElement()
                    .satisfies(line -> assertThat(line).endsWith(" 1"));
            // /metrics is not timed: its own scrapes add no series
            assertThat(series(exposition, "http_server_requests_seconds_count")).hasSize(3);
        }
    }

    @Test
    void readsItsCommandLineAndRefusesBadValuesNamingTheOption() {
        assertThat(Settings.parse("--version=1.2.0-slow", "--port=0", "--latency-ms=750", "--data-dir=data/x"))
                .isEqualTo(new Settings("1.2.0-slow", 0, Duration.ofMillis(750), Path.of("data/x")));
        assertThat(Settings.parse()).isEqualTo(new Settings("0.0.0", 9001, Duration.ofMillis(300), null));

        assertThatThrownBy(() -> Settings.parse("--latency-ms=fast"))
                .hasMessage("--latency-ms: 'fast' is not a whole number");
        assertThatThrownBy(() -> Settings.parse("--latency-ms=-5")).hasMessageStartingWith("--latency-ms: -5 ms");
        assertThatThrownBy(() -> Settings.parse("--port=70000")).hasMessageStartingWith("--port: 70000 is not a port");
        assertThatThrownBy(() -> Settings.parse("--version=1.0\"}")).hasMessageStartingWith("--version: '1.0\"}'");
        assertThatThrownBy(() -> Settings.parse("--slow=1")).hasMessageStartingWith("unknown option '--slow=1'");
    }

    private interface Exchange {
        void run() throws Exception;
    }

    private static Duration timed(Exchange exchange) throws Exception {
        long start = System.nanoTime();
        exchange.run();
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
