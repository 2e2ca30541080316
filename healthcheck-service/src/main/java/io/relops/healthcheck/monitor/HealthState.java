package io.relops.healthcheck.monitor;

import io.relops.common.event.ProbeResult;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The monitor's judgement of one live application, with hysteresis: it turns UNHEALTHY after
 * {@code unhealthyAfter} consecutive failing rounds and HEALTHY after {@code healthyAfter}
 * consecutive passing ones, so an endpoint flapping between the two changes nothing. A round with
 * an inconclusive result (and no failure) counts neither way. Immutable.
 */
public record HealthState(Status status, int passingStreak, int failingStreak, int transitions) {

    public enum Status {
        UNKNOWN,
        HEALTHY,
        UNHEALTHY
    }

    /** What one round changed: the new state, and the transition to announce (or null). */
    public record Step(HealthState state, @Nullable Status transition) {}

    public static HealthState unknown(int transitions) {
        return new HealthState(Status.UNKNOWN, 0, 0, transitions);
    }

    public Step next(List<ProbeResult> results, int unhealthyAfter, int healthyAfter) {
        boolean failed = false;
        boolean inconclusive = results.isEmpty();
        for (ProbeResult result : results) {
            if (!result.conclusive()) {
                inconclusive = true;
            } else if (!result.passed()) {
                failed = true;
            }
        }
        int passing = passingStreak;
        int failing = failingStreak;
        if (failed) {
            failing = Math.min(failing + 1, unhealthyAfter);
            passing = 0;
        } else if (inconclusive) {
            passing = 0;
        } else {
            passing = Math.min(passing + 1, healthyAfter);
            failing = 0;
        }
        if (status != Status.UNHEALTHY && failing >= unhealthyAfter) {
            return new Step(new HealthState(Status.UNHEALTHY, passing, failing, transitions + 1), Status.UNHEALTHY);
        }
        if (status != Status.HEALTHY && passing >= healthyAfter) {
            // the first verdict HEALTHY is no news; a recovery from UNHEALTHY is announced once
            boolean recovery = status == Status.UNHEALTHY;
            return new Step(
                    new HealthState(Status.HEALTHY, passing, failing, recovery ? transitions + 1 : transitions),
                    recovery ? Status.HEALTHY : null);
        }
        return new Step(new HealthState(status, passing, failing, transitions), null);
    }
}
