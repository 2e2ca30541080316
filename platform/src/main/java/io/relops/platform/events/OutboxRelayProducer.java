package io.relops.platform.events;

import io.micrometer.observation.ObservationRegistry;
import io.relops.common.event.Channel;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The relay's own Kafka producer: the binder's connection and client settings ({@code
 * spring.cloud.stream.kafka.binder.brokers}, {@code .configuration.*}, e.g. the production overlay's SASL_SSL, and
 * {@code .producer-properties.*}) with {@code acks=all} and idempotence, so that the outbox publishes wherever the
 * service's bindings do, and each channel's topic is its output binding's destination ({@code release-out} → {@code
 * relops.release}). The relay sends through a {@link KafkaTemplate} of its own rather than the binding because it
 * sends a batch asynchronously and waits for all the acknowledgements at once (the bindings send synchronously). The
 * template is observed, as the binder's are: each record's {@code traceparent} continues the writer's trace.
 *
 * @param template sends the records; closed with {@link #close()}
 * @param topics the topic of each channel
 * @param ackTimeout how long the relay waits for a batch's acknowledgements: the producer's {@code
 *     delivery.timeout.ms} (by which it reports every record, acknowledged or failed) and a margin
 */
public record OutboxRelayProducer(
        KafkaTemplate<byte[], byte[]> template, Map<Channel, String> topics, Duration ackTimeout) {

    private static final String BINDER = "spring.cloud.stream.kafka.binder";
    private static final Duration ACK_MARGIN = Duration.ofSeconds(5);
    /** The Kafka client's default {@code delivery.timeout.ms}. */
    private static final long DEFAULT_DELIVERY_TIMEOUT_MS = 120_000;

    public OutboxRelayProducer {
        topics = Map.copyOf(topics);
    }

    /** The producer of the service whose configuration {@code environment} is. */
    public static OutboxRelayProducer of(Environment environment, ObservationRegistry observations) {
        Binder binder = Binder.get(environment);
        Map<String, Object> settings =
                new HashMap<>(binder.bind(BINDER + ".configuration", Bindable.mapOf(String.class, String.class))
                        .orElse(Map.of()));
        settings.putAll(binder.bind(BINDER + ".producer-properties", Bindable.mapOf(String.class, String.class))
                .orElse(Map.of()));
        settings.put(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                environment.getProperty(
                        BINDER + ".brokers", environment.getRequiredProperty("relops.kafka.bootstrap-servers")));
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(
                ProducerConfig.CLIENT_ID_CONFIG,
                environment.getProperty("spring.application.name", "relops") + "-outbox-relay");
        settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        KafkaTemplate<byte[], byte[]> template = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(settings));
        template.setObservationEnabled(true);
        template.setObservationRegistry(observations);
        Map<Channel, String> topics = new EnumMap<>(Channel.class);
        for (Channel channel : Channel.values()) {
            String binding = EventPublisher.bindingOf(channel);
            // a binding without a destination sends to the topic of its own name (Spring Cloud Stream's default)
            topics.put(
                    channel,
                    environment.getProperty("spring.cloud.stream.bindings." + binding + ".destination", binding));
        }
        long deliveryTimeout = Long.parseLong(String.valueOf(
                settings.getOrDefault(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DEFAULT_DELIVERY_TIMEOUT_MS)));
        return new OutboxRelayProducer(
                template, topics, Duration.ofMillis(deliveryTimeout).plus(ACK_MARGIN));
    }

    /** The topic {@code channel}'s events go to. */
    public String topicOf(Channel channel) {
        String topic = topics.get(channel);
        if (topic == null) {
            throw new IllegalStateException("no topic for channel " + channel);
        }
        return topic;
    }

    /** Closes the producer (after a failed batch): the next send starts a new one, with a new producer id. */
    public void reset() {
        if (template.getProducerFactory() instanceof DefaultKafkaProducerFactory<byte[], byte[]> factory) {
            factory.reset();
        }
    }

    /** Flushes and closes the producer. */
    public void close() {
        if (template.getProducerFactory() instanceof DefaultKafkaProducerFactory<byte[], byte[]> factory) {
            factory.destroy();
        }
    }
}
