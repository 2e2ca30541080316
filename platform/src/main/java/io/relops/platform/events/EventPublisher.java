package io.relops.platform.events;

import io.micrometer.core.instrument.MeterRegistry;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.EncodedEvent;
import io.relops.common.codec.EventSignature;
import io.relops.common.event.Channel;
import io.relops.common.event.RelopsEvent;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.support.MessageBuilder;

/**
 * Sends a relops event to its channel's topic in CloudEvents binary mode, synchronously: when
 * {@link #publish} returns, the broker has acknowledged the record (producer {@code sync: true},
 * {@code acks=all}). Services that change state publish through the {@link Outbox} instead.
 *
 * <p>A binding the service declares as an output binding ({@code spring.cloud.stream.output-bindings}, bound at
 * start-up) is sent to through its bound channel; the others through {@link StreamBridge}, which binds them on
 * first use but runs every send through a function invocation under one lock shared by all threads: under
 * concurrency (the gateway's {@code POST /api/releases}) that lock and that invocation cost more than the send
 * itself (docs/gateway-api.md, Benchmark). Either way the binder sends with the binding's configuration.
 */
public class EventPublisher {

    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

    private final StreamBridge streamBridge;
    private final MeterRegistry meterRegistry;
    private final ListableBeanFactory beans;
    private final Map<String, Optional<MessageChannel>> boundChannels = new ConcurrentHashMap<>();

    public EventPublisher(StreamBridge streamBridge, MeterRegistry meterRegistry, ListableBeanFactory beans) {
        this.streamBridge = streamBridge;
        this.meterRegistry = meterRegistry;
        this.beans = beans;
    }

    /** The output binding of a channel, e.g. {@code release-out}; its destination is configured. */
    public static String bindingOf(Channel channel) {
        return channel.name().toLowerCase(Locale.ROOT) + "-out";
    }

    public void publish(RelopsEvent<?> event) {
        publish(event, null);
    }

    /** Publishes {@code event} with the gateway's signature over it ({@link EventSignature}), if there is one. */
    public void publish(RelopsEvent<?> event, @Nullable EventSignature signature) {
        EncodedEvent encoded = CloudEventCodec.encode(event, signature);
        MessageBuilder<byte[]> builder =
                MessageBuilder.withPayload(encoded.value()).setHeader(KafkaHeaders.KEY, encoded.key());
        encoded.headers().forEach(builder::setHeader);
        Message<byte[]> message = builder.build();
        String binding = bindingOf(event.type().channel());
        Optional<MessageChannel> bound = boundChannels.computeIfAbsent(binding, this::boundChannel);
        boolean sent = bound.isPresent() ? bound.get().send(message) : streamBridge.send(binding, message);
        if (!sent) {
            throw new IllegalStateException("event " + event.id() + " was not accepted by binding " + binding);
        }
        meterRegistry
                .counter("relops.events.published", "type", event.type().typeName())
                .increment();
        log.debug("published {} {} for {}", event.type().typeName(), event.id(), event.subject());
    }

    /** The channel of an output binding bound at start-up, if the service declares {@code binding} as one. */
    private Optional<MessageChannel> boundChannel(String binding) {
        return beans.containsBean(binding) && beans.isTypeMatch(binding, MessageChannel.class)
                ? Optional.of(beans.getBean(binding, MessageChannel.class))
                : Optional.empty();
    }
}
