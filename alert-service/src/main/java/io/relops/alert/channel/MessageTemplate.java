package io.relops.alert.channel;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import io.relops.alert.notification.NotificationMessage;
import io.relops.common.codec.EventJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import tools.jackson.core.type.TypeReference;

/**
 * An operator's Mustache template of a message (a webhook's body, a Slack text, an e-mail body): over the
 * notification's fields (Alertmanager's webhook shape: {@code status}, {@code commonLabels}, {@code alerts} with their
 * {@code labels}, {@code annotations}, {@code releaseId}...) plus {@code title} and {@code text}, relops' own words
 * ({@link MessageText}), and each alert's {@code runbookUrl}: its runbook as a link ({@link MessageText#runbookLink}). Every {@code {{value}}} goes through the channel's escaper; {@code {{{value}}}} is inserted
 * raw. A missing value renders empty.
 */
final class MessageTemplate {

    private static final TypeReference<Map<String, Object>> OBJECT_MAP = new TypeReference<>() {};

    private final Template template;
    private final MessageText text;

    MessageTemplate(String template, UnaryOperator<String> escaper, MessageText text) {
        this.template =
                Mustache.compiler().withEscaper(escaper::apply).defaultValue("").compile(template);
        this.text = text;
    }

    String render(NotificationMessage message) {
        Map<String, Object> context = new LinkedHashMap<>(EventJson.mapper().convertValue(message, OBJECT_MAP));
        context.put("title", MessageText.title(message));
        context.put("text", text.body(message));
        // each alert's runbook as a link ({{runbookUrl}} in {{#alerts}}): the annotation resolved like the text's
        if (context.get("alerts") instanceof List<?> alerts) {
            for (int i = 0; i < alerts.size() && i < message.alerts().size(); i++) {
                if (alerts.get(i) instanceof Map<?, ?> alert) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> fields = (Map<String, Object>) alert;
                    String runbook = text.runbookLink(message.alerts().get(i));
                    if (runbook != null) {
                        fields.put("runbookUrl", runbook);
                    }
                }
            }
        }
        return template.execute(context);
    }
}
