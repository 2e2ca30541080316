package io.relops.testkit;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A real Alertmanager for tests: Debian's {@code prometheus-alertmanager} binary (package {@code
 * prometheus-alertmanager}, installed by {@code .ci/run}) started on a free local port with a temporary configuration
 * and storage, without clustering ({@code --cluster.listen-address=} empty: no gossip port). A test calling {@link
 * #startWithConfig} is skipped, with a message naming the package, where the binary is absent.
 */
public final class RealAlertmanager implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final ToolProcess process;
    private final String url;
    private final HttpClient http = HttpClient.newHttpClient();

    private RealAlertmanager(ToolProcess process, String url) {
        this.process = process;
        this.url = url;
    }

    /**
     * Starts Alertmanager with the configuration {@code config} writes (given the server's own temporary directory,
     * for files it refers to); returns once it is ready.
     */
    public static RealAlertmanager startWithConfig(RealPrometheus.ConfigWriter config) throws IOException {
        String binary = ToolProcess.require("prometheus-alertmanager", "prometheus-alertmanager");
        int port = ToolProcess.freePort();
        Path workDir = Files.createTempDirectory("relops-alertmanager-it");
        Path configFile = workDir.resolve("alertmanager.yml");
        Files.writeString(configFile, config.write(workDir));
        ToolProcess process = ToolProcess.start(
                "alertmanager",
                workDir,
                List.of(
                        binary,
                        "--config.file=" + configFile,
                        "--storage.path=" + workDir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port,
                        "--cluster.listen-address="));
        RealAlertmanager alertmanager = new RealAlertmanager(process, "http://127.0.0.1:" + port);
        try {
            await().atMost(WAIT)
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(() -> alertmanager.send("GET", "/-/ready", null).statusCode() == 200);
        } catch (RuntimeException e) {
            String log = alertmanager.log();
            alertmanager.close();
            throw new IllegalStateException("Alertmanager did not get ready: " + log, e);
        }
        return alertmanager;
    }

    /** Alertmanager's base URL, {@code http://127.0.0.1:<port>}. */
    public String url() {
        return url;
    }

    /** Pushes alerts (a JSON array of API v2 postable alerts) as Prometheus does: {@code POST /api/v2/alerts}. */
    public void pushAlerts(String json) throws IOException, InterruptedException {
        HttpResponse<String> response = send("POST", "/api/v2/alerts", json);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "Alertmanager refused the alerts: " + response.statusCode() + " " + response.body());
        }
    }

    /** A GET of Alertmanager's own API, e.g. {@code /metrics} or {@code /api/v2/alerts}: the body. */
    public String get(String path) throws IOException, InterruptedException {
        return send("GET", path, null).body();
    }

    /** What Alertmanager has logged so far (for a failing test's message). */
    public String log() {
        return process.log();
    }

    private HttpResponse<String> send(String method, String path, @Nullable String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10));
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        process.close();
    }
}
