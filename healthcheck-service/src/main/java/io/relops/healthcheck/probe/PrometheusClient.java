package io.relops.healthcheck.probe;

import io.relops.common.codec.EventJson;
import io.relops.platform.redaction.Redaction;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Queries Prometheus' HTTP API (prometheus.io/docs/prometheus/latest/querying/api/): instant queries ({@code
 * /api/v1/query}) and range queries ({@code /api/v1/query_range}), asynchronously. Every answer is an {@link Answer}:
 * the series with their samples, or the problem (Prometheus unreachable, an error answer, a body that is not JSON)
 * that callers report as inconclusive, never as a pass.
 */
@Component
public class PrometheusClient {

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final @Nullable String defaultUrl;

    public PrometheusClient(@Value("${relops.health.prometheus-url:}") @Nullable String defaultUrl) {
        this.defaultUrl = defaultUrl == null || defaultUrl.isBlank() ? null : defaultUrl;
    }

    /** {@code configured} when set, else {@code relops.health.prometheus-url} ({@code RELOPS_PROMETHEUS_URL}). */
    public @Nullable String baseUrl(@Nullable String configured) {
        return configured != null && !configured.isBlank() ? configured : defaultUrl;
    }

    /** An instant query at the current time. */
    public CompletableFuture<Answer> instant(String base, String query, Duration timeout) {
        return send(base, "/api/v1/query?query=" + encode(query), query, timeout);
    }

    /** A range query from {@code start} to {@code end}, one sample every {@code step}. */
    public CompletableFuture<Answer> range(
            String base, String query, Instant start, Instant end, Duration step, Duration timeout) {
        return send(
                base,
                "/api/v1/query_range?query=" + encode(query) + "&start=" + seconds(start) + "&end=" + seconds(end)
                        + "&step=" + seconds(step),
                query,
                timeout);
    }

    private CompletableFuture<Answer> send(String base, String pathAndQuery, String query, Duration timeout) {
        URI uri;
        try {
            uri = URI.create(trimSlash(base) + pathAndQuery);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(Answer.problem(
                    "Prometheus URL " + Redaction.schemeAndHost(base) + " is not a URL: "
                            + Redaction.redact(e.getMessage()),
                    0));
        }
        long start = System.nanoTime();
        return http.sendAsync(
                        HttpRequest.newBuilder(uri)
                                .timeout(timeout)
                                .header("Accept", "application/json")
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .handle((response, failure) -> {
                    long latency = (System.nanoTime() - start) / 1_000_000;
                    if (failure != null) {
                        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                        return Answer.problem(
                                "Prometheus at " + Redaction.schemeAndHost(base) + " unreachable: "
                                        + Redaction.redact(cause.toString()),
                                latency);
                    }
                    return parse(query, response.statusCode(), response.body(), latency);
                });
    }

    /** Reads one answer of the HTTP API: a scalar, an instant vector or a range matrix. */
    static Answer parse(String query, int status, String body, long latency) {
        JsonNode answer;
        try {
            answer = EventJson.mapper().readTree(body);
        } catch (JacksonException e) {
            return Answer.problem("Prometheus answered " + status + " with a body that is not JSON", latency);
        }
        if (!"success".equals(answer.path("status").asString(""))) {
            return Answer.problem(
                    "Prometheus answered " + status + " "
                            + answer.path("errorType").asString("error") + ": "
                            + answer.path("error").asString("(no error text)") + " for " + query,
                    latency);
        }
        JsonNode data = answer.path("data");
        String resultType = data.path("resultType").asString("");
        List<Series> series = new ArrayList<>();
        switch (resultType) {
            case "scalar" -> series.add(new Series(Map.of(), List.of(sample(data.path("result")))));
            case "vector" -> {
                for (JsonNode one : data.path("result")) {
                    series.add(new Series(labels(one), List.of(sample(one.path("value")))));
                }
            }
            case "matrix" -> {
                for (JsonNode one : data.path("result")) {
                    List<Sample> samples = new ArrayList<>();
                    for (JsonNode value : one.path("values")) {
                        samples.add(sample(value));
                    }
                    series.add(new Series(labels(one), samples));
                }
            }
            default -> {
                return Answer.problem("query " + query + " returned a " + resultType + ", not a number", latency);
            }
        }
        return new Answer(resultType, series, null, latency);
    }

    private static Map<String, String> labels(JsonNode series) {
        Map<String, String> labels = new LinkedHashMap<>();
        series.path("metric")
                .properties()
                .forEach(label -> labels.put(label.getKey(), label.getValue().asString()));
        return labels;
    }

    /** {@code [<unix time>, "<value>"]}, the value read by {@link #number}. */
    private static Sample sample(JsonNode pair) {
        String text = pair.path(1).asString("");
        return new Sample(pair.path(0).asDouble(), number(text), text);
    }

    /**
     * A sample value as Prometheus writes it: a number, {@code +Inf} / {@code Inf} / {@code -Inf} (a quantile above
     * the top bucket is {@code +Inf}) as infinities, {@code NaN} and anything that is not a number as NaN.
     */
    public static double number(String text) {
        return switch (text) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    yield Double.NaN;
                }
            }
        };
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String seconds(Instant instant) {
        return Long.toString(instant.getEpochSecond()) + "." + String.format("%03d", instant.getNano() / 1_000_000);
    }

    private static String seconds(Duration duration) {
        return Double.toString(duration.toMillis() / 1000.0);
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /**
     * The series of an answer ({@code resultType} {@code scalar}, {@code vector} or {@code matrix}), or the {@code
     * problem} that kept Prometheus from giving one.
     */
    public record Answer(
            String resultType,
            List<Series> series,
            @Nullable String problem,
            long latencyMs) {

        static Answer problem(String problem, long latencyMs) {
            return new Answer("", List.of(), problem, latencyMs);
        }

        public boolean ok() {
            return problem == null;
        }
    }

    /** One series: its labels and its samples in time order. */
    public record Series(Map<String, String> labels, List<Sample> samples) {}

    /** One sample: Prometheus' time in seconds, the value (NaN or an infinity when Prometheus wrote one) and its text. */
    public record Sample(double time, double value, String text) {}
}
