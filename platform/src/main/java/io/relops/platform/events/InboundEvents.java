package io.relops.platform.events;

import io.micrometer.core.instrument.MeterRegistry;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.InvalidEventException;
import io.relops.common.event.RelopsEvent;
import java.util.function.Consumer;
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
        RelopsEvent<?> event;
        try {
            event = CloudEventCodec.decode(message.getHeaders(), message.getPayload());
        } catch (InvalidEventException e) {
            meterRegistry.counter("relops.events.invalid").increment();
            log.warn("refusing record for the dead-letter topic: {}", e.getMessage());
            throw e;
        }
        try (MDC.MDCCloseable r = MDC.putCloseable("releaseId", String.valueOf(event.releaseId()));
                MDC.MDCCloseable t = MDC.putCloseable("eventType", event.type().typeName())) {
            handler.accept(event);
            meterRegistry
                    .counter("relops.events.consumed", "type", event.type().typeName())
                    .increment();
        }
    }
}
