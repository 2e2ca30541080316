package io.relops.common.codec;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.core.message.MessageReader;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.cloudevents.rw.CloudEventRWException;
import io.relops.common.event.EventData;
import io.relops.common.event.EventType;
import io.relops.common.event.RelopsEvent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The one CloudEvents codec of relops, over the CloudEvents SDK's Kafka protocol binding.
 *
 * <p>Output is binary content mode: attributes in {@code ce_*} headers (the Kafka prefix, not
 * HTTP's {@code ce-}), the data content type in the {@code content-type} header (not {@code
 * ce_datacontenttype}), the data as the record value and the application as the record key. Input
 * is binary or structured ({@code content-type: application/cloudevents+json}) mode, and is fully
 * validated: a record that is not a valid relops event is refused with an {@link
 * InvalidEventException} that names the problem.
 */
public final class CloudEventCodec {

    /** The CloudEvents extension that carries the release id. */
    public static final String RELEASE_ID_EXTENSION = "releaseid";

    private static final String DATA_CONTENT_TYPE = "application/json";

    private static final StructuredJsonFormat STRUCTURED_FORMAT = new StructuredJsonFormat();

    static {
        EventFormatProvider.getInstance().registerFormat(new StructuredJsonFormat());
    }

    private CloudEventCodec() {}

    /** The CloudEvent of a relops event, data serialized as JSON. */
    public static CloudEvent toCloudEvent(RelopsEvent<?> event) {
        return toCloudEvent(event, null);
    }

    /**
     * The CloudEvent of a relops event with the gateway's signature over it ({@link EventSignature}), carried in
     * the extension attributes {@code relopssig}, {@code relopssigkey} and {@code relopsroles}.
     */
    public static CloudEvent toCloudEvent(RelopsEvent<?> event, @Nullable EventSignature signature) {
        CloudEventBuilder builder = CloudEventBuilder.v1()
                .withId(event.id())
                .withSource(event.source())
                .withType(event.type().typeName())
                .withSubject(event.subject())
                .withTime(event.time())
                .withDataContentType(DATA_CONTENT_TYPE)
                .withData(EventJson.mapper().writeValueAsBytes(event.data()));
        if (event.releaseId() != null) {
            builder.withExtension(RELEASE_ID_EXTENSION, event.releaseId().toString());
        }
        if (signature != null) {
            builder.withExtension(EventSignature.SIGNATURE_EXTENSION, signature.signature())
                    .withExtension(EventSignature.KEY_EXTENSION, signature.keyId())
                    .withExtension(EventSignature.ROLES_EXTENSION, signature.rolesAttribute());
        }
        return builder.build();
    }

    /** Encodes in Kafka binary content mode. */
    public static EncodedEvent encode(RelopsEvent<?> event) {
        return encode(event, null);
    }

    /** Encodes in Kafka binary content mode, with the gateway's signature when there is one. */
    public static EncodedEvent encode(RelopsEvent<?> event, @Nullable EventSignature signature) {
        return encode(toCloudEvent(event, signature));
    }

    /**
     * Encodes a CloudEvent as it is (attributes, extensions such as the release id and the gateway's signature, data
     * bytes) in Kafka binary content mode, keyed by its subject. For events this codec made or already checked, e.g.
     * the rows of a service's outbox ({@link #readStructured}).
     */
    public static EncodedEvent encode(CloudEvent cloudEvent) {
        String subject = String.valueOf(cloudEvent.getSubject());
        ProducerRecord<String, byte[]> record =
                KafkaMessageFactory.createWriter("relops", subject).writeBinary(cloudEvent);
        Map<String, byte[]> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value());
        }
        return new EncodedEvent(subject.getBytes(StandardCharsets.UTF_8), headers, record.value());
    }

    /**
     * Reads a structured-mode event that relops itself wrote after validating it (a service's outbox row: {@code
     * Outbox.append} checks every event against its schema before it is stored), checking only what routing needs
     * (a relops event type, a subject naming the application, JSON data) and not the data against its schema again:
     * validation happens once, where the event is made, and again at every consumer, which decodes it in full.
     *
     * @throws InvalidEventException naming the problem when the bytes are no such event (a row damaged in the
     *     database)
     */
    public static CloudEvent readStructured(byte[] structured) {
        CloudEvent cloudEvent;
        try {
            cloudEvent = STRUCTURED_FORMAT.deserialize(structured);
        } catch (CloudEventRWException
                | EventDeserializationException
                | IllegalStateException
                | IllegalArgumentException e) {
            throw new InvalidEventException("not a valid CloudEvent: " + describe(e), e);
        }
        String typeName = cloudEvent.getType();
        if (EventType.fromTypeName(typeName).isEmpty()) {
            throw new InvalidEventException("unknown event type '" + typeName + "'");
        }
        if (cloudEvent.getSubject() == null || cloudEvent.getSubject().isBlank()) {
            throw new InvalidEventException(
                    "event " + cloudEvent.getId() + " (" + typeName + ") has no subject: it must name the application");
        }
        if (cloudEvent.getData() == null || !StructuredJsonFormat.isJson(cloudEvent.getDataContentType())) {
            throw new InvalidEventException(
                    "event " + cloudEvent.getId() + " (" + typeName + ") carries no application/json data");
        }
        return cloudEvent;
    }

    /**
     * Decodes a Kafka record in binary or structured mode.
     *
     * @param headers the record headers; values as {@code byte[]} (raw Kafka) or {@code String}
     *     (already mapped), other header values are ignored
     * @throws InvalidEventException naming the problem when the record is not a valid relops event
     */
    public static RelopsEvent<?> decode(Map<String, ?> headers, byte @Nullable [] value) {
        return decodeWithData(headers, value).event();
    }

    /**
     * A decoded event, its data exactly as received (the JSON tree that was validated and bound) and the gateway's
     * signature, if the event carries one ({@link EventSignature}; whether it verifies is the consumer's check).
     */
    public record Decoded(
            RelopsEvent<?> event, JsonNode data, @Nullable EventSignature signature) {

        public Decoded(RelopsEvent<?> event, JsonNode data) {
            this(event, data, null);
        }
    }

    /** As {@link #decode}, keeping the data's JSON tree as received (for a consumer that stores it). */
    public static Decoded decodeWithData(Map<String, ?> headers, byte @Nullable [] value) {
        RecordHeaders kafkaHeaders = new RecordHeaders();
        headers.forEach((name, headerValue) -> {
            if (headerValue instanceof byte[] bytes) {
                kafkaHeaders.add(name, bytes);
            } else if (headerValue instanceof String text) {
                kafkaHeaders.add(name, text.getBytes(StandardCharsets.UTF_8));
            }
        });
        CloudEvent cloudEvent;
        try {
            MessageReader reader = KafkaMessageFactory.createReader(kafkaHeaders, value == null ? new byte[0] : value);
            cloudEvent = reader.toEvent();
        } catch (CloudEventRWException
                | EventDeserializationException
                | IllegalStateException
                | IllegalArgumentException e) {
            throw new InvalidEventException("not a valid CloudEvent: " + describe(e), e);
        }
        return fromCloudEventWithData(cloudEvent);
    }

    /** Validates a CloudEvent against the relops contract and binds its data. */
    public static RelopsEvent<?> fromCloudEvent(CloudEvent cloudEvent) {
        return fromCloudEventWithData(cloudEvent).event();
    }

    private static Decoded fromCloudEventWithData(CloudEvent cloudEvent) {
        String typeName = cloudEvent.getType();
        EventType type = EventType.fromTypeName(typeName)
                .orElseThrow(() -> new InvalidEventException("unknown event type '" + typeName + "'"));
        String subject = cloudEvent.getSubject();
        if (subject == null || subject.isBlank()) {
            throw new InvalidEventException(
                    "event " + cloudEvent.getId() + " (" + typeName + ") has no subject: it must name the application");
        }
        if (!StructuredJsonFormat.isJson(cloudEvent.getDataContentType())) {
            throw new InvalidEventException("event " + cloudEvent.getId() + " has data content type '"
                    + cloudEvent.getDataContentType() + "'; relops events carry application/json");
        }
        CloudEventData data = cloudEvent.getData();
        if (data == null) {
            throw new InvalidEventException("event " + cloudEvent.getId() + " (" + typeName + ") has no data");
        }
        JsonNode tree;
        try {
            tree = EventJson.mapper().readTree(data.toBytes());
        } catch (JacksonException e) {
            throw new InvalidEventException(
                    "event " + cloudEvent.getId() + " (" + typeName + "): data is not valid JSON: "
                            + e.getOriginalMessage(),
                    e);
        }
        List<String> problems = EventSchemas.problems(type, tree);
        if (!problems.isEmpty()) {
            throw new InvalidEventException("event " + cloudEvent.getId() + " (" + typeName
                    + "): data does not match its schema: " + String.join("; ", problems));
        }
        EventData eventData;
        try {
            eventData = EventJson.mapper().treeToValue(tree, type.dataType());
        } catch (JacksonException e) {
            throw new InvalidEventException(
                    "event " + cloudEvent.getId() + " (" + typeName + "): " + e.getOriginalMessage(), e);
        }
        if (!subject.equals(eventData.application())) {
            throw new InvalidEventException("event " + cloudEvent.getId() + ": subject '" + subject
                    + "' differs from data.application '" + eventData.application() + "'");
        }
        UUID releaseId = releaseId(cloudEvent, eventData);
        OffsetDateTime time = cloudEvent.getTime() != null ? cloudEvent.getTime() : OffsetDateTime.now();
        return new Decoded(
                new RelopsEvent<>(
                        cloudEvent.getId(), cloudEvent.getSource(), type, subject, time, releaseId, eventData),
                tree,
                signature(cloudEvent));
    }

    /** The signature attributes: all three or none (what they vouch for is the consumer's check). */
    private static @Nullable EventSignature signature(CloudEvent cloudEvent) {
        Object signature = cloudEvent.getExtension(EventSignature.SIGNATURE_EXTENSION);
        Object keyId = cloudEvent.getExtension(EventSignature.KEY_EXTENSION);
        Object roles = cloudEvent.getExtension(EventSignature.ROLES_EXTENSION);
        if (signature == null && keyId == null && roles == null) {
            return null;
        }
        if (signature == null || keyId == null || roles == null) {
            throw new InvalidEventException("event " + cloudEvent.getId() + " carries an incomplete signature: "
                    + EventSignature.SIGNATURE_EXTENSION + ", " + EventSignature.KEY_EXTENSION + " and "
                    + EventSignature.ROLES_EXTENSION + " go together");
        }
        return new EventSignature(keyId.toString(), EventSignature.parseRoles(roles.toString()), signature.toString());
    }

    private static @Nullable UUID releaseId(CloudEvent cloudEvent, EventData data) {
        Object extension = cloudEvent.getExtension(RELEASE_ID_EXTENSION);
        if (extension == null) {
            return data.releaseId();
        }
        UUID fromExtension;
        try {
            fromExtension = UUID.fromString(extension.toString());
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException(
                    "event " + cloudEvent.getId() + ": extension releaseid '" + extension + "' is not a UUID");
        }
        if (data.releaseId() != null && !data.releaseId().equals(fromExtension)) {
            throw new InvalidEventException("event " + cloudEvent.getId() + ": extension releaseid " + fromExtension
                    + " differs from data.releaseId " + data.releaseId());
        }
        return fromExtension;
    }

    private static String describe(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = e.getMessage();
        if (cause != e && cause.getMessage() != null) {
            message = cause.getMessage();
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    /** Convenience for producers: an event from {@code /relops/<service>}. */
    public static URI sourceOf(String service) {
        return URI.create("/relops/" + service);
    }
}
