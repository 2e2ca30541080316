package io.relops.healthcheck.judge;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The canary judge of {@code health.judge}: at each canary step below 100 %, each metric's samples from the canary
 * and from the baseline (the slot serving the rest of the traffic) over the same {@code window} (one sample every
 * {@code resolution}) are compared with a Mann–Whitney U test; the metrics' weighted verdicts make a score from 0 to
 * 100, which passes from {@code pass}, is marginal (inconclusive: a human decides) from {@code marginal}, and fails
 * below. Each Prometheus query has {@code timeout}. docs/healthcheck-service.md describes every key.
 */
public record JudgeSpec(
        @Nullable String prometheusUrl,
        @DefaultValue("60s") Duration window,
        @DefaultValue("5s") Duration resolution,
        @DefaultValue("95") double pass,
        @DefaultValue("75") double marginal,
        @DefaultValue("10s") Duration timeout,
        @Nullable List<JudgedMetric> metrics) {

    public JudgeSpec {
        if (!(marginal >= 0 && pass <= 100 && pass >= marginal)) {
            throw new IllegalArgumentException("health.judge.pass (" + number(pass) + ") and marginal ("
                    + number(marginal) + ") are scores with 0 <= marginal <= pass <= 100");
        }
        if (resolution.isZero() || resolution.isNegative()) {
            throw new IllegalArgumentException(
                    "health.judge.resolution is " + resolution + "; it must be positive (e.g. 5s)");
        }
        if (window.compareTo(resolution) <= 0) {
            throw new IllegalArgumentException("health.judge.window (" + window + ") must be longer than resolution ("
                    + resolution + "): the judge compares several samples per side");
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("health.judge.timeout is " + timeout + "; it must be positive");
        }
        if (metrics == null || metrics.isEmpty()) {
            throw new IllegalArgumentException("health.judge.metrics is empty: the judge needs at least one metric");
        }
        Set<String> names = new HashSet<>();
        for (JudgedMetric metric : metrics) {
            if (!names.add(metric.name())) {
                throw new IllegalArgumentException("health.judge.metrics names '" + metric.name() + "' twice");
            }
        }
        metrics = List.copyOf(metrics);
    }

    public List<JudgedMetric> metricList() {
        return metrics == null ? List.of() : metrics;
    }

    /**
     * One judged metric: a PromQL {@code query} (a template expanded once for the canary, once for the baseline, with
     * {@code {host}}, {@code {port}}, {@code {slot}}, {@code {version}} …), which {@code direction} of change is bad
     * ({@code increase}, {@code decrease}, {@code either}), its {@code weight} in the score, the test's significance
     * level {@code alpha}, the relative change of the medians it tolerates even when significant ({@code tolerance},
     * 0.1 = 10 %) and the absolute difference of the medians it tolerates ({@code minChange}, in the metric's unit: a
     * change of 0.3 ms is no reason to roll back, however significant), the fewest samples per side it judges on ({@code minSamples}), whether its failure fails the
     * judgement whatever the score ({@code critical}) and the {@code unit} its values are shown in.
     */
    public record JudgedMetric(
            String name,
            String query,
            @DefaultValue("increase") String direction,
            @DefaultValue("1") double weight,
            @DefaultValue("0.05") double alpha,
            @DefaultValue("0.1") double tolerance,
            @DefaultValue("0") double minChange,
            @DefaultValue("5") int minSamples,
            @DefaultValue("false") boolean critical,
            @DefaultValue("") String unit) {

        /** The template variables that differ between the canary and the baseline. */
        static final List<String> SLOT_VARIABLES = List.of("{host}", "{port}", "{endpoint}", "{slot}", "{version}");

        public JudgedMetric {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("health.judge.metrics[].name is missing: every metric has a name");
            }
            String key = "health.judge.metrics[" + name + "].";
            if (query == null || query.isBlank()) {
                throw new IllegalArgumentException(key + "query is missing: the PromQL query to judge");
            }
            if (SLOT_VARIABLES.stream().noneMatch(query::contains)) {
                throw new IllegalArgumentException(key + "query names neither of " + SLOT_VARIABLES
                        + ": it would select the same series for the canary and the baseline");
            }
            Direction.of(direction, key + "direction");
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException(key + "weight is " + number(weight) + "; it must be above 0");
            }
            if (!(alpha > 0 && alpha < 1)) {
                throw new IllegalArgumentException(
                        key + "alpha is " + number(alpha) + "; a significance level is between 0 and 1 (e.g. 0.05)");
            }
            if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
                throw new IllegalArgumentException(key + "tolerance is " + number(tolerance)
                        + "; it is a relative change of at least 0 (0.1 = 10 %)");
            }
            if (!(minChange >= 0) || Double.isInfinite(minChange)) {
                throw new IllegalArgumentException(key + "min-change is " + number(minChange)
                        + "; it is an absolute difference of the medians of at least 0, in the metric's unit");
            }
            if (minSamples < 1) {
                throw new IllegalArgumentException(key + "min-samples is " + minSamples + "; it must be at least 1");
            }
        }

        /** The direction of change that is bad for this metric. */
        public Direction badDirection() {
            return Direction.of(direction, "health.judge.metrics[" + name + "].direction");
        }
    }

    /** Which change of a metric is bad, and so the alternative hypothesis of its test (canary vs baseline). */
    public enum Direction {
        /** Higher is worse (latency, errors): the canary is tested as greater than the baseline. */
        INCREASE(AlternativeHypothesis.GREATER_THAN),
        /** Lower is worse (throughput, successes): the canary is tested as less than the baseline. */
        DECREASE(AlternativeHypothesis.LESS_THAN),
        /** Any change is bad: a two-sided test. */
        EITHER(AlternativeHypothesis.TWO_SIDED);

        private final AlternativeHypothesis alternative;

        Direction(AlternativeHypothesis alternative) {
            this.alternative = alternative;
        }

        /** The alternative hypothesis for {@code test(canary, baseline)}. */
        public AlternativeHypothesis alternative() {
            return alternative;
        }

        /** Whether a relative change of the canary's median ({@code +0.2} = 20 % higher) is bad beyond {@code tolerance}. */
        public boolean beyond(double change, double tolerance) {
            return switch (this) {
                case INCREASE -> change > tolerance;
                case DECREASE -> change < -tolerance;
                case EITHER -> Math.abs(change) > tolerance;
            };
        }

        /** How the catalog spells it: {@code increase}. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Direction of(@Nullable String text, String setting) {
            for (Direction direction : values()) {
                if (direction.key().equalsIgnoreCase(text == null ? "" : text.trim())) {
                    return direction;
                }
            }
            throw new IllegalArgumentException(
                    setting + " is '" + text + "'; it is increase, decrease or either (which change is bad)");
        }
    }

    private static String number(double value) {
        return Judgement.format(value);
    }
}
