package io.relops.healthcheck.smoke;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One smoke test of {@code health.smoke-tests}: the user's test run against the new slot before any traffic
 * reaches it ({@code at: [ready]}, the default) and, with {@code steps}, at every canary step too. Exactly one of
 * {@code command} (an argument list, run without a shell), {@code webhook} (an HTTP acceptance call) or {@code
 * job} (a Kubernetes Job from a template). docs/healthcheck-service.md describes every key.
 */
public record SmokeTestSpec(
        String name,
        @DefaultValue("ready") Set<String> at,
        @Nullable List<String> command,
        @Nullable String workingDirectory,
        @Nullable Map<String, String> environment,
        @Nullable WebhookSpec webhook,
        @Nullable JobSpec job,
        @DefaultValue("60s") Duration timeout,
        @DefaultValue("20") int outputLines) {

    /** An HTTP acceptance webhook: a 2xx answer passes. */
    public record WebhookSpec(
            String url,
            @DefaultValue("POST") String method,
            @Nullable Map<String, String> headers) {}

    /** A Kubernetes Job made from {@code template} (YAML) in {@code namespace}: its completion passes. */
    public record JobSpec(@Nullable String namespace, String template) {}
}
