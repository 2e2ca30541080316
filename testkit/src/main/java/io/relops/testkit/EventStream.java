package io.relops.testkit;

import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.EncodedEvent;
import io.relops.common.codec.EventSignature;
import io.relops.common.event.EventData;
import io.relops.common.event.RelopsEvent;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A test's view of relops topics on the real broker: publishes events the way a relops service does
 * (binary CloudEvents, key = application) and records, decoded, every event that appears on the
 * watched topics from their beginning, so a test can wait for an outcome with {@link #await}.
 */
public final class EventStream implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread poller;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<Class<?>, List<RelopsEvent<?>>> byType = new ConcurrentHashMap<>();
    private volatile boolean open = true;

    /** One event seen on a topic, with the topic and the time the test saw it (System.nanoTime()). */
    public record Received(
            String topic,
            RelopsEvent<?> event,
            long seenAtNanos,
            @Nullable EventSignature signature) {}

    private EventStream(String bootstrapServers, List<String> topics) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.LINGER_MS_CONFIG,
                0));
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                "test-stream-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class));
        consumer.subscribe(topics);
        this.poller = new Thread(this::poll, "event-stream-" + String.join(",", topics));
        poller.setDaemon(true);
        poller.start();
    }

    /** Watches {@code topics} on the JVM's broker ({@link Kafka#bootstrapServers()}). */
    public static EventStream watching(String... topics) {
        return new EventStream(Kafka.bootstrapServers(), List.of(topics));
    }

    private void poll() {
        try {
            while (open) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    Map<String, byte[]> headers = new HashMap<>();
                    for (Header header : record.headers()) {
                        headers.put(header.key(), header.value());
                    }
                    try {
                        CloudEventCodec.Decoded decoded = CloudEventCodec.decodeWithData(headers, record.value());
                        RelopsEvent<?> event = decoded.event();
                        received.add(new Received(record.topic(), event, System.nanoTime(), decoded.signature()));
                        byType.computeIfAbsent(event.data().getClass(), type -> new CopyOnWriteArrayList<>())
                                .add(event);
                    } catch (RuntimeException e) {
                        // not a relops event (e.g. a poison record a test sent): not recorded
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    /** Publishes {@code event} to {@code topic} and waits until the broker has it. */
    public void publish(String topic, RelopsEvent<?> event) {
        publish(topic, event, null);
    }

    /** Publishes {@code event} with a signature ({@link TestCredentials#sign}), or none. */
    public void publish(String topic, RelopsEvent<?> event, @Nullable EventSignature signature) {
        EncodedEvent encoded = CloudEventCodec.encode(event, signature);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, encoded.key(), encoded.value());
        encoded.headers().forEach((name, value) -> record.headers().add(name, value));
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish " + event.type().typeName() + " to " + topic, e);
        }
    }

    /** Publishes {@code data} as a new event from {@code source} to {@code topic}; returns the event. */
    public <T extends EventData> RelopsEvent<T> publish(String topic, URI source, T data) {
        RelopsEvent<T> event = RelopsEvent.of(source, data);
        publish(topic, event);
        return event;
    }

    /** Every event seen so far, in the order seen. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /** The events of {@code type} seen so far that match. */
    public <T extends EventData> List<RelopsEvent<T>> all(Class<T> type, Predicate<? super T> match) {
        return byType.getOrDefault(type, List.of()).stream()
                .filter(e -> match.test(type.cast(e.data())))
                .map(e -> {
                    @SuppressWarnings("unchecked")
                    RelopsEvent<T> typed = (RelopsEvent<T>) e;
                    return typed;
                })
                .toList();
    }

    /** The data of every event of {@code type} seen so far, in the order seen. */
    public <T extends EventData> List<T> data(Class<T> type) {
        return all(type, data -> true).stream().map(RelopsEvent::data).toList();
    }

    /** The first event of {@code type} that matches, waiting up to {@code timeout} for it. */
    public <T extends EventData> RelopsEvent<T> await(Class<T> type, Predicate<? super T> match, Duration timeout) {
        try {
            return Awaitility.await()
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> all(type, match).stream().findFirst(), Optional::isPresent)
                    .orElseThrow();
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no " + type.getSimpleName() + " matching within " + timeout + "; seen: "
                    + received.stream().map(r -> r.event().type().typeName()).toList());
        }
    }

    /** The signature {@code event} was received with, if it carried one. */
    public Optional<EventSignature> signatureOf(RelopsEvent<?> event) {
        return received.stream()
                .filter(r -> r.event().id().equals(event.id()))
                .map(Received::signature)
                .filter(java.util.Objects::nonNull)
                .findFirst();
    }

    /** When the test saw {@code event}, or empty if it has not. */
    public Optional<Long> seenAt(@Nullable RelopsEvent<?> event) {
        return received.stream()
                .filter(r -> event != null && r.event().id().equals(event.id()))
                .map(Received::seenAtNanos)
                .findFirst();
    }

    @Override
    public void close() {
        open = false;
        consumer.wakeup();
        try {
            poller.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
