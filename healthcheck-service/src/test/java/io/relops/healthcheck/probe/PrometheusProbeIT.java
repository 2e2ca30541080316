package io.relops.healthcheck.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.probe.HealthCatalog.ProbeSpec;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * The Prometheus probe against a real Prometheus server (the {@code prometheus} binary, Debian
 * package {@code prometheus}, installed by {@code .ci/run}): the test starts it on a free local port
 * with a temporary configuration that scrapes a local service's {@code /metrics} every second, then
 * probes with instant queries that pass, fail, return nothing, or are refused.
 */
class PrometheusProbeIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static HttpServer exporter;
    private static Process prometheus;
    private static String prometheusUrl;
    private static Path workDir;
    private static ProbeRunner runner;

    @BeforeAll
    static void start() throws Exception {
        String binary = findBinary();
        Assumptions.assumeTrue(
                binary != null,
                "the prometheus binary is not installed (apt-get install prometheus; .ci/run does it): skipping");
        exporter = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        exporter.createContext("/metrics", exchange -> {
            byte[] body = """
                    # HELP relops_demo_error_ratio Share of requests that failed.
                    # TYPE relops_demo_error_ratio gauge
                    relops_demo_error_ratio{application="shop"} 0.02
                    relops_demo_error_ratio{application="broken"} 0.2
                    """.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        exporter.start();

        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        workDir = Files.createTempDirectory("relops-prometheus-it");
        Path config = workDir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: relops-it
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(exporter.getAddress().getPort()));
        prometheus = new ProcessBuilder(
                        binary,
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + workDir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("prometheus.log").toFile())
                .start();
        prometheusUrl = "http://127.0.0.1:" + port;
        runner = new ProbeRunner(List.of(new PrometheusProbe(prometheusUrl)), new SimpleMeterRegistry(), 8);
        HttpClient http = HttpClient.newHttpClient();
        String up = prometheusUrl + "/api/v1/query?query="
                + URLEncoder.encode("count(relops_demo_error_ratio)", StandardCharsets.UTF_8);
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> http.send(
                                HttpRequest.newBuilder(URI.create(up)).build(), HttpResponse.BodyHandlers.ofString())
                        .body()
                        .contains("\"2\""));
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
        if (exporter != null) {
            exporter.stop(0);
        }
        if (runner != null) {
            runner.destroy();
        }
        if (workDir != null) {
            FileSystemUtils.deleteRecursively(workDir);
        }
    }

    private static String findBinary() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File candidate = new File(dir, "prometheus");
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        return null;
    }

    private static ProbeResult probe(String query, String comparison, double threshold, String application)
            throws Exception {
        ProbeSpec spec = new ProbeSpec(
                "error-rate",
                "prometheus",
                "GET",
                null,
                null,
                Set.of(200),
                null,
                null,
                null,
                "{host}:{port}",
                null,
                query,
                comparison,
                threshold,
                "inconclusive",
                Duration.ofSeconds(2));
        return runner.run(
                        spec,
                        new ProbeTarget(
                                application, "1.0.0", "blue", "http://127.0.0.1:1", List.of("127.0.0.1"), false))
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void passesWhenTheQueriedValueHoldsTheThreshold() throws Exception {
        ProbeResult result = probe("relops_demo_error_ratio{application=\"{application}\"}", "<", 0.05, "shop");
        assertThat(result.passed()).isTrue();
        assertThat(result.conclusive()).isTrue();
        assertThat(result.value()).isEqualTo("0.02");
        assertThat(result.threshold()).isEqualTo("< 0.05");
        assertThat(result.error()).isNull();
    }

    @Test
    void failsWhenItDoesNot() throws Exception {
        ProbeResult result = probe("relops_demo_error_ratio{application=\"{application}\"}", "<", 0.05, "broken");
        assertThat(result.passed()).isFalse();
        assertThat(result.conclusive()).isTrue();
        assertThat(result.value()).isEqualTo("0.2");
        assertThat(result.error()).contains("= 0.2, expected < 0.05");
    }

    @Test
    void judgesAScalarResult() throws Exception {
        ProbeResult result = probe("scalar(relops_demo_error_ratio{application=\"shop\"}) * 100", ">=", 2, "shop");
        assertThat(result.passed()).isTrue();
        assertThat(result.value()).isEqualTo("2");
    }

    @Test
    void anEmptyVectorIsInconclusive() throws Exception {
        ProbeResult result = probe("relops_demo_error_ratio{application=\"{application}\"}", "<", 0.05, "nobody");
        assertThat(result.passed()).isFalse();
        assertThat(result.inconclusive()).isTrue();
        assertThat(result.error()).contains("returned no data (empty vector)");
    }

    @Test
    void aRefusedQueryIsInconclusiveWithPrometheusError() throws Exception {
        ProbeResult result = probe("sum(relops_demo_error_ratio", "<", 0.05, "shop");
        assertThat(result.passed()).isFalse();
        assertThat(result.inconclusive()).isTrue();
        assertThat(result.error()).contains("Prometheus answered 400 bad_data").contains("parse error");
    }
}
