package io.relops.healthcheck.judge;

import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One metric's samples over the judged window: the canary's and the baseline's (NaN, which Prometheus writes for
 * 0/0, e.g. a quantile without traffic, is dropped; infinities are kept: a latency quantile above the top bucket is
 * {@code +Inf}, the slowest a canary can be, and the rank test orders them), or the {@code problem} that kept the
 * judge from getting them (Prometheus unreachable, an error answer).
 */
public record MetricSamples(
        double[] canary, double[] baseline, @Nullable String problem) {

    public MetricSamples {
        canary = numbers(canary);
        baseline = numbers(baseline);
    }

    public static MetricSamples of(double[] canary, double[] baseline) {
        return new MetricSamples(canary, baseline, null);
    }

    public static MetricSamples of(List<Double> canary, List<Double> baseline) {
        return of(
                canary.stream().mapToDouble(Double::doubleValue).toArray(),
                baseline.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** No samples: {@code problem} says why. */
    public static MetricSamples problem(String problem) {
        return new MetricSamples(new double[0], new double[0], problem);
    }

    private static double[] numbers(double[] values) {
        return Arrays.stream(values).filter(value -> !Double.isNaN(value)).toArray();
    }
}
