package io.relops.healthcheck.metric;

import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.metric.Conditions.Phase;
import org.jspecify.annotations.Nullable;

/**
 * One measurement of a metric: its phase, the measured value as text ({@code 0.012}, {@code [0.97, 0.99]}; none for
 * an error), what went wrong (an error, or the condition a failed or inconclusive result did not meet) and how long
 * it took.
 */
public record Measurement(
        Phase phase, @Nullable String value, @Nullable String problem, long latencyMs) {

    /** A measurement that could not produce a value (unreachable, no data, an evaluation that threw). */
    public static Measurement error(String problem, long latencyMs) {
        return new Measurement(Phase.ERROR, null, problem, latencyMs);
    }

    /** What reasons quote of the last measurement: {@code result = 0.82} or the error. */
    public String describe() {
        if (phase == Phase.ERROR) {
            return String.valueOf(problem);
        }
        return "result = " + value;
    }

    /** The evidence of this measurement of {@code metric}: inconclusive for an inconclusive or errored one. */
    public ProbeResult evidence(Metric metric) {
        boolean undecided = phase == Phase.INCONCLUSIVE || phase == Phase.ERROR;
        return new ProbeResult(
                metric.probe(),
                phase == Phase.SUCCESSFUL,
                value,
                metric.conditions().summary(),
                latencyMs,
                problem,
                undecided ? Boolean.TRUE : null);
    }
}
