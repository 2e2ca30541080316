package io.relops.alert.notification;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One notification of a group of alerts to a receiver, in the shape of Alertmanager's webhook
 * payload (version 4) plus relops' fields ({@code kind}, each alert's {@code id} and {@code
 * releaseId}). It is what the outbox stores and what every integration renders.
 *
 * @param kind {@code notification}, or {@code escalation} for an unacknowledged critical alert
 */
public record NotificationMessage(
        String version,
        String groupKey,
        String status,
        String receiver,
        String kind,
        Map<String, String> groupLabels,
        Map<String, String> commonLabels,
        Map<String, String> commonAnnotations,
        String externalURL,
        List<AlertView> alerts) {

    public static final String FIRING = "firing";
    public static final String RESOLVED = "resolved";

    public List<AlertView> firingAlerts() {
        return alerts.stream().filter(a -> FIRING.equals(a.status())).toList();
    }

    public List<AlertView> resolvedAlerts() {
        return alerts.stream().filter(a -> RESOLVED.equals(a.status())).toList();
    }

    /** The same notification without its resolved alerts (for integrations that do not send them). */
    public NotificationMessage withoutResolved() {
        return new NotificationMessage(
                version,
                groupKey,
                status,
                receiver,
                kind,
                groupLabels,
                commonLabels,
                commonAnnotations,
                externalURL,
                firingAlerts());
    }

    public String application() {
        return commonLabels.getOrDefault(
                "application", alerts.isEmpty() ? "" : alerts.get(0).labels().getOrDefault("application", ""));
    }

    /** One alert of a notification. */
    public record AlertView(
            UUID id,
            String fingerprint,
            String status,
            Map<String, String> labels,
            Map<String, String> annotations,
            OffsetDateTime startsAt,
            @Nullable OffsetDateTime endsAt,
            @Nullable String generatorURL,
            @Nullable UUID releaseId) {

        public String name() {
            return labels.getOrDefault("alertname", "alert");
        }

        public String severity() {
            return labels.getOrDefault("severity", "warning");
        }

        public String application() {
            return labels.getOrDefault("application", "external");
        }
    }
}
