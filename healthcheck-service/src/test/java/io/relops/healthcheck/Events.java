package io.relops.healthcheck;

import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.EncodedEvent;
import io.relops.common.event.EventData;
import io.relops.common.event.RelopsEvent;
import io.relops.testkit.Kafka;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;

/**
 * The test's side of the broker: publishes release events as deploy-service would (binary
 * CloudEvents, key = application) and records every event on the health topic.
 */
final class Events implements AutoCloseable {

    static final URI DEPLOY = CloudEventCodec.sourceOf("deploy");

    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<RelopsEvent<?>> received = new CopyOnWriteArrayList<>();
    private final Thread poller;
    private volatile boolean open = true;

    Events(String healthTopic) {
        String bootstrap = Kafka.bootstrapServers();
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class));
        consumer.subscribe(List.of(healthTopic));
        poller = new Thread(this::poll, "test-events");
        poller.setDaemon(true);
        poller.start();
    }

    private void poll() {
        try {
            while (open) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    Map<String, byte[]> headers = new HashMap<>();
                    for (Header header : record.headers()) {
                        headers.put(header.key(), header.value());
                    }
                    received.add(CloudEventCodec.decode(headers, record.value()));
                }
            }
        } finally {
            consumer.close();
        }
    }

    RelopsEvent<?> publish(String topic, EventData data) {
        RelopsEvent<?> event = RelopsEvent.of(DEPLOY, data);
        EncodedEvent encoded = CloudEventCodec.encode(event);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, encoded.key(), encoded.value());
        encoded.headers().forEach((name, value) -> record.headers().add(name, value));
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to " + topic, e);
        }
        return event;
    }

    <T extends EventData> List<T> all(Class<T> type, Predicate<? super T> match) {
        return received.stream()
                .map(RelopsEvent::data)
                .filter(type::isInstance)
                .map(type::cast)
                .filter(match)
                .toList();
    }

    <T extends EventData> T await(Class<T> type, Predicate<? super T> match, Duration timeout) {
        return Awaitility.await()
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> all(type, match), list -> !list.isEmpty())
                .get(0);
    }

    @Override
    public void close() {
        open = false;
        producer.close();
    }
}
