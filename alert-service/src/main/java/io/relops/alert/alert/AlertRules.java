package io.relops.alert.alert;

import io.relops.common.event.BackupFailed;
import io.relops.common.event.DeploymentFailed;
import io.relops.common.event.EventData;
import io.relops.common.event.HealthFailed;
import io.relops.common.event.RestoreFailed;
import io.relops.common.event.RollbackCompleted;
import io.relops.common.event.RollbackFailed;
import java.util.Optional;

/** Which events raise an alert, with what name, severity and summary. */
final class AlertRules {

    record Raised(String name, String severity, String summary) {}

    private AlertRules() {}

    static Optional<Raised> raisedBy(EventData data) {
        if (data instanceof DeploymentFailed f) {
            return Optional.of(new Raised(
                    "DeploymentFailed",
                    "critical",
                    "release of " + f.version() + " to " + f.environment() + " failed: " + f.reason()));
        }
        if (data instanceof HealthFailed f) {
            String what = f.version() == null ? "the live version" : f.version();
            return Optional.of(new Raised(
                    "HealthFailed",
                    "critical",
                    "health of " + what + " in " + f.environment() + " failed: " + f.reason()));
        }
        if (data instanceof RollbackCompleted r) {
            String serving = r.restoredVersion() == null ? "nothing" : r.restoredVersion();
            return Optional.of(new Raised(
                    "RolledBack",
                    "warning",
                    r.failedVersion() + " was rolled back in " + r.environment() + "; serving " + serving + " ("
                            + r.reason() + ")"));
        }
        if (data instanceof RollbackFailed r) {
            return Optional.of(new Raised(
                    "RollbackFailed", "critical", "rollback in " + r.environment() + " failed: " + r.reason()));
        }
        if (data instanceof BackupFailed b) {
            return Optional.of(new Raised("BackupFailed", "critical", "backup failed: " + b.reason()));
        }
        if (data instanceof RestoreFailed r) {
            return Optional.of(new Raised("RestoreFailed", "critical", "restore failed: " + r.reason()));
        }
        return Optional.empty();
    }
}
