package io.relops.alert.channel;

import io.relops.alert.notification.Notification;
import io.relops.alert.notification.NotificationMessage;
import io.relops.alert.routing.AlertingProperties.WebhookSpec;
import io.relops.common.codec.EventJson;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * A generic webhook. The body is the notification's Alertmanager-compatible JSON (webhook payload
 * version 4) or, with {@code template}, a Mustache template over the same fields plus {@code title}
 * and {@code text}; values are JSON-string-escaped ({@code {{{triple}}}} inserts them raw). With a
 * {@code secret}, the header {@code signatureHeader} carries {@code sha256=<hex>}: the HMAC-SHA256 of
 * the exact body bytes under that secret. Every request carries {@code Idempotency-Key}: the
 * notification's id, the same when a notification is sent again after a crash (delivery is at least
 * once), so that the receiving end applies it once.
 */
public class WebhookChannel implements Channel {

    /** The header with the notification's id (as in the IETF HTTP API draft of that name). */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final WebhookSpec spec;
    private final RestClient http;
    private final @Nullable MessageTemplate template;

    public WebhookChannel(WebhookSpec spec, RestClient http, MessageText text) {
        this.spec = spec;
        this.http = http;
        this.template = spec.template() == null
                ? null
                : new MessageTemplate(
                        spec.template(),
                        raw -> new String(JsonStringEncoder.getInstance().quoteAsCharArray(raw)),
                        text);
    }

    /** The body this webhook sends for {@code message}. */
    public byte[] body(NotificationMessage message) {
        if (template == null) {
            return EventJson.mapper().writeValueAsBytes(message);
        }
        return template.render(message).getBytes(StandardCharsets.UTF_8);
    }

    /** {@code sha256=} and the hex HMAC-SHA256 of {@code body} under {@code secret}. */
    public static String signature(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    @Override
    public void send(Notification notification) {
        NotificationMessage message = notification.message();
        byte[] body = body(message);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(IDEMPOTENCY_KEY, notification.id().toString());
        if (spec.secret() != null && !spec.secret().isEmpty()) {
            headers.put(spec.signatureHeader(), signature(spec.secret(), body));
        }
        Http.post(http, spec.url(), MediaType.parseMediaType(spec.contentType()), body, headers);
    }
}
