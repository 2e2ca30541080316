package io.relops.common.event;

import org.jspecify.annotations.Nullable;

/**
 * The evidence of one probe run: what was measured, against what, how long it took, what failed.
 * {@code inconclusive} is true when the probe could not decide (its data source was unreachable or
 * had no data); an inconclusive result never passes. Null (older producers) means false.
 * {@code output} is what a smoke test printed (its last lines, redacted), whatever its verdict; null
 * for the other probes and from older producers.
 */
public record ProbeResult(
        String probe,
        boolean passed,
        @Nullable String value,
        @Nullable String threshold,
        long latencyMs,
        @Nullable String error,
        @Nullable Boolean inconclusive,
        @Nullable String output) {

    /** A conclusive result (the shape before {@code inconclusive} existed). */
    public ProbeResult(
            String probe,
            boolean passed,
            @Nullable String value,
            @Nullable String threshold,
            long latencyMs,
            @Nullable String error) {
        this(probe, passed, value, threshold, latencyMs, error, null, null);
    }

    /** A result without output (the shape before {@code output} existed). */
    public ProbeResult(
            String probe,
            boolean passed,
            @Nullable String value,
            @Nullable String threshold,
            long latencyMs,
            @Nullable String error,
            @Nullable Boolean inconclusive) {
        this(probe, passed, value, threshold, latencyMs, error, inconclusive, null);
    }

    /** An inconclusive result: it does not pass, and says why it could not decide. */
    public static ProbeResult inconclusive(String probe, @Nullable String threshold, long latencyMs, String error) {
        return new ProbeResult(probe, false, null, threshold, latencyMs, error, Boolean.TRUE, null);
    }

    public boolean conclusive() {
        return !Boolean.TRUE.equals(inconclusive);
    }
}
