package io.relops.alert.channel;

import io.relops.alert.notification.NotificationMessage;
import io.relops.alert.notification.NotificationMessage.AlertView;
import java.util.List;
import java.util.Locale;

/**
 * The words of a notification, for a person: what failed, for which application, release and
 * version, the health evidence and where to look (the console link).
 */
public final class MessageText {

    private MessageText() {}

    /** e.g. {@code [FIRING:1] demo-app HealthFailed (critical)} or {@code [ESCALATED] ...}. */
    public static String title(NotificationMessage m) {
        List<AlertView> firing = m.firingAlerts();
        String state = "escalation".equals(m.kind())
                ? "ESCALATED, unacknowledged"
                : firing.isEmpty() ? "RESOLVED" : "FIRING:" + firing.size();
        List<AlertView> subject = firing.isEmpty() ? m.alerts() : firing;
        String names = subject.stream()
                .map(AlertView::name)
                .distinct()
                .reduce((a, b) -> a + ", " + b)
                .orElse("");
        String severity = subject.isEmpty() ? "" : " (" + subject.get(0).severity() + ")";
        return "[" + state + "] " + m.application() + " " + names + severity;
    }

    /** The body: a paragraph per alert. */
    public static String body(NotificationMessage m) {
        StringBuilder text = new StringBuilder();
        for (AlertView a : m.alerts()) {
            if (!text.isEmpty()) {
                text.append("\n\n");
            }
            text.append(a.status().toUpperCase(Locale.ROOT))
                    .append(' ')
                    .append(a.name())
                    .append(" (")
                    .append(a.severity())
                    .append("): ")
                    .append(a.annotations().getOrDefault("summary", a.name()));
            line(text, "application", a.application());
            line(text, "environment", a.labels().get("environment"));
            line(text, "version", a.annotations().get("version"));
            line(text, "release", a.releaseId() == null ? null : a.releaseId().toString());
            line(text, "what failed", a.annotations().get("description"));
            String evidence = a.annotations().get("evidence");
            if (evidence != null && !evidence.isBlank()) {
                text.append("\nhealth evidence:");
                for (String row : evidence.split("\n")) {
                    text.append("\n  ").append(row);
                }
            }
            line(text, "since", a.startsAt().toString());
            if (a.endsAt() != null && "resolved".equals(a.status())) {
                line(text, "resolved at", a.endsAt().toString());
            }
            line(text, "console", a.annotations().get("console"));
            line(text, "source", a.generatorURL());
        }
        return text.toString();
    }

    private static void line(StringBuilder text, String name, String value) {
        if (value != null && !value.isBlank()) {
            text.append('\n').append(name).append(": ").append(value);
        }
    }
}
