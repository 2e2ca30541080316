package io.relops.healthcheck.judge;

import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.judge.JudgeSpec.Direction;
import io.relops.healthcheck.judge.JudgeSpec.JudgedMetric;
import org.apache.commons.statistics.descriptive.Median;
import org.apache.commons.statistics.inference.MannWhitneyUTest;
import org.jspecify.annotations.Nullable;

/**
 * The verdict on one metric: {@code FAIL} when the canary's samples are significantly worse than the baseline's in
 * the bad direction (the Mann–Whitney U test's p-value below {@code alpha}) and the relative change of the medians
 * is beyond the metric's {@code tolerance}; {@code NO_DATA} when a side has fewer than {@code min-samples} samples or
 * Prometheus did not answer ({@code problem}); else {@code PASS}.
 */
public record MetricJudgement(
        JudgedMetric metric,
        Outcome outcome,
        int canaryCount,
        int baselineCount,
        double canaryMedian,
        double baselineMedian,
        double change,
        double pValue,
        @Nullable String problem) {

    public enum Outcome {
        PASS,
        FAIL,
        NO_DATA
    }

    private static final Median MEDIAN = Median.withDefaults().withCopy(true);

    /** Judges {@code metric} on its {@code samples}. */
    public static MetricJudgement of(JudgedMetric metric, MetricSamples samples) {
        int canaryCount = samples.canary().length;
        int baselineCount = samples.baseline().length;
        if (samples.problem() != null) {
            return noData(metric, canaryCount, baselineCount, samples.problem());
        }
        if (canaryCount < metric.minSamples() || baselineCount < metric.minSamples()) {
            return noData(
                    metric,
                    canaryCount,
                    baselineCount,
                    canaryCount + " canary and " + baselineCount + " baseline samples, fewer than min-samples "
                            + metric.minSamples() + " on a side");
        }
        Direction direction = metric.badDirection();
        double canaryMedian = MEDIAN.evaluate(samples.canary());
        double baselineMedian = MEDIAN.evaluate(samples.baseline());
        double change = relativeChange(canaryMedian, baselineMedian);
        double p = MannWhitneyUTest.withDefaults()
                .with(direction.alternative())
                .test(samples.canary(), samples.baseline())
                .getPValue();
        // identical samples on both sides give no p-value (NaN): no evidence of a difference, so no failure
        boolean failed = p < metric.alpha()
                && direction.beyond(change, metric.tolerance())
                && Math.abs(canaryMedian - baselineMedian) > metric.minChange();
        return new MetricJudgement(
                metric,
                failed ? Outcome.FAIL : Outcome.PASS,
                canaryCount,
                baselineCount,
                canaryMedian,
                baselineMedian,
                change,
                p,
                null);
    }

    private static MetricJudgement noData(JudgedMetric metric, int canaryCount, int baselineCount, String problem) {
        return new MetricJudgement(
                metric,
                Outcome.NO_DATA,
                canaryCount,
                baselineCount,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                problem);
    }

    /**
     * {@code (canary - baseline) / |baseline|}: +0.2 is 20 % higher; from a baseline of 0, or to or from an infinite
     * median ({@code +Inf} latency), any change is infinite.
     */
    static double relativeChange(double canary, double baseline) {
        if (canary == baseline) {
            return 0;
        }
        if (Double.isNaN(canary) || Double.isNaN(baseline)) {
            return Double.NaN;
        }
        if (baseline == 0 || Double.isInfinite(canary) || Double.isInfinite(baseline)) {
            return canary > baseline ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        }
        return (canary - baseline) / Math.abs(baseline);
    }

    public String name() {
        return metric.name();
    }

    /** Whether its data took part in the score. */
    public boolean hasData() {
        return outcome != Outcome.NO_DATA;
    }

    /** {@code canary median 0.312 s vs baseline 0.011 s (+2736 %), p=0.0001, n=30/30}. */
    public String value() {
        return "canary median " + withUnit(canaryMedian) + " vs baseline " + withUnit(baselineMedian) + " ("
                + Judgement.percent(change, baselineMedian) + "), " + Judgement.pValue(pValue) + ", n=" + canaryCount
                + "/"
                + baselineCount;
    }

    /** {@code p >= 0.05 or change <= 10 % (increase is bad)}. */
    public String threshold() {
        String alpha = Judgement.format(metric.alpha());
        String tolerance = Judgement.format(metric.tolerance() * 100) + " %";
        String minChange = metric.minChange() > 0 ? " or |difference| <= " + withUnit(metric.minChange()) : "";
        return "p >= " + alpha + " or "
                + switch (metric.badDirection()) {
                    case INCREASE -> "change <= " + tolerance + minChange + " (increase is bad)";
                    case DECREASE -> "change >= -" + tolerance + minChange + " (decrease is bad)";
                    case EITHER -> "|change| <= " + tolerance + minChange + " (any change is bad)";
                };
    }

    /** How a reason names it: {@code latency failed (canary median 0.312 s vs 0.011 s, +2736 %, p=0.0001)}. */
    public String summary() {
        return switch (outcome) {
            case NO_DATA -> metric.name() + " has no data (" + problem + ")";
            case PASS, FAIL ->
                metric.name() + (outcome == Outcome.FAIL ? " failed" : " passed") + " (canary median "
                        + withUnit(canaryMedian) + " vs " + withUnit(baselineMedian) + ", "
                        + Judgement.percent(change, baselineMedian)
                        + ", " + Judgement.pValue(pValue) + ")";
        };
    }

    /** Its evidence: {@code judge:<metric>}, inconclusive without data. */
    public ProbeResult evidence(long latencyMs) {
        String probe = "judge:" + metric.name();
        return switch (outcome) {
            case NO_DATA -> ProbeResult.inconclusive(probe, threshold(), latencyMs, "no data: " + problem);
            case PASS -> new ProbeResult(probe, true, value(), threshold(), latencyMs, null);
            case FAIL ->
                new ProbeResult(
                        probe,
                        false,
                        value(),
                        threshold(),
                        latencyMs,
                        "the canary is significantly " + (change > 0 ? "higher" : "lower") + " than the baseline");
        };
    }

    private String withUnit(double value) {
        return Judgement.format(value) + (metric.unit().isBlank() ? "" : " " + metric.unit());
    }
}
