package io.relops.benchmarks.outbox;

import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.EncodedEvent;
import io.relops.common.event.ReleaseCompleted;
import io.relops.common.event.RelopsEvent;
import io.relops.platform.events.Outbox;
import io.relops.platform.events.OutboxRelay;
import io.relops.testkit.BenchmarkTargets;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The outbox relay's throughput: {@code --events=N} events (default 100,000) committed to a service's outbox while
 * the relay is held off (its lock taken by the benchmark), then the time from releasing the lock until a consumer has
 * read all N from the topic; beside it, in the same run against the same broker, a raw {@link KafkaProducer} ({@code
 * acks=all}, idempotent, otherwise Kafka's defaults) sending the same records (key, {@code ce_} headers, value) from
 * the first send until the consumer has read all N. A warm-up pass of each ({@code --warmup=}, default 10,000 events)
 * comes first, unmeasured. The relay runs in a real service context (the platform's auto-configuration, Flyway,
 * PostgreSQL from the testkit) with the platform's defaults (batch size, tracing on).
 */
public final class OutboxRelayBenchmark {

    private static final int APPLICATIONS = 10;
    private static final int PARTITIONS = 3;
    private static final int EVENTS_PER_COMMIT = 1_000;
    private static final Duration WAIT = Duration.ofMinutes(10);

    private OutboxRelayBenchmark() {}

    public static void main(String[] args) throws Exception {
        int events = intArg(args, "--events=", 100_000);
        int warmup = intArg(args, "--warmup=", 10_000);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String bootstrap = Kafka.bootstrapServers();
        String database = Postgres.freshDatabase("bench_outbox");
        System.out.printf(
                "outbox relay benchmark: %,d events (warm-up %,d), %d cores, load average %s%n",
                events, warmup, Runtime.getRuntime().availableProcessors(), loadAverage());

        String relayTopic = "bench-outbox-relay-" + run;
        String rawTopic = "bench-outbox-raw-" + run;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(
                            new NewTopic(relayTopic, PARTITIONS, (short) 1),
                            new NewTopic(rawTopic, PARTITIONS, (short) 1)))
                    .all()
                    .get();
        }

        ConfigurableApplicationContext service = new SpringApplicationBuilder(Service.class)
                .web(WebApplicationType.NONE)
                .run(
                        "--spring.application.name=bench-outbox",
                        "--spring.config.import=classpath:relops-platform.yml",
                        "--relops.database.url=" + database,
                        "--relops.database.username=" + Postgres.server().username(),
                        "--relops.database.password=" + Postgres.server().password(),
                        "--spring.flyway.schemas=bench",
                        "--spring.datasource.hikari.schema=bench",
                        "--relops.kafka.bootstrap-servers=" + bootstrap,
                        "--relops.topics.release=" + relayTopic,
                        // held off by the benchmark's lock for as long as it commits: the relay waits for it
                        "--relops.outbox.lock-wait=10m");
        try (KafkaProducer<byte[], byte[]> raw = rawProducer(bootstrap);
                Counter relayCounter = new Counter(bootstrap, relayTopic);
                Counter rawCounter = new Counter(bootstrap, rawTopic)) {
            // warm-up: both paths, unmeasured
            measureRaw(raw, rawTopic, events(warmup), rawCounter);
            measureRelay(service, database, events(warmup), relayCounter);

            List<RelopsEvent<ReleaseCompleted>> measured = events(events);
            double rawSeconds = measureRaw(raw, rawTopic, measured, rawCounter);
            double relaySeconds = measureRelay(service, database, measured, relayCounter);

            double rawRate = events / rawSeconds;
            double relayRate = events / relaySeconds;
            double ratio = relayRate / rawRate;
            System.out.println();
            System.out.println("| path | events | time (s) | events/s |");
            System.out.println("|---|---|---|---|");
            System.out.printf(
                    "| raw KafkaProducer (acks=all, idempotent) | %,d | %.2f | %,.0f |%n", events, rawSeconds, rawRate);
            System.out.printf(
                    "| outbox relay (committed → on the topic) | %,d | %.2f | %,.0f |%n",
                    events, relaySeconds, relayRate);
            System.out.printf("relay / raw: %.2f x; load average after: %s%n", ratio, loadAverage());

            BenchmarkTargets targets = new BenchmarkTargets();
            targets.atLeast("outbox relay / raw producer", ratio, 0.5, "x");
            service.close();
            targets.exit();
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Service {}

    /** Sends the events' records with a bare producer; seconds from the first send until all are read back. */
    private static double measureRaw(
            KafkaProducer<byte[], byte[]> producer,
            String topic,
            List<RelopsEvent<ReleaseCompleted>> events,
            Counter counter)
            throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(events.size());
        for (RelopsEvent<ReleaseCompleted> event : events) {
            EncodedEvent encoded = CloudEventCodec.encode(event);
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, encoded.key(), encoded.value());
            encoded.headers().forEach((name, value) -> record.headers().add(name, value));
            records.add(record);
        }
        long expected = counter.count() + events.size();
        long start = System.nanoTime();
        List<Future<RecordMetadata>> sends = new ArrayList<>(records.size());
        for (ProducerRecord<byte[], byte[]> record : records) {
            sends.add(producer.send(record));
        }
        for (Future<RecordMetadata> send : sends) {
            send.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        counter.awaitCount(expected);
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Commits the events to the service's outbox while holding its relay's lock, then releases it; seconds from the
     * release until all are read back from the topic.
     */
    private static double measureRelay(
            ConfigurableApplicationContext service,
            String database,
            List<RelopsEvent<ReleaseCompleted>> events,
            Counter counter)
            throws Exception {
        Outbox outbox = service.getBean(Outbox.class);
        TransactionTemplate tx = new TransactionTemplate(service.getBean(PlatformTransactionManager.class));
        long expected = counter.count() + events.size();
        try (Connection holder = DriverManager.getConnection(
                        database,
                        Postgres.server().username(),
                        Postgres.server().password());
                Statement lock = holder.createStatement()) {
            holder.setSchema("bench");
            lock.execute("select pg_advisory_lock(" + OutboxRelay.LOCK_ARGUMENTS + ")");
            for (int from = 0; from < events.size(); from += EVENTS_PER_COMMIT) {
                List<RelopsEvent<ReleaseCompleted>> commit =
                        events.subList(from, Math.min(events.size(), from + EVENTS_PER_COMMIT));
                tx.executeWithoutResult(status -> commit.forEach(outbox::append));
            }
            long start = System.nanoTime();
            lock.execute("select pg_advisory_unlock(" + OutboxRelay.LOCK_ARGUMENTS + ")");
            counter.awaitCount(expected);
            return (System.nanoTime() - start) / 1e9;
        }
    }

    private static List<RelopsEvent<ReleaseCompleted>> events(int count) {
        List<RelopsEvent<ReleaseCompleted>> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(RelopsEvent.of(
                    URI.create("/relops/deploy-service"),
                    new ReleaseCompleted(
                            UUID.randomUUID(), "app-" + (i % APPLICATIONS), "production", "1.0." + i, "0.9.9", i)));
        }
        return events;
    }

    private static KafkaProducer<byte[], byte[]> rawProducer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
    }

    /** Counts the records on a topic as a consumer reads them (from the beginning), on a thread of its own. */
    private static final class Counter implements AutoCloseable {

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Thread poller;
        private volatile long count;
        private volatile boolean open = true;

        Counter(String bootstrap, String topic) {
            consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrap,
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class,
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                    5_000));
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            poller = new Thread(this::poll, "count-" + topic);
            poller.setDaemon(true);
            poller.start();
        }

        private void poll() {
            while (open) {
                count += consumer.poll(Duration.ofMillis(50)).count();
            }
            consumer.close();
        }

        long count() {
            return count;
        }

        void awaitCount(long expected) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (count < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + count + " of " + expected + " records within " + WAIT);
                }
                Thread.sleep(1);
            }
        }

        @Override
        public void close() throws InterruptedException {
            open = false;
            poller.join(5_000);
        }
    }

    private static String loadAverage() {
        return String.format(
                "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static int intArg(String[] args, String prefix, int fallback) {
        for (String arg : args) {
            if (arg.startsWith(prefix)) {
                return Integer.parseInt(arg.substring(prefix.length()));
            }
        }
        return fallback;
    }
}
