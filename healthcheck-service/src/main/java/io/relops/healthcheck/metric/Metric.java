package io.relops.healthcheck.metric;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One metric ready to measure: its {@link MetricSpec} with the template's keys and the defaults filled in, the
 * template's {@code {{args.NAME}}} replaced, every key checked and the conditions parsed. {@code setting} names it in
 * messages: {@code relops.applications.<app>.health.metrics[<name>]}.
 */
public record Metric(
        String name,
        String setting,
        Provider provider,
        @Nullable String prometheusUrl,
        @Nullable String query,
        @Nullable String url,
        Map<String, String> headers,
        String jsonPath,
        Conditions conditions,
        int count,
        Duration interval,
        Duration initialDelay,
        int failureLimit,
        int inconclusiveLimit,
        int consecutiveErrorLimit,
        Duration timeout,
        Set<String> at) {

    /** Where a metric is measured when it names no {@code at}: before traffic and at each canary step. */
    public static final Set<String> AT = Set.of("ready", "steps");

    private static final Pattern ARG = Pattern.compile("\\{\\{\\s*args\\.([A-Za-z0-9_.-]+)\\s*}}");
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** Where the metric's values come from. */
    public enum Provider {
        /** An instant PromQL query. */
        PROMETHEUS,
        /** A GET of a JSON endpoint, the value selected by a JSONPath. */
        WEB
    }

    /**
     * Resolves {@code spec}, a metric of {@code application}'s health: takes the unset keys from its template (of
     * {@code templates}), then the defaults ({@code interval}: the health's, {@code healthInterval}); {@code
     * prometheusUrl} is the Prometheus a metric naming none queries ({@code relops.health.prometheus-url}; null when
     * not configured).
     *
     * @throws IllegalArgumentException naming the setting and the problem
     */
    public static Metric resolve(
            String application,
            MetricSpec spec,
            Map<String, MetricSpec> templates,
            Duration healthInterval,
            @Nullable String prometheusUrl) {
        String base = "relops.applications." + application + ".health.metrics";
        if (spec.name() == null || spec.name().isBlank()) {
            throw new IllegalArgumentException(base + ": a metric has no name");
        }
        String setting = base + "[" + spec.name() + "]";
        MetricSpec full = spec;
        if (spec.template() != null) {
            MetricSpec template = templates.get(spec.template());
            if (template == null) {
                throw new IllegalArgumentException(setting + ".template '" + spec.template()
                        + "' is not a metric template; known (relops.health.metric-templates): "
                        + new TreeSet<>(templates.keySet()));
            }
            full = spec.over(template);
        }
        Map<String, String> args = full.args() == null ? Map.of() : full.args();
        String from = spec.template() == null ? "metric" : "template '" + spec.template() + "'";
        Args substitute = text -> withArgs(text, args, setting, from);

        String query = substitute.apply(full.query());
        String url = substitute.apply(full.url());
        Provider provider = provider(full.provider(), query, url, setting);
        String prometheus = substitute.apply(full.prometheusUrl());
        if (provider == Provider.PROMETHEUS) {
            require(query, setting + ".query", "a prometheus metric needs a PromQL query");
            if (prometheus == null && (prometheusUrl == null || prometheusUrl.isBlank())) {
                throw new IllegalArgumentException(setting + ".prometheus-url: a prometheus metric needs"
                        + " prometheus-url (or relops.health.prometheus-url, RELOPS_PROMETHEUS_URL)");
            }
        } else {
            require(url, setting + ".url", "a web metric needs the url of a JSON endpoint");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (full.headers() != null) {
            full.headers().forEach((header, value) -> headers.put(header, substitute.apply(value)));
        }
        String jsonPath = substitute.apply(full.jsonPath());
        Conditions conditions = Conditions.parse(
                substitute.apply(full.successCondition()), substitute.apply(full.failureCondition()), setting);
        Set<String> at = full.at() == null || full.at().isEmpty() ? AT : Set.copyOf(full.at());
        if (!AT.containsAll(at)) {
            throw new IllegalArgumentException(setting + ".at is " + at + "; it names ready and/or steps");
        }
        Duration interval = full.interval() != null ? full.interval() : healthInterval;
        Duration initialDelay = full.initialDelay() != null ? full.initialDelay() : Duration.ZERO;
        Duration timeout = full.timeout() != null ? full.timeout() : DEFAULT_TIMEOUT;
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException(setting + ".interval must be positive, not " + interval);
        }
        if (initialDelay.isNegative()) {
            throw new IllegalArgumentException(setting + ".initial-delay must not be negative");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(setting + ".timeout must be positive, not " + timeout);
        }
        return new Metric(
                spec.name(),
                setting,
                provider,
                prometheus,
                query,
                url,
                Map.copyOf(headers),
                jsonPath == null || jsonPath.isBlank() ? "$" : jsonPath,
                conditions,
                atLeast(full.count(), 1, 1, setting + ".count"),
                interval,
                initialDelay,
                atLeast(full.failureLimit(), 0, 0, setting + ".failure-limit"),
                atLeast(full.inconclusiveLimit(), 0, 0, setting + ".inconclusive-limit"),
                atLeast(full.consecutiveErrorLimit(), 4, 0, setting + ".consecutive-error-limit"),
                timeout,
                at);
    }

    /** The probe name of this metric's measurements in evidence: {@code metric:<name>}. */
    public String probe() {
        return "metric:" + name;
    }

    private static Provider provider(
            @Nullable String provider, @Nullable String query, @Nullable String url, String setting) {
        if (provider == null || provider.isBlank()) {
            if (query != null) {
                return Provider.PROMETHEUS;
            }
            if (url != null) {
                return Provider.WEB;
            }
            throw new IllegalArgumentException(
                    setting + ": a metric needs a query (provider prometheus) or a url (provider web)");
        }
        return switch (provider.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "prometheus" -> Provider.PROMETHEUS;
            case "web" -> Provider.WEB;
            default ->
                throw new IllegalArgumentException(
                        setting + ".provider is '" + provider + "'; it is prometheus or web");
        };
    }

    private static void require(@Nullable String value, String setting, String why) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(setting + " is missing: " + why);
        }
    }

    private static int atLeast(@Nullable Integer value, int fallback, int minimum, String setting) {
        int actual = value == null ? fallback : value;
        if (actual < minimum) {
            throw new IllegalArgumentException(setting + " is " + actual + "; it is at least " + minimum);
        }
        return actual;
    }

    private static @Nullable String withArgs(
            @Nullable String text, Map<String, String> args, String setting, String from) {
        if (text == null) {
            return null;
        }
        Matcher matcher = ARG.matcher(text);
        StringBuilder replaced = new StringBuilder();
        while (matcher.find()) {
            String arg = matcher.group(1);
            String value = args.get(arg);
            if (value == null) {
                throw new IllegalArgumentException(setting + ".args." + arg + " is missing: " + from + " uses {{args."
                        + arg + "}}" + (args.isEmpty() ? "" : " (args given: " + new TreeSet<>(args.keySet()) + ")"));
            }
            matcher.appendReplacement(replaced, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(replaced);
        return replaced.toString();
    }

    @FunctionalInterface
    private interface Args {
        @Nullable
        String apply(@Nullable String text);
    }
}
