package io.relops.alert.channel;

import io.relops.alert.notification.Notification;
import io.relops.alert.notification.NotificationMessage;
import io.relops.alert.routing.AlertingProperties.SlackSpec;
import io.relops.common.codec.EventJson;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/**
 * A Slack incoming webhook: {@code {"text": ...}} in Slack's mrkdwn: {@link MessageText#slack}, or the integration's
 * Mustache {@code template} ({@link MessageTemplate}) with every value Slack-escaped.
 */
public class SlackChannel implements Channel {

    private final SlackSpec spec;
    private final RestClient http;
    private final MessageText text;
    private final @Nullable MessageTemplate template;

    public SlackChannel(SlackSpec spec, RestClient http, MessageText text) {
        this.spec = spec;
        this.http = http;
        this.text = text;
        this.template =
                spec.template() == null ? null : new MessageTemplate(spec.template(), MessageText::slackEscape, text);
    }

    /** The {@code text} of the Slack message for {@code message}. */
    public String text(NotificationMessage message) {
        return template == null ? text.slack(message) : template.render(message);
    }

    @Override
    public void send(Notification notification) {
        NotificationMessage message = notification.message();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", text(message));
        if (spec.channel() != null) {
            body.put("channel", spec.channel());
        }
        Http.post(
                http, spec.url(), MediaType.APPLICATION_JSON, EventJson.mapper().writeValueAsBytes(body), Map.of());
    }
}
