package io.relops.healthcheck.judge;

import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One metric's samples over the judged window: the canary's and the baseline's (numbers only: NaN and infinities,
 * which Prometheus writes for a division by zero, are dropped), or the {@code problem} that kept the judge from
 * getting them (Prometheus unreachable, an error answer).
 */
public record MetricSamples(
        double[] canary, double[] baseline, @Nullable String problem) {

    public MetricSamples {
        canary = finite(canary);
        baseline = finite(baseline);
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

    private static double[] finite(double[] values) {
        return Arrays.stream(values).filter(Double::isFinite).toArray();
    }
}
