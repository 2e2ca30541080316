package io.relops.alert.channel;

import io.relops.alert.notification.Notification;
import io.relops.alert.notification.NotificationMessage;
import io.relops.alert.routing.AlertingProperties.SlackSpec;
import io.relops.common.codec.EventJson;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/** A Slack incoming webhook: {@code {"text": ...}} in Slack's mrkdwn. */
public class SlackChannel implements Channel {

    private final SlackSpec spec;
    private final RestClient http;

    public SlackChannel(SlackSpec spec, RestClient http) {
        this.spec = spec;
        this.http = http;
    }

    @Override
    public void send(Notification notification) {
        NotificationMessage message = notification.message();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", "*" + MessageText.title(message) + "*\n" + MessageText.body(message));
        if (spec.channel() != null) {
            body.put("channel", spec.channel());
        }
        Http.post(
                http, spec.url(), MediaType.APPLICATION_JSON, EventJson.mapper().writeValueAsBytes(body), Map.of());
    }
}
