package io.relops.healthcheck.verification;

import io.relops.common.event.ProbeResult;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One verification run of a slot, with the evidence of every probe run. {@code trigger} is the
 * event type that asked for it; {@code step} and {@code weight} are the canary step's for a
 * {@code traffic.shifted}, null for {@code deployment.ready}.
 */
public record Verification(
        UUID id,
        @Nullable UUID releaseId,
        String application,
        String environment,
        @Nullable String version,
        @Nullable String slot,
        String endpoint,
        String trigger,
        @Nullable Integer step,
        @Nullable Integer weight,
        String status,
        @Nullable String reason,
        List<ProbeResult> results,
        OffsetDateTime startedAt,
        @Nullable OffsetDateTime finishedAt) {

    static final String RUNNING = "RUNNING";
    static final String VERIFIED = "VERIFIED";
    static final String FAILED = "FAILED";
    static final String INCONCLUSIVE = "INCONCLUSIVE";

    static String status(GateOutcome.Verdict verdict) {
        return switch (verdict) {
            case PASSED -> VERIFIED;
            case FAILED -> FAILED;
            case INCONCLUSIVE -> INCONCLUSIVE;
        };
    }
}
