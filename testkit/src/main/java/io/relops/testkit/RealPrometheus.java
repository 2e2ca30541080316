package io.relops.testkit;

import static org.awaitility.Awaitility.await;

import io.relops.common.codec.EventJson;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * A real Prometheus server for tests: the {@code prometheus} binary (Debian package {@code prometheus}, installed by
 * {@code .ci/run}) started on a free local port with a temporary configuration scraping {@code targets} ({@code
 * host:port}, path {@code /metrics}) every second. A test calling {@link #start} is skipped, with a message, where
 * the binary is absent. {@link #startWithConfig} takes a whole configuration (rule files, {@code alerting}, scrape jobs
 * with a bearer token). {@link #version} tells which Prometheus it is (Debian stable's is 2.x).
 */
public final class RealPrometheus implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern MAJOR = Pattern.compile("^(\\d+)\\.");

    private final ToolProcess process;
    private final String url;
    private final HttpClient http = HttpClient.newHttpClient();

    private RealPrometheus(ToolProcess process, String url) {
        this.process = process;
        this.url = url;
    }

    /** Starts Prometheus scraping {@code targets} every second; returns once it answers queries. */
    public static RealPrometheus start(List<String> targets) throws IOException {
        return startWithConfig(workDir ->
                """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: relops-it
                    static_configs:
                      - targets: [%s]
                """.formatted(targets.stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(", "))));
    }

    /**
     * Starts Prometheus with the configuration {@code config} writes (given the server's own temporary directory, for
     * files it refers to: rules, token files) and the command-line {@code flags} (e.g. {@code
     * --rules.alert.resend-delay=1s}); returns once it answers queries.
     */
    public static RealPrometheus startWithConfig(ConfigWriter config, String... flags) throws IOException {
        String binary = ToolProcess.require("prometheus", "prometheus");
        int port = ToolProcess.freePort();
        Path workDir = Files.createTempDirectory("relops-prometheus-it");
        Path configFile = workDir.resolve("prometheus.yml");
        Files.writeString(configFile, config.write(workDir));
        List<String> command = new ArrayList<>(List.of(
                binary,
                "--config.file=" + configFile,
                "--storage.tsdb.path=" + workDir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port));
        command.addAll(List.of(flags));
        ToolProcess process = ToolProcess.start("prometheus", workDir, command);
        RealPrometheus prometheus = new RealPrometheus(process, "http://127.0.0.1:" + port);
        try {
            await().atMost(WAIT)
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(() -> prometheus.query("vector(1)").contains("\"success\""));
        } catch (RuntimeException e) {
            prometheus.close();
            throw e;
        }
        return prometheus;
    }

    /** Writes a Prometheus configuration; {@code workDir} is the server's own temporary directory. */
    @FunctionalInterface
    public interface ConfigWriter {
        String write(Path workDir) throws IOException;
    }

    /** What Prometheus has logged so far (for a failing test's message). */
    public String log() {
        return process.log();
    }

    /** Prometheus' base URL, {@code http://127.0.0.1:<port>}. */
    public String url() {
        return url;
    }

    /** The running server's version as it reports it ({@code /api/v1/status/buildinfo}), e.g. {@code 2.42.0+ds}. */
    public Version version() throws IOException, InterruptedException {
        String body = http.send(
                        HttpRequest.newBuilder(URI.create(url + "/api/v1/status/buildinfo"))
                                .timeout(REQUEST_TIMEOUT)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        JsonNode version = EventJson.mapper().readTree(body).path("data").path("version");
        if (!version.isString() || version.asString().isBlank()) {
            throw new IllegalStateException("Prometheus' /api/v1/status/buildinfo has no data.version: " + body);
        }
        return new Version(version.asString());
    }

    /** A Prometheus version, e.g. {@code 2.42.0+ds} (Debian's) or {@code 3.5.0}. */
    public record Version(String text) {

        /** The major version: 2 for {@code 2.42.0+ds}. */
        public int major() {
            Matcher matcher = MAJOR.matcher(text);
            if (!matcher.find()) {
                throw new IllegalStateException("not a Prometheus version: " + text);
            }
            return Integer.parseInt(matcher.group(1));
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** The raw answer of an instant query. */
    public String query(String promql) throws IOException, InterruptedException {
        URI uri = URI.create(url + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        return http.send(
                        HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /**
     * Prometheus' own metrics ({@code /metrics}), e.g. {@code prometheus_notifications_sent_total}: what it sent to
     * its Alertmanagers, without scraping itself.
     */
    public String ownMetrics() throws IOException, InterruptedException {
        return http.send(
                        HttpRequest.newBuilder(URI.create(url + "/metrics"))
                                .timeout(REQUEST_TIMEOUT)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** Waits until an instant query's answer contains {@code expected} (e.g. the first scrapes arrived). */
    public void awaitAnswer(String promql, String expected) {
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> query(promql).contains(expected));
    }

    @Override
    public void close() {
        process.close();
    }
}
