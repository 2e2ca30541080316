package io.relops.healthcheck.probe;

import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.probe.HealthCatalog.ProbeSpec;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * An instant PromQL query ({@code GET <prometheus>/api/v1/query}): it passes when {@code value
 * comparison threshold} holds for every sample of the result (a scalar or an instant vector).
 * Prometheus unreachable, an error answer, a non-numeric sample or (by default) an empty vector make
 * the result inconclusive, never passing.
 */
@Component
class PrometheusProbe implements Probe {

    private final PrometheusClient prometheus;

    PrometheusProbe(PrometheusClient prometheus) {
        this.prometheus = prometheus;
    }

    @Override
    public String type() {
        return "prometheus";
    }

    /** Prometheus itself, named by the catalog or configuration; its host is checked only when the URL is a template. */
    @Override
    public @Nullable String host(ProbeSpec spec, ProbeTarget target) {
        String base = prometheus.baseUrl(spec.prometheusUrl());
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
        String base = prometheus.baseUrl(spec.prometheusUrl());
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
        return prometheus
                .instant(target.expand(base), query, spec.timeout())
                .thenApply(answer -> judge(spec, comparison, query, threshold, answer));
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
        return judge(spec, comparison, query, threshold, PrometheusClient.parse(query, status, body, latency));
    }

    /** Judges the answer to the probe's instant query: every sample must hold the comparison. */
    static ProbeResult judge(
            ProbeSpec spec, Comparison comparison, String query, String threshold, PrometheusClient.Answer answer) {
        long latency = answer.latencyMs();
        if (!answer.ok()) {
            return ProbeResult.inconclusive(spec.name(), threshold, latency, answer.problem());
        }
        if (!answer.resultType().equals("scalar") && !answer.resultType().equals("vector")) {
            return ProbeResult.inconclusive(
                    spec.name(),
                    threshold,
                    latency,
                    "query " + query + " returned a " + answer.resultType()
                            + ", expected a scalar or an instant vector");
        }
        List<PrometheusClient.Sample> samples = answer.series().stream()
                .flatMap(series -> series.samples().stream())
                .toList();
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
        for (PrometheusClient.Sample sample : samples) {
            String text = sample.text();
            double value = sample.value();
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
