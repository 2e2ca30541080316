package io.relops.platform.events;

import io.micrometer.core.instrument.MeterRegistry;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.EncodedEvent;
import io.relops.common.event.Channel;
import io.relops.common.event.RelopsEvent;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

/**
 * Sends a relops event to its channel's topic in CloudEvents binary mode, synchronously: when
 * {@link #publish} returns, the broker has acknowledged the record (producer {@code sync: true},
 * {@code acks=all}). Services that change state publish through the {@link Outbox} instead.
 */
public class EventPublisher {

    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

    private final StreamBridge streamBridge;
    private final MeterRegistry meterRegistry;

    public EventPublisher(StreamBridge streamBridge, MeterRegistry meterRegistry) {
        this.streamBridge = streamBridge;
        this.meterRegistry = meterRegistry;
    }

    /** The output binding of a channel, e.g. {@code release-out}; its destination is configured. */
    public static String bindingOf(Channel channel) {
        return channel.name().toLowerCase(Locale.ROOT) + "-out";
    }

    public void publish(RelopsEvent<?> event) {
        EncodedEvent encoded = CloudEventCodec.encode(event);
        MessageBuilder<byte[]> builder =
                MessageBuilder.withPayload(encoded.value()).setHeader(KafkaHeaders.KEY, encoded.key());
        encoded.headers().forEach(builder::setHeader);
        Message<byte[]> message = builder.build();
        String binding = bindingOf(event.type().channel());
        if (!streamBridge.send(binding, message)) {
            throw new IllegalStateException("event " + event.id() + " was not accepted by binding " + binding);
        }
        meterRegistry
                .counter("relops.events.published", "type", event.type().typeName())
                .increment();
        log.debug("published {} {} for {}", event.type().typeName(), event.id(), event.subject());
    }
}
