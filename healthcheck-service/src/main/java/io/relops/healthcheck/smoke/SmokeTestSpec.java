package io.relops.healthcheck.smoke;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One smoke test of {@code health.smoke-tests}: the user's test run against the new slot before any traffic
 * reaches it ({@code at: [ready]}, the default) and, with {@code steps}, at every canary step too. Exactly one of
 * {@code command} (an argument list, run without a shell in {@code workingDirectory}; its environment is not the
 * service's: only the service's {@code PATH}, {@code HOME}, locale, {@code TZ} and {@code TMPDIR}, then {@code
 * environment}, then the {@code RELOPS_*} variables, as {@link CommandRunner} sets them), {@code webhook} (an HTTP
 * acceptance call) or {@code job} (a Kubernetes Job from a template). It fails when it has not passed within {@code
 * timeout}; its evidence keeps the last {@code outputLines} lines of its output, passed or not. The catalog is checked when it is bound: a bad smoke test stops the service at start, naming it.
 * docs/healthcheck-service.md describes every key.
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

    /** Before any traffic: the {@code deployment.ready} verification. */
    public static final String READY = "ready";

    /** At each canary step: every {@code traffic.shifted} verification. */
    public static final String STEPS = "steps";

    /** The most output lines a smoke test's evidence keeps. */
    public static final int MAX_OUTPUT_LINES = 200;

    public SmokeTestSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("health.smoke-tests: every smoke test needs a name");
        }
        String setting = "health.smoke-tests[" + name + "]";
        long kinds =
                Stream.of(command, webhook, job).filter(kind -> kind != null).count();
        if (kinds != 1) {
            throw new IllegalArgumentException(
                    setting + ": set exactly one of command, webhook or job (" + kinds + " are set)");
        }
        if (command != null && (command.isEmpty() || command.get(0).isBlank())) {
            throw new IllegalArgumentException(setting + ".command: the argument list is empty");
        }
        if ((workingDirectory != null || environment != null) && command == null) {
            throw new IllegalArgumentException(setting + ": working-directory and environment apply to a command only");
        }
        if (at.isEmpty() || !Set.of(READY, STEPS).containsAll(at)) {
            throw new IllegalArgumentException(setting + ".at is " + at + "; it holds ready, steps or both");
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException(setting + ".timeout must be positive (is " + timeout + ")");
        }
        if (outputLines < 1 || outputLines > MAX_OUTPUT_LINES) {
            throw new IllegalArgumentException(
                    setting + ".output-lines is " + outputLines + "; it is 1.." + MAX_OUTPUT_LINES);
        }
        if (webhook != null && (webhook.url() == null || webhook.url().isBlank())) {
            throw new IllegalArgumentException(setting + ".webhook.url is missing");
        }
        if (job != null && (job.template() == null || job.template().isBlank())) {
            throw new IllegalArgumentException(setting + ".job.template is missing (the Job's YAML)");
        }
        at = Set.copyOf(at);
        command = command == null ? null : List.copyOf(command);
        environment = environment == null ? null : Map.copyOf(environment);
    }

    /** Whether this test runs before any traffic ({@code ready}). */
    public boolean beforeTraffic() {
        return at.contains(READY);
    }

    /** Whether this test runs at each canary step ({@code steps}). */
    public boolean atSteps() {
        return at.contains(STEPS);
    }

    /** The kind, as the evidence and the metrics name it: {@code command}, {@code webhook} or {@code job}. */
    public String kind() {
        return command != null ? "command" : webhook != null ? "webhook" : "job";
    }

    /**
     * An HTTP acceptance webhook: {@code method} (default POST) to {@code url} (templates allowed, as in header
     * values) with {@code headers}; a 2xx answer passes.
     */
    public record WebhookSpec(
            String url,
            @DefaultValue("POST") String method,
            @Nullable Map<String, String> headers) {}

    /**
     * A Kubernetes Job made from {@code template} (YAML, templates allowed) in {@code namespace} (default: the
     * client's namespace): its completion passes, a Failed condition fails.
     */
    public record JobSpec(@Nullable String namespace, String template) {}
}
