package io.relops.cli;

import io.relops.common.codec.EventJson;
import io.relops.testkit.RealPrometheus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What the walking skeleton's monitoring tests share: a real Prometheus configuration scraping every service of the
 * suite as docs/observability.md tells operators to, the targets' state as Prometheus reports it, a strict
 * OpenMetrics parser (python3-prometheus-client's) and the meter registration failures Micrometer logs.
 */
final class SuiteMonitoring {

    /** Why the OpenMetrics check skips where the parser is absent. */
    static final String PARSER_ABSENT = "no python3 with prometheus_client (apt-get install python3-prometheus-client;"
            + " .ci/run does it): the strict OpenMetrics parse of every service's scrape is SKIPPED";

    /**
     * Micrometer's warnings when a meter is not registered (PrometheusMeterRegistry, through its warn-then-debug
     * logger: "The meter (...) registration has failed: Prometheus requires that all meters with the same name have
     * the same set of tag keys / the same type. There is already an existing meter named ..."). The suite logs that
     * logger at DEBUG, so that every failure is there, not only the first.
     */
    static final Pattern METER_REGISTRATION_FAILED = Pattern.compile(
            "registration has failed|requires that all meters with the same name|There is already an existing meter");

    /** Parses stdin as OpenMetrics 1.0, strictly; prints the families and the exemplars it found. */
    private static final String PARSE = """
            import sys
            from prometheus_client.openmetrics.parser import text_string_to_metric_families
            families = list(text_string_to_metric_families(sys.stdin.read()))
            exemplars = sum(1 for f in families for s in f.samples if s.exemplar is not None)
            print("families=%d exemplars=%d" % (len(families), exemplars))
            """;

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private SuiteMonitoring() {}

    /**
     * A Prometheus configuration scraping {@code /actuator/prometheus} of every service ({@code urls}: service name
     * to base URL) with the {@code metrics} token from a credentials file, each target labelled with its service.
     */
    static String scrapeConfig(Path workDir, Map<String, String> urls, String metricsToken) throws IOException {
        Path tokenFile = workDir.resolve("metrics-token");
        Files.writeString(tokenFile, metricsToken);
        StringBuilder targets = new StringBuilder();
        urls.forEach((service, url) -> {
            URI uri = URI.create(url);
            targets.append("""
                          - targets: ["%s:%d"]
                            labels:
                              target_service: %s
                    """.formatted(uri.getHost(), uri.getPort(), service));
        });
        return """
                global:
                  scrape_interval: 5s
                  scrape_timeout: 5s
                scrape_configs:
                  - job_name: relops
                    metrics_path: /actuator/prometheus
                    authorization:
                      credentials_file: %s
                    static_configs:
                %s""".formatted(tokenFile, targets);
    }

    /** A scrape target as Prometheus reports it ({@code /api/v1/targets}). */
    record Target(String service, String health, String lastError) {

        @Override
        public String toString() {
            return service + " " + health + (lastError.isEmpty() ? "" : " (" + lastError + ")");
        }
    }

    /** Prometheus' active targets, with their health ({@code up}, {@code down}, {@code unknown}) and last error. */
    static List<Target> targets(RealPrometheus prometheus) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(prometheus.url() + "/api/v1/targets?state=active"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode answer = EventJson.mapper().readTree(response.body());
        List<Target> targets = new ArrayList<>();
        for (JsonNode target : answer.path("data").path("activeTargets")) {
            targets.add(new Target(
                    target.path("labels").path("target_service").asString(),
                    target.path("health").asString(),
                    target.path("lastError").asString()));
        }
        return targets;
    }

    /** The value of {@code up} of each service's target now, e.g. {@code {gateway-service=1, ...}}. */
    static Map<String, String> up(RealPrometheus prometheus) throws IOException, InterruptedException {
        return byService(prometheus, "up");
    }

    /**
     * The value of each series of {@code promql} (one per service: e.g. {@code sum by (target_service) (...)}) now, by
     * its {@code target_service} label.
     */
    static Map<String, String> byService(RealPrometheus prometheus, String promql)
            throws IOException, InterruptedException {
        JsonNode answer = EventJson.mapper().readTree(prometheus.query(promql));
        Map<String, String> values = new TreeMap<>();
        for (JsonNode series : answer.path("data").path("result")) {
            values.put(
                    series.path("metric").path("target_service").asString(),
                    series.path("value").path(1).asString());
        }
        return values;
    }

    /** The labels Prometheus adds to every series of a target (its job, instance and the scrape config's label). */
    static final Set<String> TARGET_LABELS = Set.of("__name__", "job", "instance", "target_service");

    /**
     * Spring Kafka's send timer, observed (every template: Boot's, the binder's, the outbox relay's):
     * {@code spring.kafka.template} in Micrometer's Prometheus naming. Its {@code _count} is in every timer's output.
     */
    static final String KAFKA_SEND_TIMER = "spring_kafka_template_seconds";

    /**
     * Tag keys of the observed send timer (spring-kafka's KafkaTemplateObservation, Micrometer's {@code error}); the
     * legacy timer has {@code name, result, exception} instead.
     */
    static final List<String> KAFKA_SEND_TIMER_OBSERVATION_KEYS =
            List.of("spring_kafka_template_name", "messaging_destination_name", "error");

    /**
     * The tag keys of each series of {@code metric} as Prometheus scraped them, by service (without the labels
     * Prometheus adds, {@link #TARGET_LABELS}): the different key sets each service exports it with.
     */
    static Map<String, Set<Set<String>>> tagKeys(RealPrometheus prometheus, String metric)
            throws IOException, InterruptedException {
        JsonNode answer = EventJson.mapper().readTree(prometheus.query(metric));
        Map<String, Set<Set<String>>> keys = new TreeMap<>();
        for (JsonNode series : answer.path("data").path("result")) {
            JsonNode labels = series.path("metric");
            Set<String> tags = new TreeSet<>(labels.propertyNames());
            tags.removeAll(TARGET_LABELS);
            keys.computeIfAbsent(labels.path("target_service").asString(), service -> new LinkedHashSet<>())
                    .add(tags);
        }
        return keys;
    }

    /** The python3 that has prometheus_client (Debian's own first: a pyenv shim on the PATH may lack it), or null. */
    static @Nullable String pythonWithParser() {
        for (String python : List.of("/usr/bin/python3", "python3")) {
            try {
                Process probe = new ProcessBuilder(python, "-c", "import prometheus_client.openmetrics.parser")
                        .redirectErrorStream(true)
                        .start();
                probe.getInputStream().readAllBytes();
                if (probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0) {
                    return python;
                }
            } catch (IOException e) {
                // not there: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /** The parser's verdict: its exit code and output ({@code families=N exemplars=M}, or the parse error). */
    record Parsed(int exitCode, String output) {

        int exemplars() {
            var matcher = Pattern.compile("exemplars=(\\d+)").matcher(output);
            return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
        }
    }

    /** Parses {@code openMetrics} with prometheus_client's strict OpenMetrics parser, run by {@code python}. */
    static Parsed parseOpenMetrics(String python, String openMetrics) {
        try {
            Process process = new ProcessBuilder(python, "-c", PARSE)
                    .redirectErrorStream(true)
                    .start();
            try (var stdin = process.getOutputStream()) {
                stdin.write(openMetrics.getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("the OpenMetrics parser did not finish in 60 s");
            }
            return new Parsed(process.exitValue(), output.strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The lines of {@code log} where Micrometer said a meter could not be registered. */
    static List<String> meterRegistrationFailures(Path log) throws IOException {
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(line -> METER_REGISTRATION_FAILED.matcher(line).find())
                    .toList();
        }
    }
}
