package io.relops.alert.channel;

import io.relops.alert.delivery.Integration;
import io.relops.alert.delivery.NotificationMessage;
import io.relops.alert.routing.AlertingProperties.SlackSpec;
import io.relops.common.codec.EventJson;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/** A Slack incoming webhook: {@code {"text": ...}} in Slack's mrkdwn. */
public class SlackChannel implements Integration {

    private final String name;
    private final String receiver;
    private final SlackSpec spec;
    private final RestClient http;

    public SlackChannel(String name, String receiver, SlackSpec spec, RestClient http) {
        this.name = name;
        this.receiver = receiver;
        this.spec = spec;
        this.http = http;
    }

    @Override
    public void send(UUID id, NotificationMessage message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", "*" + MessageText.title(message) + "*\n" + MessageText.body(message));
        if (spec.channel() != null) {
            body.put("channel", spec.channel());
        }
        Http.post(
                http, spec.url(), MediaType.APPLICATION_JSON, EventJson.mapper().writeValueAsBytes(body), Map.of());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String receiver() {
        return receiver;
    }

    @Override
    public String channel() {
        return "slack";
    }

    @Override
    public boolean sendResolved() {
        return spec.sendResolved();
    }
}
