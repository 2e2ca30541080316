package io.relops.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class DemoAppTest {

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(DemoApp app, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void reportsItsVersionAndIsHealthy() throws Exception {
        DemoApp app = new DemoApp("1.1.0", 0);
        app.start();
        try {
            assertThat(get(app, "/").body()).contains("\"version\":\"1.1.0\"");
            assertThat(get(app, "/health").statusCode()).isEqualTo(200);
        } finally {
            app.stop();
        }
    }

    @Test
    void aBrokenVersionFailsItsHealthEndpoint() throws Exception {
        DemoApp app = new DemoApp("2.0.0-broken", 0);
        app.start();
        try {
            assertThat(get(app, "/").statusCode()).isEqualTo(200);
            HttpResponse<String> health = get(app, "/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("DOWN");
        } finally {
            app.stop();
        }
    }
}
