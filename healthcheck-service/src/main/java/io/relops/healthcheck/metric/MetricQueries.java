package io.relops.healthcheck.metric;

import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.JsonPathException;
import io.relops.common.codec.EventJson;
import io.relops.healthcheck.metric.Conditions.Phase;
import io.relops.healthcheck.probe.ProbeTarget;
import io.relops.healthcheck.probe.PrometheusClient;
import io.relops.healthcheck.probe.PrometheusClient.Answer;
import io.relops.healthcheck.probe.PrometheusClient.Sample;
import io.relops.healthcheck.probe.PrometheusClient.Series;
import io.relops.platform.redaction.Redaction;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.springframework.expression.EvaluationException;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;

/**
 * Takes one measurement of a metric, asynchronously: an instant PromQL query ({@link PrometheusClient}) or a GET of a
 * JSON endpoint whose value a JSONPath selects, judged by the metric's conditions. The future always completes
 * normally: what kept a measurement from a value (unreachable, an error answer, no data, NaN, a missing path, a
 * condition that cannot be evaluated) is an {@link Phase#ERROR} measurement saying so.
 */
@Component
public class MetricQueries {

    private static final int MAX_VALUE = 120;
    /** The most of a web metric's answer read: the endpoint is often the slot under test, so it is not trusted. */
    static final long MAX_BODY = 1024 * 1024;

    private static final String MAX_BODY_TEXT = "1 MiB";

    private final PrometheusClient prometheus;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    public MetricQueries(PrometheusClient prometheus) {
        this.prometheus = prometheus;
    }

    /** {@code relops.health.prometheus-url}: the Prometheus a metric naming none queries; null when not set. */
    public @Nullable String defaultPrometheusUrl() {
        return prometheus.baseUrl(null);
    }

    /** The Prometheus {@code metric} queries (its {@code prometheus-url}, else {@code relops.health.prometheus-url}). */
    public @Nullable String prometheusUrl(Metric metric) {
        return prometheus.baseUrl(metric.prometheusUrl());
    }

    /**
     * Why {@code metric} may not be measured against {@code target}, or null: a URL it contacts ({@code url}, {@code
     * prometheus-url}) that is a template naming the slot ({@code {endpoint}}, {@code {host}}, ...) must expand to a
     * host of the application's {@code allowed-hosts}, the rule probes follow. A URL the configuration names outright
     * is not checked.
     */
    public @Nullable String refusal(Metric metric, ProbeTarget target) {
        String contacted = metric.provider() == Metric.Provider.WEB ? metric.url() : prometheusUrl(metric);
        if (contacted == null || !contacted.contains("{")) {
            return null;
        }
        String host;
        try {
            host = URI.create(target.expand(contacted)).getHost();
        } catch (IllegalArgumentException e) {
            host = "";
        }
        return target.allows(host) ? null : target.refusal(host);
    }

    /** One measurement of {@code metric} against {@code target}. */
    public CompletableFuture<Measurement> measure(Metric metric, ProbeTarget target) {
        long start = System.nanoTime();
        CompletableFuture<Measurement> measured;
        try {
            measured = metric.provider() == Metric.Provider.WEB
                    ? web(metric, target, start)
                    : query(metric, target, start);
        } catch (RuntimeException e) {
            measured = CompletableFuture.completedFuture(
                    Measurement.error(Redaction.redact(e.toString()), millisSince(start)));
        }
        return measured.exceptionally(failure -> Measurement.error(
                "measurement failed: "
                        + Redaction.redact(String.valueOf(failure.getCause() != null ? failure.getCause() : failure)),
                millisSince(start)));
    }

    private CompletableFuture<Measurement> query(Metric metric, ProbeTarget target, long start) {
        String base = Objects.requireNonNull(prometheusUrl(metric), "no prometheus-url");
        String query = target.expand(Objects.requireNonNull(metric.query(), "no query"));
        return prometheus
                .instant(target.expand(base), query, metric.timeout())
                .thenApply(answer -> judge(metric, query, answer, millisSince(start)));
    }

    /** Judges one Prometheus answer: a scalar or one series is a number, several series a list of numbers. */
    static Measurement judge(Metric metric, String query, Answer answer, long latency) {
        if (!answer.ok()) {
            return Measurement.error(Redaction.redact(answer.problem()), latency);
        }
        List<Series> series = answer.series();
        if (series.isEmpty()) {
            return Measurement.error("query " + query + " returned no data (empty result)", latency);
        }
        if (series.stream().anyMatch(one -> one.samples().size() != 1)) {
            return Measurement.error("query " + query + " returned a range of samples, not an instant value", latency);
        }
        List<Sample> samples = series.stream().map(one -> one.samples().get(0)).toList();
        if (samples.stream().anyMatch(sample -> Double.isNaN(sample.value()))) {
            return Measurement.error(
                    "query " + query + " returned NaN ("
                            + String.join(
                                    ", ", samples.stream().map(Sample::text).toList()) + ")",
                    latency);
        }
        Object result = samples.size() == 1
                ? samples.get(0).value()
                : samples.stream().map(Sample::value).toList();
        String value = samples.size() == 1
                ? samples.get(0).text()
                : excerpt(samples.stream().map(Sample::text).toList().toString());
        return evaluate(metric, result, value, latency);
    }

    private CompletableFuture<Measurement> web(Metric metric, ProbeTarget target, long start) {
        String url = target.expand(Objects.requireNonNull(metric.url(), "no url"));
        String call = "GET " + Redaction.schemeAndHost(url);
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            // the message would quote the URL, which may hold a token
            return CompletableFuture.completedFuture(Measurement.error(
                    "url " + Redaction.schemeAndHost(url) + " is not a URL: " + e.getReason() + " at index "
                            + e.getIndex(),
                    millisSince(start)));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(metric.timeout())
                .header("Accept", "application/json")
                .GET();
        metric.headers().forEach((name, value) -> request.header(name, target.expand(value)));
        return http.sendAsync(request.build(), info -> new LimitedBody(MAX_BODY))
                .handle((response, failure) -> {
                    long latency = millisSince(start);
                    if (failure != null) {
                        if (tooLarge(failure)) {
                            return Measurement.error(
                                    call + " answered with a body larger than " + MAX_BODY_TEXT + ", the limit of a web"
                                            + " metric's answer",
                                    latency);
                        }
                        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                        return Measurement.error(call + " failed: " + Redaction.redact(cause.toString()), latency);
                    }
                    return read(
                            metric,
                            call,
                            response.statusCode(),
                            new String(response.body(), StandardCharsets.UTF_8),
                            latency);
                });
    }

    /** Judges one answer of a web metric: a 2xx JSON body holding the metric's {@code json-path}. */
    static Measurement read(Metric metric, String call, int status, String body, long latency) {
        if (status < 200 || status > 299) {
            return Measurement.error(call + " answered " + status, latency);
        }
        try {
            EventJson.mapper().readTree(body);
        } catch (JacksonException e) {
            return Measurement.error(call + " answered " + status + " with a body that is not JSON", latency);
        }
        Object result;
        try {
            result = JsonPath.read(body, metric.jsonPath());
        } catch (JsonPathException | IllegalArgumentException e) {
            return Measurement.error("json-path " + metric.jsonPath() + " not found in the answer of " + call, latency);
        }
        return evaluate(metric, result, excerpt(String.valueOf(result)), latency);
    }

    private static Measurement evaluate(Metric metric, @Nullable Object result, String value, long latency) {
        Phase phase;
        try {
            phase = metric.conditions().evaluate(result);
        } catch (EvaluationException e) {
            return new Measurement(Phase.ERROR, value, "condition could not be evaluated: " + e.getMessage(), latency);
        }
        String problem = switch (phase) {
            case FAILED, INCONCLUSIVE ->
                "result " + value + " against " + metric.conditions().summary() + ": "
                        + phase.name().toLowerCase(java.util.Locale.ROOT);
            default -> null;
        };
        return new Measurement(phase, value, problem, latency);
    }

    private static boolean tooLarge(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof LimitedBody.TooLarge) {
                return true;
            }
        }
        return false;
    }

    private static String excerpt(String text) {
        return text.length() <= MAX_VALUE ? text : text.substring(0, MAX_VALUE) + "…";
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
