package io.relops.alert.lifecycle;

import io.relops.alert.notification.ConsoleLinks;
import io.relops.common.event.BackupCompleted;
import io.relops.common.event.BackupFailed;
import io.relops.common.event.DeploymentFailed;
import io.relops.common.event.HealthFailed;
import io.relops.common.event.HealthInconclusive;
import io.relops.common.event.HealthVerified;
import io.relops.common.event.ProbeResult;
import io.relops.common.event.ReleaseCompleted;
import io.relops.common.event.RelopsEvent;
import io.relops.common.event.RestoreCompleted;
import io.relops.common.event.RestoreFailed;
import io.relops.common.event.RollbackCompleted;
import io.relops.common.event.RollbackFailed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Which relops events fire or resolve which alerts. Failures fire a critical alert per application
 * and environment; recoveries resolve it: {@code health.verified} resolves {@code HealthFailed}, a
 * completed rollback resolves the failure it answered (and fires a {@code RolledBack} warning), a
 * completed release resolves everything of its environment; {@code backup.completed} / {@code
 * restore.completed} resolve their failures. {@code release.completed} also fires an informational
 * {@code ReleaseCompleted} alert that resolves by itself after the resolve timeout (it is notified
 * only where a route sends {@code severity="info"} to a receiver). {@code health.inconclusive} fires a {@code
 * ReleasePaused} warning (the release waits for a person to promote or abort it), resolved when the release completes
 * or is rolled back. A {@code deployment.failed} that marks a refusal
 * ({@code refused}: the environment's promotion rule turned the release down, nothing was deployed) fires nothing.
 */
public final class AlertRules {

    private final ConsoleLinks console;
    private final Duration resolveTimeout;

    public AlertRules(ConsoleLinks console, Duration resolveTimeout) {
        this.console = console;
        this.resolveTimeout = resolveTimeout;
    }

    public List<AlertSignal> signals(RelopsEvent<?> event) {
        List<AlertSignal> out = new ArrayList<>();
        Object data = event.data();
        String app = event.subject();
        if (data instanceof DeploymentFailed f && Boolean.TRUE.equals(f.refused())) {
            // a release refused by its environment's promotion rule (REJECTED, nothing deployed): not a failed
            // deployment, and nobody is paged; the refusal stays on the release's timeline and in the audit log
        } else if (data instanceof DeploymentFailed f) {
            out.add(fire(
                    event,
                    "DeploymentFailed",
                    "critical",
                    f.environment(),
                    Map.of(
                            "summary", "release of " + app + " " + f.version() + " to " + f.environment() + " failed",
                            "description", f.reason(),
                            "version", f.version())));
        } else if (data instanceof HealthFailed f) {
            String what = f.version() == null ? "the live version" : f.version();
            Map<String, String> annotations = new LinkedHashMap<>();
            annotations.put("summary", "health of " + app + " " + what + " in " + f.environment() + " failed");
            annotations.put("description", f.reason());
            annotations.put("evidence", evidence(f.results()));
            if (f.version() != null) {
                annotations.put("version", f.version());
            }
            if (f.slot() != null) {
                annotations.put("slot", f.slot());
            }
            if (f.step() != null) {
                annotations.put("canaryStep", f.step().toString());
            }
            out.add(fire(event, "HealthFailed", "critical", f.environment(), annotations));
        } else if (data instanceof HealthInconclusive i) {
            Map<String, String> annotations = new LinkedHashMap<>();
            annotations.put(
                    "summary",
                    "release of " + app + " " + i.version() + " to " + i.environment()
                            + " is paused: its verification could not decide; promote or abort it");
            annotations.put("description", i.reason());
            annotations.put("evidence", evidence(i.results()));
            if (i.version() != null) {
                annotations.put("version", i.version());
            }
            if (i.step() != null) {
                annotations.put("canaryStep", i.step().toString());
            }
            out.add(fire(event, "ReleasePaused", "warning", i.environment(), annotations));
        } else if (data instanceof HealthVerified v) {
            out.add(resolve(event, "HealthFailed", "critical", v.environment()));
        } else if (data instanceof RollbackCompleted r) {
            out.add(resolve(event, "HealthFailed", "critical", r.environment()));
            out.add(resolve(event, "ReleasePaused", "warning", r.environment()));
            out.add(resolve(event, "DeploymentFailed", "critical", r.environment()));
            out.add(resolve(event, "RollbackFailed", "critical", r.environment()));
            String serving = r.restoredVersion() == null ? "nothing" : r.restoredVersion();
            out.add(fire(
                    event,
                    "RolledBack",
                    "warning",
                    r.environment(),
                    Map.of(
                            "summary",
                            app + " " + r.failedVersion() + " was rolled back in " + r.environment() + "; serving "
                                    + serving,
                            "description",
                            r.reason(),
                            "version",
                            r.failedVersion(),
                            "restoredVersion",
                            serving)));
        } else if (data instanceof RollbackFailed r) {
            out.add(fire(
                    event,
                    "RollbackFailed",
                    "critical",
                    r.environment(),
                    Map.of(
                            "summary",
                            "rollback of " + app + " in " + r.environment() + " failed: it needs a person",
                            "description",
                            r.reason())));
        } else if (data instanceof ReleaseCompleted c) {
            for (String name : List.of("HealthFailed", "DeploymentFailed", "RollbackFailed")) {
                out.add(resolve(event, name, "critical", c.environment()));
            }
            out.add(resolve(event, "RolledBack", "warning", c.environment()));
            out.add(resolve(event, "ReleasePaused", "warning", c.environment()));
            AlertSignal info = fire(
                    event,
                    "ReleaseCompleted",
                    "info",
                    c.environment(),
                    Map.of(
                            "summary", app + " " + c.version() + " now serves " + c.environment(),
                            "description",
                                    "previous version " + (c.previousVersion() == null ? "none" : c.previousVersion()),
                            "version", c.version()));
            out.add(new AlertSignal(
                    info.labels(),
                    info.annotations(),
                    true,
                    info.at(),
                    info.at().plus(resolveTimeout),
                    info.releaseId(),
                    null,
                    info.cause()));
        } else if (data instanceof BackupFailed b) {
            out.add(fire(
                    event,
                    "BackupFailed",
                    "critical",
                    null,
                    Map.of(
                            "summary", "backup of " + app + " failed",
                            "description", b.reason(),
                            "backupId", b.backupId().toString())));
        } else if (data instanceof BackupCompleted) {
            out.add(resolve(event, "BackupFailed", "critical", null));
        } else if (data instanceof RestoreFailed r) {
            out.add(fire(
                    event,
                    "RestoreFailed",
                    "critical",
                    null,
                    Map.of(
                            "summary", "restore of " + app + " failed",
                            "description", r.reason(),
                            "backupId", r.backupId().toString())));
        } else if (data instanceof RestoreCompleted) {
            out.add(resolve(event, "RestoreFailed", "critical", null));
        }
        return out;
    }

    private AlertSignal fire(
            RelopsEvent<?> event,
            String name,
            String severity,
            @Nullable String environment,
            Map<String, String> annotations) {
        Map<String, String> all = new LinkedHashMap<>(annotations);
        all.put("source", event.type().typeName());
        UUID releaseId = event.releaseId();
        if (releaseId != null) {
            all.put("releaseId", releaseId.toString());
        }
        String link = releaseId != null ? console.release(releaseId) : console.applications();
        if (link != null) {
            all.put("console", link);
        }
        return new AlertSignal(
                labels(name, event.subject(), severity, environment),
                all,
                true,
                event.time(),
                null,
                releaseId,
                null,
                event.id());
    }

    private static AlertSignal resolve(
            RelopsEvent<?> event, String name, String severity, @Nullable String environment) {
        return new AlertSignal(
                labels(name, event.subject(), severity, environment),
                Map.of(),
                false,
                event.time(),
                null,
                event.releaseId(),
                null,
                event.id());
    }

    static Map<String, String> labels(String name, String application, String severity, @Nullable String environment) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", name);
        labels.put("application", application);
        labels.put("severity", severity);
        if (environment != null) {
            labels.put("environment", environment);
        }
        return labels;
    }

    /** The probe results in a line each: what was measured, against what, how long it took, what failed. */
    static String evidence(List<ProbeResult> results) {
        StringBuilder text = new StringBuilder();
        for (ProbeResult r : results) {
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(r.passed() ? "PASS " : "FAIL ")
                    .append(r.probe())
                    .append(": ")
                    .append(r.value() == null ? "-" : r.value());
            if (r.threshold() != null) {
                text.append(" (expected ").append(r.threshold()).append(')');
            }
            text.append(", ").append(r.latencyMs()).append(" ms");
            if (r.error() != null && !r.error().equals(r.value())) {
                text.append(", ").append(r.error());
            }
        }
        return text.toString();
    }
}
