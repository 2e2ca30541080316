package io.relops.common.event;

import java.net.URI;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One relops CloudEvent, decoded: its envelope attributes and its typed data.
 *
 * @param id unique id; consumers deduplicate on it
 * @param source {@code /relops/<service>} for relops' own events, any URI-reference for others
 * @param subject the application (also the Kafka record key)
 * @param releaseId the {@code releaseid} extension, where a release is involved
 */
public record RelopsEvent<T extends EventData>(
        String id,
        URI source,
        EventType type,
        String subject,
        OffsetDateTime time,
        @Nullable UUID releaseId,
        T data) {

    public RelopsEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(data, "data");
    }

    /** A new event with a random id, stamped now, for {@code data} produced by {@code source}. */
    public static <T extends EventData> RelopsEvent<T> of(URI source, T data) {
        return withId(UUID.randomUUID().toString(), source, data);
    }

    /**
     * A new event with a chosen id. Handlers derive the ids of the events they emit from the id of
     * the event they consumed, so that a redelivery re-emits the same ids and downstream
     * deduplication absorbs it.
     */
    public static <T extends EventData> RelopsEvent<T> withId(String id, URI source, T data) {
        return new RelopsEvent<>(
                id, source, EventType.of(data), data.application(), OffsetDateTime.now(), data.releaseId(), data);
    }

    /** A deterministic id for the {@code n}th event that handling {@code causeId} emits. */
    public static String derivedId(String causeId, String purpose) {
        return UUID.nameUUIDFromBytes((causeId + '/' + purpose).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString();
    }

    /** The data, narrowed to the type the caller expects. */
    public <D extends EventData> D dataAs(Class<D> type) {
        return type.cast(data);
    }
}
