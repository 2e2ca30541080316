package io.relops.platform.events;

import io.micrometer.core.instrument.MeterRegistry;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.EventSignature;
import io.relops.common.codec.InvalidEventException;
import io.relops.common.event.RelopsEvent;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.messaging.Message;

/**
 * Decodes a consumed record and hands the event to a handler, with the release id in the logging
 * context. A record that is not a valid relops event is counted ({@code relops.events.invalid}) and
 * rethrown as {@link InvalidEventException}, which the binder never retries: it goes straight to
 * the consumer group's dead-letter topic with the reason in its headers.
 */
public class InboundEvents {

    private static final Logger log = LoggerFactory.getLogger(InboundEvents.class);

    private final MeterRegistry meterRegistry;

    public InboundEvents(MeterRegistry meterRegistry) {
        this.meterRegistry = meterRegistry;
    }

    public void handle(Message<byte[]> message, Consumer<RelopsEvent<?>> handler) {
        handleSigned(message, (event, signature) -> handler.accept(event));
    }

    /**
     * As {@link #handle}, handing over the gateway's signature too, for a handler that acts on events carrying an
     * operator's authority (it checks them with {@link AuthorityCheck}).
     */
    public void handleSigned(Message<byte[]> message, BiConsumer<RelopsEvent<?>, @Nullable EventSignature> handler) {
        CloudEventCodec.Decoded decoded;
        try {
            decoded = CloudEventCodec.decodeWithData(message.getHeaders(), message.getPayload());
        } catch (InvalidEventException e) {
            meterRegistry.counter("relops.events.invalid").increment();
            log.warn("refusing record for the dead-letter topic: {}", e.getMessage());
            throw e;
        }
        RelopsEvent<?> event = decoded.event();
        try (MDC.MDCCloseable r = MDC.putCloseable("releaseId", String.valueOf(event.releaseId()));
                MDC.MDCCloseable t = MDC.putCloseable("eventType", event.type().typeName())) {
            handler.accept(event, decoded.signature());
            meterRegistry
                    .counter("relops.events.consumed", "type", event.type().typeName())
                    .increment();
        }
    }
}
