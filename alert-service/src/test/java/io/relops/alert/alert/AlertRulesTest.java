package io.relops.alert.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.common.event.DeploymentReady;
import io.relops.common.event.HealthFailed;
import io.relops.common.event.ProbeResult;
import io.relops.common.event.RollbackCompleted;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AlertRulesTest {

    private static final UUID RELEASE = UUID.randomUUID();

    @Test
    void aFailedHealthCheckIsCriticalAndSaysWhy() {
        var raised = AlertRules.raisedBy(new HealthFailed(
                        RELEASE,
                        "demo-app",
                        "local",
                        "2.0.0-broken",
                        "blue",
                        "health returned 503",
                        List.of(new ProbeResult("health", false, "503", "[200]", 3, "503"))))
                .orElseThrow();

        assertThat(raised.name()).isEqualTo("HealthFailed");
        assertThat(raised.severity()).isEqualTo("critical");
        assertThat(raised.summary()).contains("2.0.0-broken").contains("health returned 503");
    }

    @Test
    void aRollbackIsAWarningNamingWhatServesNow() {
        var raised = AlertRules.raisedBy(new RollbackCompleted(
                        RELEASE, "demo-app", "local", "1.1.0", "2.0.0-broken", "health failed", 12))
                .orElseThrow();

        assertThat(raised.severity()).isEqualTo("warning");
        assertThat(raised.summary()).contains("2.0.0-broken was rolled back").contains("serving 1.1.0");
    }

    @Test
    void progressRaisesNothing() {
        assertThat(AlertRules.raisedBy(
                        new DeploymentReady(RELEASE, "demo-app", "local", "1.0.0", "green", "http://127.0.0.1:9002")))
                .isEmpty();
    }

    @Test
    void theFingerprintIsStablePerApplicationAndAlert() {
        assertThat(Alerting.fingerprint("demo-app", "HealthFailed"))
                .isEqualTo(Alerting.fingerprint("demo-app", "HealthFailed"))
                .isNotEqualTo(Alerting.fingerprint("demo-app", "RolledBack"))
                .hasSize(16);
    }
}
