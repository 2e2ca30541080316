package io.relops.common.event;

import org.jspecify.annotations.Nullable;

/** The evidence of one probe run: what was measured, against what, how long it took, what failed. */
public record ProbeResult(
        String probe,
        boolean passed,
        @Nullable String value,
        @Nullable String threshold,
        long latencyMs,
        @Nullable String error) {}
