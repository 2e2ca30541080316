package io.relops.platform.events;

import io.cloudevents.core.format.EventFormat;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.EventSignature;
import io.relops.common.codec.StructuredJsonFormat;
import io.relops.common.event.RelopsEvent;
import io.relops.platform.tracing.TraceContexts;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The transactional outbox: events are written in the same transaction as the state change that
 * emits them, and published by the {@link OutboxRelay} once that transaction has committed. A state
 * change and its events therefore commit together or not at all. The trace context of the writer is stored with
 * the event, so that the relay publishes it in the same trace.
 */
public class Outbox {

    private static final EventFormat FORMAT = new StructuredJsonFormat();
    private static final Map<String, byte[]> STRUCTURED =
            Map.of("content-type", StructuredJsonFormat.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));

    private final JdbcClient jdbc;
    private final OutboxRelay relay;
    private final TraceContexts traces;

    public Outbox(JdbcClient jdbc, OutboxRelay relay, TraceContexts traces) {
        this.jdbc = jdbc;
        this.relay = relay;
        this.traces = traces;
    }

    /**
     * Adds {@code event} to the outbox in the caller's transaction. The event is checked against its
     * schema first, exactly as every consumer will read it: an event that breaks the contract fails the caller's
     * transaction here, naming the problem, instead of reaching the broker. This is the one check on the way out:
     * the relay publishes the stored bytes without validating them again.
     *
     * @throws io.relops.common.codec.InvalidEventException when the event breaks its schema
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void append(RelopsEvent<?> event) {
        append(event, null);
    }

    /**
     * {@link #append(RelopsEvent)} for an event the gateway signed for its caller ({@link EventSignature}): the
     * signature is stored with the event and goes out with it, as the relay publishes a row as it was written.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void append(RelopsEvent<?> event, @Nullable EventSignature signature) {
        byte[] serialized = FORMAT.serialize(CloudEventCodec.toCloudEvent(event, signature));
        CloudEventCodec.decode(STRUCTURED, serialized);
        jdbc.sql("insert into outbox_event (event_id, event_type, subject, event, traceparent) values (?, ?, ?, ?, ?)"
                        + " on conflict (event_id) do nothing")
                .params(event.id(), event.type().typeName(), event.subject(), serialized, traces.current())
                .update();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                relay.kick();
            }
        });
    }
}
