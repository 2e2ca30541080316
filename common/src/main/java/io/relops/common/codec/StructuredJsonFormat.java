package io.relops.common.codec;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.format.EventSerializationException;
import io.cloudevents.rw.CloudEventDataMapper;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The CloudEvents JSON event format ({@code application/cloudevents+json}) on Jackson 3. The
 * CloudEvents SDK ships this format only on Jackson 2; relops runs on Jackson 3 (Spring Boot 4), so
 * it plugs this implementation into the SDK's {@link io.cloudevents.core.provider.EventFormatProvider}
 * and keeps a single JSON stack.
 */
public final class StructuredJsonFormat implements EventFormat {

    public static final String CONTENT_TYPE = "application/cloudevents+json";

    private static final Set<String> CONTEXT_ATTRIBUTES =
            Set.of("specversion", "id", "source", "type", "subject", "time", "datacontenttype", "dataschema");

    @Override
    public byte[] serialize(CloudEvent event) throws EventSerializationException {
        ObjectNode root = EventJson.mapper().createObjectNode();
        root.put("specversion", event.getSpecVersion().toString());
        root.put("id", event.getId());
        root.put("source", event.getSource().toString());
        root.put("type", event.getType());
        putIfPresent(root, "subject", event.getSubject());
        putIfPresent(
                root, "time", event.getTime() == null ? null : event.getTime().toString());
        putIfPresent(root, "datacontenttype", event.getDataContentType());
        putIfPresent(
                root,
                "dataschema",
                event.getDataSchema() == null ? null : event.getDataSchema().toString());
        for (String name : event.getExtensionNames()) {
            Object value = event.getExtension(name);
            if (value != null) {
                root.putPOJO(name, value);
            }
        }
        CloudEventData data = event.getData();
        if (data != null) {
            byte[] bytes = data.toBytes();
            if (isJson(event.getDataContentType())) {
                try {
                    root.set("data", EventJson.mapper().readTree(bytes));
                } catch (JacksonException e) {
                    throw new EventSerializationException(e);
                }
            } else {
                root.put("data_base64", Base64.getEncoder().encodeToString(bytes));
            }
        }
        return EventJson.mapper().writeValueAsBytes(root);
    }

    @Override
    public CloudEvent deserialize(byte[] bytes, CloudEventDataMapper<? extends CloudEventData> mapper)
            throws EventDeserializationException {
        JsonNode root;
        try {
            root = EventJson.mapper().readTree(bytes);
        } catch (JacksonException e) {
            throw new EventDeserializationException(
                    new IllegalArgumentException("structured CloudEvent is not valid JSON: " + e.getOriginalMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new EventDeserializationException(
                    new IllegalArgumentException("structured CloudEvent must be a JSON object"));
        }
        String specVersion = text(root, "specversion");
        if (!SpecVersion.V1.toString().equals(specVersion)) {
            throw new EventDeserializationException(new IllegalArgumentException(
                    "structured CloudEvent has specversion '" + specVersion + "'; only 1.0 is supported"));
        }
        try {
            CloudEventBuilder builder = CloudEventBuilder.v1();
            String id = text(root, "id");
            String source = text(root, "source");
            String type = text(root, "type");
            if (id != null) builder.withId(id);
            if (source != null) builder.withSource(URI.create(source));
            if (type != null) builder.withType(type);
            String subject = text(root, "subject");
            if (subject != null) builder.withSubject(subject);
            String time = text(root, "time");
            if (time != null) builder.withTime(OffsetDateTime.parse(time));
            String dataSchema = text(root, "dataschema");
            if (dataSchema != null) builder.withDataSchema(URI.create(dataSchema));
            String contentType = text(root, "datacontenttype");
            if (contentType != null) builder.withDataContentType(contentType);
            for (Map.Entry<String, JsonNode> field : root.properties()) {
                String name = field.getKey();
                if (CONTEXT_ATTRIBUTES.contains(name) || name.equals("data") || name.equals("data_base64")) {
                    continue;
                }
                JsonNode value = field.getValue();
                if (value.isBoolean()) builder.withExtension(name, value.booleanValue());
                else if (value.isIntegralNumber()) builder.withExtension(name, value.intValue());
                else if (value.isValueNode() && !value.isNull()) builder.withExtension(name, value.asString());
            }
            JsonNode data = root.get("data");
            JsonNode dataBase64 = root.get("data_base64");
            if (data != null && !data.isNull()) {
                byte[] dataBytes = data.isString() && !isJson(contentType)
                        ? data.stringValue().getBytes(java.nio.charset.StandardCharsets.UTF_8)
                        : EventJson.mapper().writeValueAsBytes(data);
                builder.withData(dataBytes);
            } else if (dataBase64 != null && !dataBase64.isNull()) {
                builder.withData(Base64.getDecoder().decode(dataBase64.asString()));
            }
            return builder.build();
        } catch (RuntimeException e) {
            throw new EventDeserializationException(e);
        }
    }

    @Override
    public Set<String> deserializableContentTypes() {
        return Set.of(CONTENT_TYPE);
    }

    @Override
    public String serializedContentType() {
        return CONTENT_TYPE;
    }

    static boolean isJson(@Nullable String contentType) {
        if (contentType == null) {
            return true;
        }
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return mediaType.equals("application/json") || mediaType.endsWith("+json") || mediaType.equals("text/json");
    }

    private static @Nullable String text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? null : node.asString();
    }

    private static void putIfPresent(ObjectNode root, String field, @Nullable String value) {
        if (value != null) {
            root.put(field, value);
        }
    }
}
