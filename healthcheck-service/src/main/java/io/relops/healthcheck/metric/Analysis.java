package io.relops.healthcheck.metric;

import io.relops.healthcheck.metric.Conditions.Phase;
import io.relops.healthcheck.verification.GateOutcome.Verdict;
import org.jspecify.annotations.Nullable;

/**
 * The tally of one metric's measurements and what it concludes, as Argo Rollouts' analysis does (a pure function:
 * {@link #next} returns the new tally). After each measurement: more than {@code failure-limit} failed ones fail the
 * metric; more than {@code inconclusive-limit} inconclusive ones make it inconclusive; more than {@code
 * consecutive-error-limit} errors in a row make it inconclusive too (Argo errors the analysis and aborts the
 * rollout; missing monitoring data says nothing about the release, so relops pauses it for a human instead). A
 * successful, failed or inconclusive measurement ends an error streak. After {@code count} measurements within the
 * limits the metric passes, unless none of them was successful (all errors, say): then it is inconclusive.
 */
public record Analysis(
        int measurements, int successful, int failed, int inconclusive, int errors, int consecutiveErrors) {

    public static final Analysis NONE = new Analysis(0, 0, 0, 0, 0, 0);

    /** The tally with one more measurement of {@code phase}. */
    public Analysis next(Phase phase) {
        return new Analysis(
                measurements + 1,
                successful + (phase == Phase.SUCCESSFUL ? 1 : 0),
                failed + (phase == Phase.FAILED ? 1 : 0),
                inconclusive + (phase == Phase.INCONCLUSIVE ? 1 : 0),
                errors + (phase == Phase.ERROR ? 1 : 0),
                phase == Phase.ERROR ? consecutiveErrors + 1 : 0);
    }

    /**
     * What the tally concludes for {@code metric}, {@code last} being the latest measurement; null while more
     * measurements are due.
     */
    public @Nullable Conclusion conclusion(Metric metric, Measurement last) {
        String prefix = "metric '" + metric.name() + "': ";
        String lastly = "; last: " + last.describe();
        if (failed > metric.failureLimit()) {
            return new Conclusion(
                    Verdict.FAILED,
                    prefix + failed + " failed measurements > failure-limit " + metric.failureLimit() + lastly);
        }
        if (inconclusive > metric.inconclusiveLimit()) {
            return new Conclusion(
                    Verdict.INCONCLUSIVE,
                    prefix + inconclusive + " inconclusive measurements > inconclusive-limit "
                            + metric.inconclusiveLimit() + lastly);
        }
        if (consecutiveErrors > metric.consecutiveErrorLimit()) {
            return new Conclusion(
                    Verdict.INCONCLUSIVE,
                    prefix + consecutiveErrors + " consecutive errors > consecutive-error-limit "
                            + metric.consecutiveErrorLimit() + lastly);
        }
        if (measurements < metric.count()) {
            return null;
        }
        if (successful == 0) {
            return new Conclusion(
                    Verdict.INCONCLUSIVE,
                    prefix + "none of " + measurements + " measurements successful (" + errors + " errors, " + failed
                            + " failed, " + inconclusive + " inconclusive)" + lastly);
        }
        return new Conclusion(Verdict.PASSED, prefix + successful + " of " + measurements + " measurements successful");
    }

    /** A metric's verdict and its reason. */
    public record Conclusion(Verdict verdict, String reason) {}
}
