package io.relops.testkit;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a consumer group's dead-letter topic ({@code error.<topic>.<group>}, the Kafka binder's DLQ) for the
 * reason a record was refused: its {@code x-exception-message} header, found by the CloudEvents id ({@code ce_id}).
 */
public final class DeadLetters implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, String> reasons = new ConcurrentHashMap<>();

    private DeadLetters(String topic, String group) {
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                Kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "test-dead-letters-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class));
        consumer.subscribe(List.of("error." + topic + "." + group));
    }

    /** The dead letters of {@code group} consuming {@code topic}. */
    public static DeadLetters of(String topic, String group) {
        return new DeadLetters(topic, group);
    }

    /** The reason the event {@code eventId} was dead-lettered, once it is there (else the wait fails). */
    public String awaitReason(String eventId, Duration timeout) {
        await().atMost(timeout).until(() -> {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                Optional.ofNullable(record.headers().lastHeader("ce_id"))
                        .map(DeadLetters::text)
                        .ifPresent(id -> reasons.put(
                                id,
                                Optional.ofNullable(record.headers().lastHeader("x-exception-message"))
                                        .map(DeadLetters::text)
                                        .orElse("")));
            }
            return reasons.containsKey(eventId);
        });
        return reasons.get(eventId);
    }

    private static String text(Header header) {
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
