package io.relops.alert.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relops.alert.notification.ConsoleLinks;
import io.relops.alert.notification.NotificationMessage;
import io.relops.alert.notification.NotificationMessage.AlertView;
import io.relops.alert.notification.RunbookLinks;
import io.relops.alert.routing.AlertingProperties.EmailSpec;
import io.relops.alert.routing.AlertingProperties.SlackSpec;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.web.client.RestClient;

class MessageTextTest {

    private static final UUID RELEASE = UUID.fromString("6b0e3f2a-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
    private static final OffsetDateTime SINCE = OffsetDateTime.parse("2026-11-22T05:50:01Z");

    private static final MessageText WITH_CONSOLE = new MessageText(new ConsoleLinks("https://relops.example.org/"));
    private static final MessageText WITHOUT_CONSOLE = new MessageText(new ConsoleLinks(null));

    private static NotificationMessage message(String status, AlertView... alerts) {
        return new NotificationMessage(
                "4",
                "0:{application=\"demo-app\"}",
                status,
                "team",
                "notification",
                Map.of("application", "demo-app"),
                Map.of("application", "demo-app"),
                Map.of(),
                "http://alerts",
                List.of(alerts));
    }

    private static AlertView alert(
            String status, Map<String, String> labels, Map<String, String> annotations, @Nullable UUID release) {
        return new AlertView(
                UUID.randomUUID(),
                "abc",
                status,
                labels,
                annotations,
                SINCE,
                "resolved".equals(status) ? SINCE.plusMinutes(3) : null,
                "http://prometheus:9090/graph?g0.expr=up&g0.tab=1",
                release);
    }

    private static final AlertView HEALTH_FAILED = alert(
            "firing",
            Map.of(
                    "alertname",
                    "HealthFailed",
                    "application",
                    "demo-app",
                    "environment",
                    "production",
                    "severity",
                    "critical"),
            Map.of(
                    "summary", "health of demo-app 2.0.0 in production failed",
                    "version", "2.0.0",
                    "description", "health returned 503",
                    "runbook_url", "https://runbooks.example.org/health?app=demo-app&env=production"),
            RELEASE);

    @Test
    void thePlainTextNamesTheReleaseLinksItsTimelineAndTheRunbook() {
        assertThat(WITH_CONSOLE.body(message("firing", HEALTH_FAILED))).isEqualTo("""
                        FIRING HealthFailed (critical): health of demo-app 2.0.0 in production failed
                        application: demo-app
                        environment: production
                        version: 2.0.0
                        release: 6b0e3f2a-1c2d-4e5f-8a9b-0c1d2e3f4a5b
                        what failed: health returned 503
                        since: 2026-11-22T05:50:01Z
                        timeline: https://relops.example.org/console/releases/6b0e3f2a-1c2d-4e5f-8a9b-0c1d2e3f4a5b
                        runbook: https://runbooks.example.org/health?app=demo-app&env=production
                        source: http://prometheus:9090/graph?g0.expr=up&g0.tab=1""");
    }

    @Test
    void withoutAConsoleUrlTheTimelineLinkIsLeftOut() {
        String text = WITHOUT_CONSOLE.body(message("firing", HEALTH_FAILED));

        assertThat(text).contains("release: " + RELEASE).contains("runbook: https://runbooks.example.org/");
        assertThat(text).doesNotContain("timeline").doesNotContain("console");
    }

    /** An alert of relops' own rules: its runbook_url is relative to the repository. */
    private static final AlertView RELEASE_SLOW = alert(
            "firing",
            Map.of("alertname", "RelopsReleaseSlow", "application", "shop", "severity", "warning"),
            Map.of(
                    "summary",
                    "shop: a release took longer than 10 minutes",
                    "runbook_url",
                    "docs/observability.md#relopsreleaseslow"),
            null);

    private static final MessageText WITH_RUNBOOK_BASE =
            new MessageText(new ConsoleLinks(null), new RunbookLinks("https://git.example.org/relops/blob/main"));

    @Test
    void aRelativeRunbookIsResolvedAgainstTheRunbookBaseUrlAndLinkedInSlack() {
        NotificationMessage message = message("firing", RELEASE_SLOW);

        assertThat(WITH_RUNBOOK_BASE.body(message))
                .contains(
                        "\nrunbook: https://git.example.org/relops/blob/main/docs/observability.md#relopsreleaseslow");
        assertThat(WITH_RUNBOOK_BASE.slack(message))
                .contains(
                        "\nrunbook: <https://git.example.org/relops/blob/main/docs/observability.md#relopsreleaseslow>");
    }

    @Test
    void withoutARunbookBaseUrlARelativeRunbookIsShownAsTheRuleGivesIt() {
        assertThat(WITHOUT_CONSOLE.slack(message("firing", RELEASE_SLOW)))
                .contains("\nrunbook: docs/observability.md#relopsreleaseslow")
                .doesNotContain("<docs/");
    }

    @Test
    void anAbsoluteRunbookStaysWhereItPoints() {
        assertThat(WITH_RUNBOOK_BASE.body(message("firing", HEALTH_FAILED)))
                .contains("\nrunbook: https://runbooks.example.org/health?app=demo-app&env=production");
    }

    @Test
    void theRunbookBaseUrlResolvesPathsUnderItself() {
        RunbookLinks withSlash = new RunbookLinks(" https://docs.example.org/relops/ ");
        RunbookLinks withoutSlash = new RunbookLinks("https://docs.example.org/relops");

        for (RunbookLinks links : List.of(withSlash, withoutSlash)) {
            assertThat(links.resolve("docs/observability.md#x"))
                    .isEqualTo("https://docs.example.org/relops/docs/observability.md#x");
            assertThat(links.resolve("/docs/observability.md#x"))
                    .as("a leading / is still relative to the repository")
                    .isEqualTo("https://docs.example.org/relops/docs/observability.md#x");
            assertThat(links.resolve("mailto:oncall@example.org")).isEqualTo("mailto:oncall@example.org");
            assertThat(links.resolve("see the wiki")).isEqualTo("see the wiki");
            assertThat(links.resolve(null)).isNull();
        }
        assertThat(new RunbookLinks(" ").resolve("docs/observability.md#x")).isEqualTo("docs/observability.md#x");
    }

    @Test
    void aRunbookBaseUrlThatIsNoHttpUrlIsRefusedNamingTheProperty() {
        assertThatThrownBy(() -> new RunbookLinks("docs.example.org/relops"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("relops.alerting.runbook-base-url must be an http(s) URL");
    }

    @Test
    void aTemplateGetsEachAlertsRunbookAsALink() {
        SlackChannel slack = new SlackChannel(
                new SlackSpec(
                        "http://slack",
                        null,
                        false,
                        "{{#alerts}}<{{runbookUrl}}|runbook> ({{annotations.runbook_url}}){{/alerts}}"),
                RestClient.create(),
                WITH_RUNBOOK_BASE);

        assertThat(slack.text(message("firing", RELEASE_SLOW)))
                .isEqualTo("<https://git.example.org/relops/blob/main/docs/observability.md#relopsreleaseslow|runbook>"
                        + " (docs/observability.md#relopsreleaseslow)");
    }

    @Test
    void anAlertWithoutAReleaseKeepsTheConsoleLinkItCarries() {
        AlertView backup = alert(
                "firing",
                Map.of("alertname", "BackupFailed", "application", "demo-app", "severity", "critical"),
                Map.of("console", "https://relops.example.org/console/applications"),
                null);

        assertThat(WITH_CONSOLE.body(message("firing", backup)))
                .contains("\nconsole: https://relops.example.org/console/applications")
                .doesNotContain("timeline")
                .doesNotContain("release:");
    }

    @Test
    void aPrometheusAlertTakesItsVersionFromItsLabelsAndItsReleaseFromItsReleaseIdAnnotation() {
        AlertView pushed = alert(
                "resolved",
                Map.of(
                        "alertname",
                        "HighErrorRate",
                        "application",
                        "billing",
                        "version",
                        "7.1.0",
                        "severity",
                        "warning"),
                Map.of("summary", "error ratio above 0.1 %"),
                RELEASE);

        assertThat(WITH_CONSOLE.body(message("resolved", pushed)))
                .startsWith("RESOLVED HighErrorRate (warning): error ratio above 0.1 %\napplication: billing\n"
                        + "version: 7.1.0\nrelease: " + RELEASE)
                .contains("\nresolved at: 2026-11-22T05:53:01Z\n")
                .contains("\ntimeline: https://relops.example.org/console/releases/" + RELEASE);
    }

    @Test
    void slackGetsEscapedValuesAndLinksInItsOwnSyntax() {
        AlertView hostile = alert(
                "firing",
                Map.of("alertname", "Odd<b>", "application", "a&b", "severity", "warning"),
                Map.of(
                        "summary", "<!channel> pay attention & <https://evil.example|click>",
                        "runbook_url", "https://runbooks.example.org/a?x=1&y=2",
                        "console", "javascript:alert(1)"),
                null);

        String slack = WITHOUT_CONSOLE.slack(message("firing", hostile));

        assertThat(slack)
                .startsWith("*[FIRING:1] demo-app Odd&lt;b&gt; (warning)*\n")
                .contains("FIRING Odd&lt;b&gt; (warning): &lt;!channel&gt; pay attention &amp; "
                        + "&lt;https://evil.example|click&gt;")
                .contains("\napplication: a&amp;b\n")
                .contains("\nrunbook: <https://runbooks.example.org/a?x=1&amp;y=2>")
                .contains("\nsource: <http://prometheus:9090/graph?g0.expr=up&amp;g0.tab=1>")
                .as("not an http(s) URL: shown as text, never a link")
                .contains("\nconsole: javascript:alert(1)");
        assertThat(slack.replaceAll("<https?://[^<>|\\s]+>", ""))
                .as("no < or > outside the links alert-service made")
                .doesNotContain("<")
                .doesNotContain(">");
    }

    @Test
    void aRunbookUrlThatWouldBreakOutOfASlackLinkIsShownAsText() {
        AlertView alert = alert(
                "firing",
                Map.of("alertname", "X", "application", "demo-app", "severity", "warning"),
                Map.of("runbook_url", "https://runbooks.example.org/x|<!here>"),
                null);

        assertThat(WITHOUT_CONSOLE.slack(message("firing", alert)))
                .contains("\nrunbook: https://runbooks.example.org/x|&lt;!here&gt;");
    }

    @Test
    void aSlackTemplateRendersTheNotificationsFieldsWithSlackEscapedValues() {
        SlackChannel slack = new SlackChannel(
                new SlackSpec(
                        "http://slack",
                        null,
                        false,
                        "{{title}} | {{#alerts}}{{labels.application}} {{releaseId}} {{annotations.runbook_url}}"
                                + "{{/alerts}}"),
                RestClient.create(),
                WITH_CONSOLE);
        AlertView alert = alert(
                "firing",
                Map.of("alertname", "Down", "application", "a<b>&c", "severity", "critical"),
                Map.of("runbook_url", "https://runbooks.example.org/down?a=1&b=2"),
                RELEASE);

        assertThat(slack.text(message("firing", alert)))
                .isEqualTo("[FIRING:1] demo-app Down (critical) | a&lt;b&gt;&amp;c " + RELEASE
                        + " https://runbooks.example.org/down?a=1&amp;b=2");
    }

    @Test
    void withoutATemplateSlackGetsTheStandardMessage() {
        SlackChannel slack =
                new SlackChannel(new SlackSpec("http://slack", null, false, null), RestClient.create(), WITH_CONSOLE);

        assertThat(slack.text(message("firing", HEALTH_FAILED)))
                .isEqualTo(WITH_CONSOLE.slack(message("firing", HEALTH_FAILED)));
    }

    @Test
    void anEmailTemplateRendersThePlainBodyWithTheStandardTextAvailable() {
        EmailChannel email = new EmailChannel(
                new EmailSpec(
                        List.of("team@example.org"),
                        "relops@example.org",
                        false,
                        "Release {{#alerts}}{{releaseId}}{{/alerts}} of {{commonLabels.application}}:\n{{text}}"),
                new JavaMailSenderImpl(),
                WITH_CONSOLE);

        assertThat(email.body(message("firing", HEALTH_FAILED)))
                .startsWith("Release " + RELEASE + " of demo-app:\nFIRING HealthFailed (critical): ")
                .contains("\ntimeline: https://relops.example.org/console/releases/" + RELEASE + "\n")
                .endsWith("\n\n-- relops alert-service, receiver team, group 0:{application=\"demo-app\"}");
    }

    @Test
    void theEmailSubjectIsOneLineWhateverTheLabelsHold() {
        AlertView alert = alert(
                "firing",
                Map.of("alertname", "Bad\r\nBcc: victim@example.org", "application", "demo-app", "severity", "warning"),
                Map.of(),
                null);

        assertThat(MessageText.subject(message("firing", alert)))
                .isEqualTo("[FIRING:1] demo-app Bad Bcc: victim@example.org (warning)")
                .doesNotContain("\r")
                .doesNotContain("\n");
    }
}
