package io.relops.healthcheck.smoke;

import java.util.List;

/**
 * What one run of a smoke test came to, before it is judged: its {@code status}, the measured {@code value} ({@code
 * exit 0}, {@code HTTP 204}, {@code job complete}, {@code timed out after 60 s}) and the last lines of its output
 * (already bounded, not yet redacted).
 */
record SmokeRun(Status status, String value, List<String> output) {

    enum Status {
        PASSED,
        FAILED,
        TIMED_OUT
    }

    SmokeRun {
        output = List.copyOf(output);
    }

    static SmokeRun passed(String value, List<String> output) {
        return new SmokeRun(Status.PASSED, value, output);
    }

    static SmokeRun failed(String value, List<String> output) {
        return new SmokeRun(Status.FAILED, value, output);
    }

    static SmokeRun timedOut(java.time.Duration timeout, List<String> output) {
        return new SmokeRun(Status.TIMED_OUT, "timed out after " + Durations.show(timeout), output);
    }
}
