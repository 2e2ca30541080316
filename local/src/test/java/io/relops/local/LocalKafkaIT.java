package io.relops.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local suite's Kafka node: on the port asked for, with its data kept across a restart. */
class LocalKafkaIT {

    @TempDir
    Path data;

    @Test
    void servesOnTheAskedPortAndKeepsItsRecordsAndOffsetsAcrossARestart() throws Exception {
        int port = freePort();
        try (LocalKafka kafka = LocalKafka.start(data, port)) {
            assertThat(kafka.bootstrap()).isEqualTo("127.0.0.1:" + port);
            try (KafkaProducer<String, String> producer = producer(kafka.bootstrap())) {
                producer.send(new ProducerRecord<>("relops.release", "demo-app", "first"))
                        .get(60, TimeUnit.SECONDS);
                producer.send(new ProducerRecord<>("relops.release", "demo-app", "second"))
                        .get(60, TimeUnit.SECONDS);
            }
            try (KafkaConsumer<String, String> consumer = consumer(kafka.bootstrap())) {
                assertThat(poll(consumer, 2)).containsExactly("first", "second");
                consumer.commitSync();
            }
        }
        assertThat(data.resolve("server.properties")).exists();
        assertThat(Files.list(data.resolve("data")).map(p -> p.getFileName().toString()))
                .contains("meta.properties");

        try (LocalKafka again = LocalKafka.start(data, port)) {
            try (KafkaProducer<String, String> producer = producer(again.bootstrap())) {
                producer.send(new ProducerRecord<>("relops.release", "demo-app", "third"))
                        .get(60, TimeUnit.SECONDS);
            }
            // the group's committed offset survived: it reads on from where it was
            try (KafkaConsumer<String, String> consumer = consumer(again.bootstrap())) {
                assertThat(poll(consumer, 1)).containsExactly("third");
            }
        }
    }

    @Test
    void aTakenPortIsNamedWithTheOptionsThatMoveIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> LocalKafka.start(data, taken.getLocalPort()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + taken.getLocalPort() + " is taken")
                    .hasMessageContaining("--kafka-port")
                    .hasMessageContaining("--kafka-bootstrap");
        }
    }

    private static List<String> poll(KafkaConsumer<String, String> consumer, int expected) {
        List<String> values = new ArrayList<>();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (values.size() < expected && Instant.now().isBefore(deadline)) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                values.add(record.value());
            }
        }
        // anything more that arrives soon after is a record read twice
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
            values.add(record.value());
        }
        return values;
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(),
                new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG, "local-kafka-it",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new StringDeserializer(),
                new StringDeserializer());
        consumer.subscribe(List.of("relops.release"));
        return consumer;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
