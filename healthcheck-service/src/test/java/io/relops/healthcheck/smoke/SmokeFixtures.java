package io.relops.healthcheck.smoke;

import io.relops.common.event.EventType;
import io.relops.healthcheck.probe.HealthCatalog.HealthSpec;
import io.relops.healthcheck.probe.HealthCatalog.MonitorSpec;
import io.relops.healthcheck.probe.ProbeTarget;
import io.relops.healthcheck.smoke.SmokeTestSpec.JobSpec;
import io.relops.healthcheck.smoke.SmokeTestSpec.WebhookSpec;
import io.relops.healthcheck.verification.GateRun;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** Smoke tests and the verification runs they are started for, as the catalog and the Verifier make them. */
final class SmokeFixtures {

    static final String ENDPOINT = "http://127.0.0.1:18080/";

    private SmokeFixtures() {}

    static SmokeTestSpec command(String name, Duration timeout, int outputLines, String... command) {
        return new SmokeTestSpec(name, Set.of("ready"), List.of(command), null, null, null, null, timeout, outputLines);
    }

    static SmokeTestSpec command(
            String name,
            @Nullable String workingDirectory,
            @Nullable Map<String, String> environment,
            String... command) {
        return new SmokeTestSpec(
                name,
                Set.of("ready", "steps"),
                List.of(command),
                workingDirectory,
                environment,
                null,
                null,
                Duration.ofSeconds(20),
                20);
    }

    static SmokeTestSpec webhook(String name, String url, Duration timeout) {
        return new SmokeTestSpec(
                name,
                Set.of("ready"),
                null,
                null,
                null,
                new WebhookSpec(url, "POST", Map.of("X-Relops-Slot", "{slot}")),
                null,
                timeout,
                20);
    }

    static SmokeTestSpec job(String name, String namespace, String template, Duration timeout) {
        return new SmokeTestSpec(
                name, Set.of("ready"), null, null, null, null, new JobSpec(namespace, template), timeout, 20);
    }

    /** The {@code deployment.ready} verification of demo-app 1.2.0 on green with {@code smokeTests}. */
    static GateRun ready(SmokeTestSpec... smokeTests) {
        return run(EventType.DEPLOYMENT_READY.typeName(), null, null, smokeTests);
    }

    /** The verification of canary step {@code step} at {@code weight} %. */
    static GateRun step(int step, int weight, SmokeTestSpec... smokeTests) {
        return run(EventType.TRAFFIC_SHIFTED.typeName(), step, weight, smokeTests);
    }

    private static GateRun run(
            String trigger, @Nullable Integer step, @Nullable Integer weight, SmokeTestSpec... smokeTests) {
        HealthSpec health = new HealthSpec(
                List.of(),
                List.of(smokeTests),
                null,
                null,
                List.of("127.0.0.1"),
                "none",
                Duration.ZERO,
                Duration.ofSeconds(1),
                3,
                2,
                Duration.ofSeconds(60),
                Duration.ofMinutes(5),
                new MonitorSpec(true, Duration.ofSeconds(10), 3, 2));
        ProbeTarget target = ProbeTarget.of("demo-app", "1.2.0", "green", ENDPOINT, health);
        return new GateRun(
                UUID.randomUUID(),
                UUID.randomUUID(),
                "demo-app",
                "prod",
                "1.2.0",
                "green",
                ENDPOINT,
                trigger,
                step,
                weight,
                health,
                target,
                null,
                Instant.now());
    }
}
