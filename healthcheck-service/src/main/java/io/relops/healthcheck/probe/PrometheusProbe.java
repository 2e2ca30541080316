package io.relops.healthcheck.probe;

import io.relops.common.codec.EventJson;
import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.probe.HealthCatalog.ProbeSpec;
import io.relops.platform.redaction.Redaction;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * An instant PromQL query ({@code GET <prometheus>/api/v1/query}): it passes when {@code value
 * comparison threshold} holds for every sample of the result (a scalar or an instant vector).
 * Prometheus unreachable, an error answer, a non-numeric sample or (by default) an empty vector make
 * the result inconclusive, never passing.
 */
@Component
class PrometheusProbe implements Probe {

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final @Nullable String defaultPrometheusUrl;

    PrometheusProbe(@Value("${relops.health.prometheus-url:}") @Nullable String defaultPrometheusUrl) {
        this.defaultPrometheusUrl =
                defaultPrometheusUrl == null || defaultPrometheusUrl.isBlank() ? null : defaultPrometheusUrl;
    }

    @Override
    public String type() {
        return "prometheus";
    }

    /** Prometheus itself, named by the catalog or configuration; its host is checked only when the URL is a template. */
    @Override
    public @Nullable String host(ProbeSpec spec, ProbeTarget target) {
        String base = spec.prometheusUrl() != null ? spec.prometheusUrl() : defaultPrometheusUrl;
        if (base == null || !base.contains("{")) {
            return null;
        }
        try {
            String host = URI.create(target.expand(base)).getHost();
            return host == null ? "" : host;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    @Override
    public CompletableFuture<ProbeResult> run(ProbeSpec spec, ProbeTarget target) {
        String threshold = spec.comparison() + " " + spec.threshold();
        String base = spec.prometheusUrl() != null ? spec.prometheusUrl() : defaultPrometheusUrl;
        Comparison comparison = Comparison.of(spec.comparison());
        if (base == null || spec.query() == null || spec.threshold() == null || comparison == null) {
            return CompletableFuture.completedFuture(new ProbeResult(
                    spec.name(),
                    false,
                    null,
                    threshold,
                    0,
                    "bad probe definition: a prometheus probe needs prometheus-url (or relops.health.prometheus-url),"
                            + " query, threshold and a comparison of " + Comparison.SYMBOLS));
        }
        String query = target.expand(spec.query());
        URI uri = URI.create(trimSlash(target.expand(base)) + "/api/v1/query?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8));
        long start = System.nanoTime();
        return http.sendAsync(
                        HttpRequest.newBuilder(uri)
                                .timeout(spec.timeout())
                                .header("Accept", "application/json")
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .handle((response, failure) -> {
                    long latency = (System.nanoTime() - start) / 1_000_000;
                    if (failure != null) {
                        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                        return ProbeResult.inconclusive(
                                spec.name(),
                                threshold,
                                latency,
                                "Prometheus at " + Redaction.schemeAndHost(base) + " unreachable: "
                                        + Redaction.redact(cause.toString()));
                    }
                    return judge(spec, comparison, query, threshold, latency, response.statusCode(), response.body());
                });
    }

    /** Judges one answer of the Prometheus HTTP API (documented at prometheus.io/docs/prometheus/latest/querying/api/). */
    static ProbeResult judge(
            ProbeSpec spec,
            Comparison comparison,
            String query,
            String threshold,
            long latency,
            int status,
            String body) {
        JsonNode answer;
        try {
            answer = EventJson.mapper().readTree(body);
        } catch (JacksonException e) {
            return ProbeResult.inconclusive(
                    spec.name(), threshold, latency, "Prometheus answered " + status + " with a body that is not JSON");
        }
        if (!"success".equals(answer.path("status").asString(""))) {
            return ProbeResult.inconclusive(
                    spec.name(),
                    threshold,
                    latency,
                    "Prometheus answered " + status + " "
                            + answer.path("errorType").asString("error") + ": "
                            + answer.path("error").asString("(no error text)") + " for " + query);
        }
        JsonNode data = answer.path("data");
        String resultType = data.path("resultType").asString("");
        List<JsonNode> samples = new ArrayList<>();
        if ("scalar".equals(resultType)) {
            samples.add(data.path("result"));
        } else if ("vector".equals(resultType)) {
            for (JsonNode series : data.path("result")) {
                samples.add(series.path("value"));
            }
        } else {
            return ProbeResult.inconclusive(
                    spec.name(),
                    threshold,
                    latency,
                    "query " + query + " returned a " + resultType + ", expected a scalar or an instant vector");
        }
        if (samples.isEmpty()) {
            return switch (spec.onEmpty().toLowerCase(Locale.ROOT)) {
                case "pass" -> new ProbeResult(spec.name(), true, "no data", threshold, latency, null);
                case "fail" ->
                    new ProbeResult(
                            spec.name(), false, "no data", threshold, latency, "query " + query + " returned no data");
                default ->
                    ProbeResult.inconclusive(
                            spec.name(), threshold, latency, "query " + query + " returned no data (empty vector)");
            };
        }
        List<String> values = new ArrayList<>();
        List<String> violations = new ArrayList<>();
        for (JsonNode sample : samples) {
            String text = sample.path(1).asString("");
            double value = PrometheusClient.number(text);
            if (Double.isNaN(value)) {
                return ProbeResult.inconclusive(
                        spec.name(), threshold, latency, "query " + query + " returned '" + text + "', not a number");
            }
            values.add(text);
            if (!comparison.holds(value, spec.threshold())) {
                violations.add(text);
            }
        }
        String value = String.join(",", values);
        return new ProbeResult(
                spec.name(),
                violations.isEmpty(),
                value,
                threshold,
                latency,
                violations.isEmpty() ? null : query + " = " + String.join(",", violations) + ", expected " + threshold);
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The comparison of a sample with the threshold that must hold for the probe to pass. */
    enum Comparison {
        LT("<"),
        LE("<="),
        GT(">"),
        GE(">="),
        EQ("=="),
        NE("!=");

        static final List<String> SYMBOLS = List.of("<", "<=", ">", ">=", "==", "!=");

        private final String symbol;

        Comparison(String symbol) {
            this.symbol = symbol;
        }

        static @Nullable Comparison of(String symbol) {
            for (Comparison comparison : values()) {
                if (comparison.symbol.equals(symbol.trim())) {
                    return comparison;
                }
            }
            return null;
        }

        boolean holds(double value, double threshold) {
            return switch (this) {
                case LT -> value < threshold;
                case LE -> value <= threshold;
                case GT -> value > threshold;
                case GE -> value >= threshold;
                case EQ -> value == threshold;
                case NE -> value != threshold;
            };
        }
    }
}
