package io.relops.audit.log;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.relops.common.audit.AuditExport;
import io.relops.common.audit.CanonicalJson;
import io.relops.common.audit.Checkpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The anchor outside the database: every signed checkpoint, periodic and retention, is published to the Kafka
 * topic {@code relops.audit.anchor.topic} (default {@code relops.audit.checkpoints}, one partition) as the line the
 * export writes for it ({@link AuditExport#checkpointLine}). A checkpoint row is its own outbox entry: it commits
 * with the records it vouches for, and this publisher sends every checkpoint that {@code audit_anchored} does not
 * list yet, then lists it, until the broker has acknowledged each (at least once; once across replicas).
 * Verification reads the topic's newest records back ({@link #newest}).
 *
 * <p>With the S3 anchor on ({@link S3Anchors}), each checkpoint is also written to the bucket, and it is listed in
 * {@code audit_anchored} only once both the broker and the bucket have it: "anchored" means in both sinks (a run
 * that fails on either is retried whole; a duplicate on the topic or an object written again is harmless).
 */
@Component
public class CheckpointAnchors implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CheckpointAnchors.class);
    private static final int BATCH = 500;
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final JdbcTemplate jdbc;
    private final AnchorKafkaSettings kafkaSettings;
    private final AuditProperties.Anchor anchor;
    private final DefaultKafkaProducerFactory<String, String> producers;
    private final KafkaTemplate<String, String> kafka;
    private final LockingTaskExecutor locks;
    private final S3Anchors s3;
    private final Counter published;

    CheckpointAnchors(
            JdbcTemplate jdbc,
            Environment environment,
            AuditProperties properties,
            LockProvider auditLockProvider,
            S3Anchors s3,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.kafkaSettings = AnchorKafkaSettings.of(environment);
        this.anchor = properties.anchor();
        this.producers = new DefaultKafkaProducerFactory<>(kafkaSettings.with(Map.of(
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class)));
        this.kafka = new KafkaTemplate<>(producers);
        this.locks = new DefaultLockingTaskExecutor(auditLockProvider);
        this.s3 = s3;
        this.published = Counter.builder("relops.audit.anchors.published")
                .description("signed checkpoints published to the anchor topic")
                .register(meters);
    }

    /** Publishes the checkpoints not anchored yet, oldest first; once across replicas. */
    @Scheduled(
            fixedDelayString = "${relops.audit.anchor.interval:2s}",
            initialDelayString = "${relops.audit.anchor.interval:2s}")
    void publishPending() {
        try {
            locks.executeWithLock(
                    (Runnable) this::publishPendingLocked,
                    new LockConfiguration(
                            java.time.Instant.now(), "audit-anchor", Duration.ofMinutes(5), Duration.ZERO));
        } catch (RuntimeException e) {
            log.warn("could not anchor audit checkpoints (topic {}), will retry: {}", anchor.topic(), e.getMessage());
        }
    }

    /** Publishes the checkpoints not anchored yet, at once (also called by tests); returns how many. */
    public int publishPendingLocked() {
        int total = 0;
        for (List<Checkpoint> pending = pending(); !pending.isEmpty(); pending = pending()) {
            // a batch goes out at once; each checkpoint is listed only once the broker has acknowledged it
            List<CompletableFuture<?>> sends = new ArrayList<>();
            for (Checkpoint checkpoint : pending) {
                sends.add(kafka.send(
                        anchor.topic(),
                        checkpoint.seq() + "/" + checkpoint.kind(),
                        AuditExport.checkpointLine(checkpoint)));
            }
            for (int i = 0; i < pending.size(); i++) {
                await(sends.get(i), pending.get(i));
            }
            if (s3.enabled()) {
                pending.forEach(s3::write);
            }
            jdbc.batchUpdate(
                    "insert into audit_anchored (seq, kind) values (?, ?) on conflict do nothing",
                    pending.stream()
                            .map(checkpoint -> new Object[] {checkpoint.seq(), checkpoint.kind()})
                            .toList());
            published.increment(pending.size());
            total += pending.size();
        }
        return total;
    }

    private List<Checkpoint> pending() {
        return jdbc.query(
                "select c.seq, c.hash, c.checkpoint_time, c.kind, c.key_id, c.signature, c.format, c.from_seq,"
                        + " c.policy, c.newest from audit_checkpoint c"
                        + " where not exists (select 1 from audit_anchored a where a.seq = c.seq and a.kind = c.kind)"
                        + " order by c.checkpoint_time, c.seq limit ?",
                (rs, n) -> AuditStore.checkpoint(rs),
                BATCH);
    }

    private static void await(CompletableFuture<?> send, Checkpoint checkpoint) {
        try {
            send.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while anchoring " + checkpoint.describe(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "the broker did not acknowledge " + checkpoint.describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * What the anchor topic holds at its head.
     *
     * @param checkpoints the checkpoints among the topic's newest {@code relops.audit.anchor.window} records, in
     *     topic order
     * @param malformed how many of those records were not checkpoint lines
     */
    public record Anchored(List<Anchor> checkpoints, int malformed) {}

    /**
     * One anchored checkpoint.
     *
     * @param publishedAt when the broker (or the bucket) took it
     * @param where which anchor holds it: {@code topic <name>} or {@code s3://bucket/key}
     */
    public record Anchor(Checkpoint checkpoint, java.time.Instant publishedAt, String where) {}

    /** Reads the newest records of the anchor topic (its only partition). */
    public Anchored newest() {
        TopicPartition partition = new TopicPartition(anchor.topic(), 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(kafkaSettings.with(Map.of(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed")))) {
            consumer.assign(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(30))
                    .getOrDefault(partition, 0L);
            long start = Math.max(
                    consumer.beginningOffsets(List.of(partition), Duration.ofSeconds(30))
                            .getOrDefault(partition, 0L),
                    end - anchor.window());
            consumer.seek(partition, start);
            List<Anchor> checkpoints = new ArrayList<>();
            int malformed = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(partition) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the anchor topic " + anchor.topic()
                            + " up to offset " + end + " within 30 s");
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        checkpoints.add(new Anchor(
                                AuditExport.readCheckpoint(CanonicalJson.read(record.value())),
                                java.time.Instant.ofEpochMilli(record.timestamp()),
                                "topic " + anchor.topic()));
                    } catch (RuntimeException e) {
                        malformed++;
                    }
                }
            }
            return new Anchored(checkpoints, malformed);
        }
    }

    @Override
    public void destroy() {
        producers.destroy();
    }
}
