package io.relops.backup.backup;

import io.relops.common.codec.CloudEventCodec;
import io.relops.common.event.RelopsEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Reads every relops event published on a topic (from its beginning), and publishes events, for assertions. */
final class TopicWatch implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<RelopsEvent<?>> seen = new ArrayList<>();

    TopicWatch(String bootstrap, String topic) {
        consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "watch-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
    }

    /** Every event seen so far, polling for new ones first. */
    synchronized List<RelopsEvent<?>> events() {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            Map<String, byte[]> headers = new HashMap<>();
            for (Header header : record.headers()) {
                headers.put(header.key(), header.value());
            }
            seen.add(CloudEventCodec.decode(headers, record.value()));
        }
        return List.copyOf(seen);
    }

    <T extends io.relops.common.event.EventData> List<T> data(Class<T> type) {
        return events().stream()
                .filter(e -> type.isInstance(e.data()))
                .map(e -> type.cast(e.data()))
                .toList();
    }

    static void publish(String bootstrap, String topic, RelopsEvent<?> event) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrap), new ByteArraySerializer(), new ByteArraySerializer())) {
            var encoded = CloudEventCodec.encode(event);
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, encoded.key(), encoded.value());
            encoded.headers().forEach((k, v) -> record.headers().add(k, v));
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish " + event.type(), e);
        }
    }

    @Override
    public synchronized void close() {
        consumer.close();
    }
}
