package io.relops.healthcheck.metric;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One metric of {@code health.metrics}, measured the way Argo Rollouts' analysis does: {@code count} measurements
 * {@code interval} apart, each judged by {@code success-condition} / {@code failure-condition}; more than {@code
 * failure-limit} failed measurements fail the verification, more than {@code inconclusive-limit} inconclusive ones
 * (or more than {@code consecutive-error-limit} errors in a row) make it inconclusive. The query is PromQL ({@code
 * provider: prometheus}) or a JSON endpoint with a JSONPath ({@code provider: web}); {@code template} (with {@code
 * args}) takes the rest from a named template. Unset keys come from the template, then from the defaults.
 * docs/healthcheck-service.md describes every key.
 */
public record MetricSpec(
        String name,
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
        @DefaultValue({"ready", "steps"}) Set<String> at) {}
