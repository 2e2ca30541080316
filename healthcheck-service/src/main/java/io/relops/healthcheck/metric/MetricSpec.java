package io.relops.healthcheck.metric;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One metric of {@code health.metrics} (or one template of {@code relops.health.metric-templates}) as the catalog
 * spells it, measured the way Argo Rollouts' analysis does: {@code count} measurements {@code interval} apart, each
 * judged by {@code success-condition} / {@code failure-condition}; more than {@code failure-limit} failed
 * measurements fail the verification, more than {@code inconclusive-limit} inconclusive ones (or more than {@code
 * consecutive-error-limit} errors in a row) make it inconclusive. The query is PromQL ({@code provider: prometheus})
 * or a JSON endpoint with a JSONPath ({@code provider: web}); {@code template} (with {@code args}) takes every unset
 * key from a named template. Every key is optional here: {@link Metric#resolve} checks and completes them.
 * docs/healthcheck-service.md describes every key.
 */
public record MetricSpec(
        @Nullable String name,
        @Nullable String template,
        @Nullable Map<String, String> args,
        @Nullable String provider,
        @Nullable String prometheusUrl,
        @Nullable String query,
        @Nullable String url,
        @Nullable Map<String, String> headers,
        @Nullable String jsonPath,
        @Nullable String successCondition,
        @Nullable String failureCondition,
        @Nullable Integer count,
        @Nullable Duration interval,
        @Nullable Duration initialDelay,
        @Nullable Integer failureLimit,
        @Nullable Integer inconclusiveLimit,
        @Nullable Integer consecutiveErrorLimit,
        @Nullable Duration timeout,
        @Nullable Set<String> at) {

    /**
     * This metric with every key it leaves unset taken from {@code template}; {@code args} merged (this metric's
     * win over the template's defaults).
     */
    public MetricSpec over(MetricSpec template) {
        Map<String, String> mergedArgs = new LinkedHashMap<>();
        if (template.args() != null) {
            mergedArgs.putAll(template.args());
        }
        if (args != null) {
            mergedArgs.putAll(args);
        }
        return new MetricSpec(
                name,
                template(),
                mergedArgs,
                or(provider, template.provider()),
                or(prometheusUrl, template.prometheusUrl()),
                or(query, template.query()),
                or(url, template.url()),
                or(headers, template.headers()),
                or(jsonPath, template.jsonPath()),
                or(successCondition, template.successCondition()),
                or(failureCondition, template.failureCondition()),
                or(count, template.count()),
                or(interval, template.interval()),
                or(initialDelay, template.initialDelay()),
                or(failureLimit, template.failureLimit()),
                or(inconclusiveLimit, template.inconclusiveLimit()),
                or(consecutiveErrorLimit, template.consecutiveErrorLimit()),
                or(timeout, template.timeout()),
                or(at, template.at()));
    }

    private static <T> @Nullable T or(@Nullable T own, @Nullable T fallback) {
        return own != null ? own : fallback;
    }
}
