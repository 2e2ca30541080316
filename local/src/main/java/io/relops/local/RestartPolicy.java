package io.relops.local;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * When the launcher restarts a service process that exited by itself: after an exponential backoff (1 s, 2 s, 4 s
 * ... at most {@code maxBackoff}), counted over a run of <em>quick failures</em>, exits that came less than {@code
 * stableAfter} after the process started. A process that ran longer starts a new run (the next delay is 1 s
 * again); the {@code giveUpAfter}-th quick failure in a row is not restarted. A pure function: {@link LocalSuite}
 * keeps the count and acts on the answer.
 *
 * @param initialBackoff the delay before the first restart of a run
 * @param maxBackoff the longest delay
 * @param stableAfter a process that ran this long before it exited was healthy: its exit begins a new run
 * @param giveUpAfter the quick failures in a row after which the service is left stopped
 */
public record RestartPolicy(Duration initialBackoff, Duration maxBackoff, Duration stableAfter, int giveUpAfter) {

    /** 1 s, 2 s, 4 s, 8 s, 16 s, 30 s...; a minute of running resets it; the 6th quick failure gives up. */
    public static final RestartPolicy DEFAULT =
            new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(1), 6);

    public RestartPolicy {
        if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("restart backoff " + initialBackoff + " to " + maxBackoff);
        }
        if (giveUpAfter < 1) {
            throw new IllegalArgumentException("give up after " + giveUpAfter + " failures: at least 1");
        }
    }

    /**
     * What to do after an exit.
     *
     * @param failures the quick failures in a row, this exit included (1 after a stable run)
     * @param delay how long to wait before starting the process again; null: give up
     */
    public record Decision(int failures, @Nullable Duration delay) {

        public boolean restart() {
            return delay != null;
        }
    }

    /**
     * The decision for a process that ran {@code ranFor} before it exited, {@code failuresBefore} being the
     * {@link Decision#failures} of the previous exit (0 if there was none).
     */
    public Decision afterExit(Duration ranFor, int failuresBefore) {
        int failures = ranFor.compareTo(stableAfter) >= 0 ? 1 : failuresBefore + 1;
        if (failures >= giveUpAfter) {
            return new Decision(failures, null);
        }
        long delay = IntervalFunction.ofExponentialBackoff(initialBackoff, 2.0, maxBackoff)
                .apply(failures);
        return new Decision(failures, Duration.ofMillis(delay));
    }
}
