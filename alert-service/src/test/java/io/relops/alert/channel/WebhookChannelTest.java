package io.relops.alert.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.alert.notification.ConsoleLinks;
import io.relops.alert.notification.NotificationMessage;
import io.relops.alert.notification.NotificationMessage.AlertView;
import io.relops.alert.routing.AlertingProperties.WebhookSpec;
import io.relops.common.codec.EventJson;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.RestClient;

class WebhookChannelTest {

    private static final NotificationMessage MESSAGE = new NotificationMessage(
            "4",
            "0:{application=\"demo-app\"}",
            "firing",
            "team",
            "notification",
            Map.of("application", "demo-app"),
            Map.of("application", "demo-app", "alertname", "HealthFailed"),
            Map.of(),
            "http://alerts",
            List.of(new AlertView(
                    UUID.randomUUID(),
                    "abc",
                    "firing",
                    Map.of("alertname", "HealthFailed", "application", "demo-app"),
                    Map.of("summary", "health of \"2.0\" failed"),
                    OffsetDateTime.parse("2026-01-01T00:00:00Z"),
                    null,
                    null,
                    null)));

    @Test
    void theSignatureIsTheHmacSha256OfTheBody() {
        // RFC 4231 test case 2
        assertThat(WebhookChannel.signature("Jefe", "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void aTemplateRendersValidJsonWithEscapedValues() {
        WebhookChannel channel = new WebhookChannel(
                new WebhookSpec(
                        "http://x",
                        null,
                        "X-Sig",
                        "{\"app\":\"{{commonLabels.application}}\",\"alerts\":[{{#alerts}}\"{{annotations.summary}}\""
                                + "{{^-last}},{{/-last}}{{/alerts}}],\"title\":\"{{title}}\"}",
                        "application/json",
                        true),
                RestClient.create(),
                new MessageText(new ConsoleLinks(null)));

        var json = EventJson.mapper().readTree(channel.body(MESSAGE));

        assertThat(json.path("app").asString()).isEqualTo("demo-app");
        assertThat(json.path("alerts").get(0).asString()).isEqualTo("health of \"2.0\" failed");
        assertThat(json.path("title").asString()).isEqualTo("[FIRING:1] demo-app HealthFailed (warning)");
    }

    @Test
    void withoutATemplateTheBodyIsTheAlertmanagerShapedNotification() {
        WebhookChannel channel = new WebhookChannel(
                new WebhookSpec("http://x", null, "X-Sig", null, "application/json", true),
                RestClient.create(),
                new MessageText(new ConsoleLinks(null)));

        var json = EventJson.mapper().readTree(channel.body(MESSAGE));

        assertThat(json.path("version").asString()).isEqualTo("4");
        assertThat(json.path("groupKey").asString()).isEqualTo("0:{application=\"demo-app\"}");
        assertThat(json.path("alerts").get(0).path("labels").path("alertname").asString())
                .isEqualTo("HealthFailed");
    }
}
