package io.relops.healthcheck.verification;

import io.relops.common.event.EventType;
import io.relops.healthcheck.probe.HealthCatalog.HealthSpec;
import io.relops.healthcheck.probe.ProbeTarget;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One verification as its gates see it: the slot under test ({@code target}, with what the catalog allows there),
 * the event that asked for it ({@code trigger}, the canary {@code step} and {@code weight}), the environment's
 * health settings, and, for a canary step, the slot still serving the rest of the traffic ({@code baseline}: the
 * live slot of an earlier release; null when there is none or the slot under test is already live).
 */
public record GateRun(
        UUID verificationId,
        @Nullable UUID releaseId,
        String application,
        String environment,
        @Nullable String version,
        @Nullable String slot,
        String endpoint,
        String trigger,
        @Nullable Integer step,
        @Nullable Integer weight,
        HealthSpec health,
        ProbeTarget target,
        @Nullable ProbeTarget baseline,
        Instant startedAt) {

    /** A {@code deployment.ready}: the slot runs, no traffic reaches it yet. */
    public boolean beforeTraffic() {
        return EventType.DEPLOYMENT_READY.typeName().equals(trigger);
    }

    /** A {@code traffic.shifted} below 100 %: the canary shares the traffic with the baseline. */
    public boolean canaryStep() {
        return EventType.TRAFFIC_SHIFTED.typeName().equals(trigger) && weight != null && weight < 100;
    }

    /** How logs and reasons name the run: {@code demo-app 1.2.0 on green (step 1, 25 %)}. */
    public String describe() {
        return application + " " + version + " on " + slot
                + (step == null ? "" : " (step " + step + ", " + weight + " %)");
    }
}
