package io.relops.alert.channel;

import io.relops.alert.notification.Notification;
import io.relops.alert.notification.NotificationMessage;
import io.relops.alert.notification.NotificationMessage.AlertView;
import io.relops.alert.routing.AlertingProperties.PagerDutySpec;
import io.relops.common.codec.EventJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/**
 * PagerDuty Events API v2: {@code trigger} while alerts of the group fire, {@code resolve} when they
 * all resolved, both with the same {@code dedup_key} (a hash of receiver and group key), so
 * PagerDuty keeps one incident per group and a redelivery changes nothing there.
 */
public class PagerDutyChannel implements Channel {

    private final PagerDutySpec spec;
    private final RestClient http;
    private final MessageText text;

    public PagerDutyChannel(PagerDutySpec spec, RestClient http, MessageText text) {
        this.spec = spec;
        this.http = http;
        this.text = text;
    }

    /** Stable per receiver and group (escalations have their own group key). */
    public static String dedupKey(String receiver, String groupKey) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((receiver + "\n" + groupKey).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void send(Notification notification) {
        NotificationMessage message = notification.message();
        boolean resolve = message.firingAlerts().isEmpty();
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("routing_key", spec.routingKey());
        event.put("event_action", resolve ? "resolve" : "trigger");
        event.put("dedup_key", dedupKey(message.receiver(), message.groupKey()));
        if (!resolve) {
            List<AlertView> firing = message.firingAlerts();
            AlertView lead = firing.get(0);
            Map<String, Object> payload = new LinkedHashMap<>();
            String summary =
                    MessageText.title(message) + ": " + lead.annotations().getOrDefault("summary", lead.name());
            payload.put("summary", summary.length() > 1024 ? summary.substring(0, 1024) : summary);
            payload.put("source", lead.application());
            payload.put("severity", severity(lead.severity()));
            payload.put("component", lead.application());
            payload.put("group", lead.labels().getOrDefault("environment", ""));
            payload.put("class", lead.name());
            payload.put(
                    "custom_details",
                    Map.of(
                            "details", text.body(message),
                            "alerts", firing.size(),
                            "labels", message.commonLabels()));
            event.put("payload", payload);
            String console = text.consoleLink(lead);
            if (console != null) {
                event.put("links", List.of(Map.of("href", console, "text", "relops console")));
            }
            event.put("client", "relops alert-service");
            event.put("client_url", message.externalURL());
        }
        Http.post(
                http, spec.url(), MediaType.APPLICATION_JSON, EventJson.mapper().writeValueAsBytes(event), Map.of());
    }

    static String severity(String severity) {
        switch (severity) {
            case "critical":
            case "error":
            case "warning":
            case "info":
                return severity;
            default:
                return "warning";
        }
    }
}
