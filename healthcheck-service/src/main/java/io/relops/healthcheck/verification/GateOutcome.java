package io.relops.healthcheck.verification;

import io.relops.common.event.ProbeResult;
import java.util.List;

/**
 * What one gate concluded: {@code PASSED}, {@code FAILED} (the release is rolled back) or {@code INCONCLUSIVE} (the
 * gate could not decide: the release waits for a human), why, and its evidence (one {@link ProbeResult} per
 * measurement, test run or judged metric).
 */
public record GateOutcome(Verdict verdict, String reason, List<ProbeResult> evidence) {

    public enum Verdict {
        PASSED,
        FAILED,
        INCONCLUSIVE
    }

    public GateOutcome {
        evidence = List.copyOf(evidence);
    }

    public static GateOutcome passed(String reason, List<ProbeResult> evidence) {
        return new GateOutcome(Verdict.PASSED, reason, evidence);
    }

    public static GateOutcome failed(String reason, List<ProbeResult> evidence) {
        return new GateOutcome(Verdict.FAILED, reason, evidence);
    }

    public static GateOutcome inconclusive(String reason, List<ProbeResult> evidence) {
        return new GateOutcome(Verdict.INCONCLUSIVE, reason, evidence);
    }
}
