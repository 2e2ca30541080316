package io.relops.alert.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.alert.notification.ConsoleLinks;
import io.relops.common.event.DeploymentFailed;
import io.relops.common.event.DeploymentReady;
import io.relops.common.event.HealthFailed;
import io.relops.common.event.HealthInconclusive;
import io.relops.common.event.ProbeResult;
import io.relops.common.event.ReleaseCompleted;
import io.relops.common.event.RelopsEvent;
import io.relops.common.event.RollbackCompleted;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AlertRulesTest {

    private static final UUID RELEASE = UUID.randomUUID();
    private final AlertRules rules = new AlertRules(new ConsoleLinks("http://console.example/"), Duration.ofMinutes(5));

    private static RelopsEvent<?> event(io.relops.common.event.EventData data) {
        return RelopsEvent.of(URI.create("/test"), data);
    }

    @Test
    void aFailedHealthCheckFiresACriticalAlertWithTheEvidenceAndAConsoleLink() {
        var signals = rules.signals(event(new HealthFailed(
                RELEASE,
                "demo-app",
                "local",
                "2.0.0-broken",
                "blue",
                null,
                "health returned 503",
                List.of(new ProbeResult("health", false, "503", "[200]", 3, "503")))));

        assertThat(signals).hasSize(1);
        AlertSignal s = signals.get(0);
        assertThat(s.firing()).isTrue();
        assertThat(s.labels())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "alertname", "HealthFailed",
                        "application", "demo-app",
                        "environment", "local",
                        "severity", "critical"));
        assertThat(s.annotations().get("summary")).contains("2.0.0-broken");
        assertThat(s.annotations().get("description")).isEqualTo("health returned 503");
        assertThat(s.annotations().get("evidence")).isEqualTo("FAIL health: 503 (expected [200]), 3 ms");
        assertThat(s.annotations().get("console")).isEqualTo("http://console.example/console/releases/" + RELEASE);
        assertThat(s.releaseId()).isEqualTo(RELEASE);
    }

    @Test
    void anInconclusiveVerificationWarnsThatTheReleaseWaitsForAPersonUntilItEnds() {
        var signals = rules.signals(event(new HealthInconclusive(
                RELEASE,
                "demo-app",
                "local",
                "1.2.0",
                "green",
                1,
                "metric 'error-rate': 5 consecutive errors",
                List.of(ProbeResult.inconclusive("metric:error-rate", "result < 0.01", 2, "unreachable")))));

        assertThat(signals).singleElement().satisfies(s -> {
            assertThat(s.firing()).isTrue();
            assertThat(s.alertname()).isEqualTo("ReleasePaused");
            assertThat(s.severity()).isEqualTo("warning");
            assertThat(s.annotations().get("summary")).contains("is paused").contains("promote or abort");
            assertThat(s.annotations().get("canaryStep")).isEqualTo("1");
        });
        AlertSignal paused = signals.get(0);
        var completed = rules.signals(event(new ReleaseCompleted(RELEASE, "demo-app", "local", "1.2.0", "1.1.0", 3)));
        assertThat(completed)
                .anySatisfy(s -> assertThat(s.fingerprint()).isEqualTo(paused.fingerprint()))
                .filteredOn(s -> s.fingerprint().equals(paused.fingerprint()))
                .allSatisfy(s -> assertThat(s.firing()).isFalse());
    }

    @Test
    void aCompletedRollbackResolvesTheFailureAndWarnsWhatServesNow() {
        var signals = rules.signals(event(
                new RollbackCompleted(RELEASE, "demo-app", "local", "1.1.0", "2.0.0-broken", "health failed", 12)));

        AlertSignal healthFailed = rules.signals(event(
                        new HealthFailed(RELEASE, "demo-app", "local", "2.0.0-broken", "blue", null, "x", List.of())))
                .get(0);
        assertThat(signals)
                .anySatisfy(s -> {
                    assertThat(s.firing()).isFalse();
                    assertThat(s.fingerprint()).isEqualTo(healthFailed.fingerprint());
                })
                .anySatisfy(s -> {
                    assertThat(s.firing()).isTrue();
                    assertThat(s.alertname()).isEqualTo("RolledBack");
                    assertThat(s.severity()).isEqualTo("warning");
                    assertThat(s.annotations().get("summary"))
                            .contains("2.0.0-broken was rolled back")
                            .contains("serving 1.1.0");
                });
    }

    @Test
    void aFailedDeploymentFiresACriticalAlertButARefusedPromotionFiresNothing() {
        var failed = rules.signals(event(
                new DeploymentFailed(RELEASE, "demo-app", "production", "2.0.0", "green", "exited with code 1", null)));
        var refused = rules.signals(event(new DeploymentFailed(
                RELEASE,
                "demo-app",
                "production",
                "2.0.0",
                null,
                "promotion to production refused: demo-app 2.0.0 has not completed in staging",
                true)));

        assertThat(failed).singleElement().satisfies(s -> {
            assertThat(s.firing()).isTrue();
            assertThat(s.alertname()).isEqualTo("DeploymentFailed");
            assertThat(s.severity()).isEqualTo("critical");
        });
        assertThat(refused).as("a refusal is not a failed deployment").isEmpty();
    }

    @Test
    void progressRaisesNothing() {
        assertThat(rules.signals(event(
                        new DeploymentReady(RELEASE, "demo-app", "local", "1.0.0", "green", "http://127.0.0.1:9002"))))
                .isEmpty();
    }

    @Test
    void theFingerprintDependsOnTheLabelsOnlyNotTheirOrder() {
        assertThat(AlertSignal.fingerprint(Map.of("alertname", "A", "application", "x")))
                .isEqualTo(
                        AlertSignal.fingerprint(new java.util.TreeMap<>(Map.of("application", "x", "alertname", "A"))))
                .isNotEqualTo(AlertSignal.fingerprint(Map.of("alertname", "A", "application", "y")))
                .hasSize(16);
    }
}
