package io.relops.alert.channel;

import io.relops.alert.notification.ConsoleLinks;
import io.relops.alert.notification.NotificationMessage;
import io.relops.alert.notification.NotificationMessage.AlertView;
import io.relops.alert.notification.RunbookLinks;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The words of a notification, for a person: what failed, for which application, release and version, the health
 * evidence, and where to look: the release's timeline in the console ({@link ConsoleLinks}), the runbook (annotation
 * {@code runbook_url}, a relative one resolved against {@code relops.alerting.runbook-base-url}: {@link RunbookLinks})
 * and the alert's source. The same lines as plain text (e-mail, log, PagerDuty, a webhook
 * template's {@code text}) and as Slack mrkdwn, where every value is escaped ({@code & < >}) and links are Slack's
 * {@code <url>}. A value that is not an http(s) URL is never made a link.
 */
public final class MessageText {

    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}+");
    private static final Pattern LINKABLE = Pattern.compile("https?://[^\\s|<>]+");

    private final ConsoleLinks console;
    private final RunbookLinks runbooks;

    /** Runbooks as the alerts give them. */
    public MessageText(ConsoleLinks console) {
        this(console, new RunbookLinks(null));
    }

    public MessageText(ConsoleLinks console, RunbookLinks runbooks) {
        this.console = console;
        this.runbooks = runbooks;
    }

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

    /** The title on one line (an e-mail subject): labels a producer sent cannot add header lines. */
    public static String subject(NotificationMessage m) {
        return CONTROL.matcher(title(m)).replaceAll(" ");
    }

    /** The plain-text body: a paragraph per alert. */
    public String body(NotificationMessage m) {
        return body(m, Format.PLAIN);
    }

    /** The Slack message: the title in bold, then the body, in mrkdwn with every value escaped. */
    public String slack(NotificationMessage m) {
        return "*" + Format.SLACK.text(title(m)) + "*\n" + body(m, Format.SLACK);
    }

    /** {@code value} escaped for Slack's mrkdwn ({@code & < >}). */
    public static String slackEscape(String value) {
        return Format.SLACK.text(value);
    }

    /** The release's timeline in the console, else the alert's {@code console} annotation; null without either. */
    public @Nullable String consoleLink(AlertView a) {
        String release = console.release(a.releaseId());
        return release != null ? release : a.annotations().get("console");
    }

    /** The alert's {@code runbook_url} as a link ({@link RunbookLinks}); null without one. */
    public @Nullable String runbookLink(AlertView a) {
        return runbooks.resolve(a.annotations().get("runbook_url"));
    }

    private String body(NotificationMessage m, Format f) {
        StringBuilder text = new StringBuilder();
        for (AlertView a : m.alerts()) {
            if (!text.isEmpty()) {
                text.append("\n\n");
            }
            text.append(f.text(a.status().toUpperCase(Locale.ROOT)
                    + " " + a.name() + " (" + a.severity() + "): "
                    + a.annotations().getOrDefault("summary", a.name())));
            line(text, f, "application", a.application());
            line(text, f, "environment", a.labels().get("environment"));
            String version = a.annotations().getOrDefault("version", a.labels().get("version"));
            line(text, f, "version", version);
            line(
                    text,
                    f,
                    "release",
                    a.releaseId() == null ? null : a.releaseId().toString());
            line(text, f, "what failed", a.annotations().get("description"));
            String evidence = a.annotations().get("evidence");
            if (evidence != null && !evidence.isBlank()) {
                text.append("\nhealth evidence:");
                for (String row : evidence.split("\n")) {
                    text.append("\n  ").append(f.text(row));
                }
            }
            line(text, f, "since", a.startsAt().toString());
            if (a.endsAt() != null && "resolved".equals(a.status())) {
                line(text, f, "resolved at", a.endsAt().toString());
            }
            String timeline = console.release(a.releaseId());
            link(text, f, timeline != null ? "timeline" : "console", consoleLink(a));
            link(text, f, "runbook", runbookLink(a));
            link(text, f, "source", a.generatorURL());
        }
        return text.toString();
    }

    private static void line(StringBuilder text, Format f, String name, @Nullable String value) {
        if (value != null && !value.isBlank()) {
            text.append('\n').append(name).append(": ").append(f.text(value));
        }
    }

    private static void link(StringBuilder text, Format f, String name, @Nullable String url) {
        if (url != null && !url.isBlank()) {
            text.append('\n').append(name).append(": ").append(f.link(url.strip()));
        }
    }

    private enum Format {
        PLAIN {
            @Override
            String text(String value) {
                return value;
            }

            @Override
            String link(String url) {
                return url;
            }
        },
        /** Slack mrkdwn, where {@code & < >} are control characters: a link is {@code <url>}. */
        SLACK {
            @Override
            String text(String value) {
                return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
            }

            @Override
            String link(String url) {
                return LINKABLE.matcher(url).matches() ? "<" + text(url) + ">" : text(url);
            }
        };

        abstract String text(String value);

        abstract String link(String url);
    }
}
