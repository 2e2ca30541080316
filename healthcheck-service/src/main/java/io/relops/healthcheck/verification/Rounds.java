package io.relops.healthcheck.verification;

import io.relops.common.event.ProbeResult;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The verification policy over probe rounds: {@code successes} consecutive passing rounds verify,
 * {@code failures} consecutive failing rounds fail; a round with an inconclusive result and no
 * failure counts neither way (it breaks a passing streak: inconclusive never passes); past the
 * deadline the verification fails, saying whether it was inconclusive.
 */
final class Rounds {

    enum Round {
        PASSED,
        FAILED,
        INCONCLUSIVE
    }

    /** A verdict, or null to run another round. */
    record Verdict(boolean verified, String reason) {}

    private final int successes;
    private final int failures;
    private int passingStreak;
    private int failingStreak;
    private int inconclusiveRounds;
    private int rounds;
    private @Nullable String lastProblem;

    Rounds(int successes, int failures) {
        this.successes = successes;
        this.failures = failures;
    }

    static Round classify(List<ProbeResult> results) {
        boolean inconclusive = false;
        for (ProbeResult result : results) {
            if (!result.conclusive()) {
                inconclusive = true;
            } else if (!result.passed()) {
                return Round.FAILED;
            }
        }
        return inconclusive || results.isEmpty() ? Round.INCONCLUSIVE : Round.PASSED;
    }

    /** Takes one round's results; the verdict when it is reached. */
    @Nullable
    Verdict record(List<ProbeResult> results) {
        rounds++;
        Round round = classify(results);
        for (ProbeResult result : results) {
            if (!result.passed() && result.error() != null) {
                lastProblem = result.probe() + ": " + result.error();
            }
        }
        switch (round) {
            case PASSED -> {
                passingStreak++;
                failingStreak = 0;
            }
            case FAILED -> {
                failingStreak++;
                passingStreak = 0;
            }
            case INCONCLUSIVE -> {
                inconclusiveRounds++;
                passingStreak = 0;
            }
        }
        if (passingStreak >= successes) {
            return new Verdict(true, passingStreak + " consecutive passing rounds");
        }
        if (failingStreak >= failures) {
            return new Verdict(false, failingStreak + " consecutive failing rounds; last: " + lastProblem);
        }
        return null;
    }

    /** The verdict when the deadline passed without one. */
    Verdict deadlinePassed(Duration deadline) {
        String why = "no verdict within the deadline of " + deadline.toMillis() + " ms after " + rounds + " rounds";
        if (inconclusiveRounds > 0) {
            why += " (" + inconclusiveRounds + " inconclusive)";
        }
        return new Verdict(false, lastProblem == null ? why : why + "; last: " + lastProblem);
    }
}
