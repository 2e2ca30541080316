package io.relops.benchmarks.audit;

import io.relops.audit.AuditServiceApplication;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.EncodedEvent;
import io.relops.common.event.ReleaseApproved;
import io.relops.common.event.RelopsEvent;
import io.relops.testkit.BenchmarkTargets;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Sustained ingest rate of audit-service (decode, dedupe, hash chain, batched insert, checkpoints)
 * beside, in the same run and on the same broker and database: the raw Kafka consume rate of the same
 * records, and a raw JDBC batch insert rate of the same rows into an unchained table without the
 * audit indexes. Args: {@code --events=N} (default 200000).
 */
public final class AuditIngestBenchmark {

    public static void main(String[] args) throws Exception {
        int events = intArg(args, "--events=", 200_000);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "bench-audit-release-" + run;
        String bootstrap = Kafka.bootstrapServers();
        String db = Postgres.freshDatabase("bench_audit");
        System.out.printf(
                "audit ingest benchmark: %,d events, %d cores, load average %.1f%n",
                events,
                Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());

        long t0 = System.nanoTime();
        List<byte[]> sampleData = new java.util.ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.LINGER_MS_CONFIG,
                10,
                ProducerConfig.BATCH_SIZE_CONFIG,
                256 * 1024))) {
            for (int i = 0; i < events; i++) {
                RelopsEvent<?> event = RelopsEvent.of(
                        URI.create("/relops/gateway"),
                        new ReleaseApproved(UUID.randomUUID(), "app-" + (i % 50), "approver-" + (i % 20), "ok " + i));
                EncodedEvent encoded = CloudEventCodec.encode(event);
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, encoded.key(), encoded.value());
                encoded.headers().forEach((name, value) -> record.headers().add(name, value));
                producer.send(record);
                if (i < 1) {
                    sampleData.add(encoded.value());
                }
            }
            producer.flush();
        }
        System.out.printf("published in %.1f s%n", (System.nanoTime() - t0) / 1e9);

        // 1. raw Kafka consume rate of the same records
        double kafkaRate;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "bench-raw-" + run,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                1000,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            long seen = 0;
            long start = 0;
            while (seen < events) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (start == 0 && !records.isEmpty()) {
                    start = System.nanoTime();
                }
                seen += records.count();
            }
            kafkaRate = events / ((System.nanoTime() - start) / 1e9);
        }

        // 2. raw JDBC batch insert of the same rows (no chain, primary key only)
        double jdbcRate;
        try (Connection c = DriverManager.getConnection(
                db + "?reWriteBatchedInserts=true",
                Postgres.server().username(),
                Postgres.server().password())) {
            try (Statement s = c.createStatement()) {
                s.execute("create table raw_event (seq bigint primary key, event_id text not null, event_type text,"
                        + " source text, subject text, release_id text, event_time timestamptz, topic text,"
                        + " actor text, recorded_at timestamptz, data jsonb, prev_hash text, hash text)");
            }
            c.setAutoCommit(false);
            String data = new String(sampleData.get(0), java.nio.charset.StandardCharsets.UTF_8);
            long start = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into raw_event values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?, ?)")) {
                for (int i = 1; i <= events; i++) {
                    ps.setLong(1, i);
                    ps.setString(2, UUID.randomUUID().toString());
                    ps.setString(3, "io.relops.release.approved");
                    ps.setString(4, "/relops/gateway");
                    ps.setString(5, "app-" + (i % 50));
                    ps.setString(6, UUID.randomUUID().toString());
                    ps.setObject(7, OffsetDateTime.now());
                    ps.setString(8, topic);
                    ps.setString(9, "approver-" + (i % 20));
                    ps.setObject(10, OffsetDateTime.now());
                    ps.setString(11, data);
                    ps.setString(12, "0".repeat(64));
                    ps.setString(13, "0".repeat(64));
                    ps.addBatch();
                    if (i % 1000 == 0) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
                ps.executeBatch();
                c.commit();
            }
            jdbcRate = events / ((System.nanoTime() - start) / 1e9);
        }

        // 3. audit-service: the same records through the real consumer, chain and checkpoints. First a warm-up pass
        // into a database of its own, not measured: in this JVM the first pass also pays for class loading and JIT
        // compilation of the service's code (without it, the configured pass measured 13-22 % below the
        // never-yielding one after it, which does more work). Then as configured (the search indexer yields to a
        // busy writer up to max-lag), then with the indexer never yielding.
        System.out.printf(
                "warm-up pass (not measured): %,.0f events/s%n",
                ingest(bootstrap, Postgres.freshDatabase("bench_audit"), topic, run, "audit-service-warmup", events)
                        .rate());
        Ingest yielding = ingest(bootstrap, db, topic, run, "audit-service", events);
        Ingest alongside = ingest(
                bootstrap,
                Postgres.freshDatabase("bench_audit"),
                topic,
                run,
                "audit-service-indexing",
                events,
                "--relops.audit.index.yield-above=0");

        System.out.println();
        System.out.println("| measure | events/s |");
        System.out.println("|---|---|");
        System.out.printf("| raw Kafka consume (same records, 1 consumer) | %,.0f |%n", kafkaRate);
        System.out.printf("| raw JDBC batch insert (same columns, 1000/batch, pk only) | %,.0f |%n", jdbcRate);
        System.out.printf(
                "| **audit-service ingest with hash chain** (first to last recorded_at; search index yields to the"
                        + " writer up to max-lag) | **%,.0f** |%n",
                yielding.rate());
        System.out.printf(
                "| search index built behind it (first recorded_at to index caught up) | %,.0f |%n",
                yielding.indexRate());
        System.out.printf(
                "| audit-service ingest with hash chain, search indexer never yielding (index.yield-above=0) | %,.0f"
                        + " |%n",
                alongside.rate());
        System.out.printf("| search index built alongside it | %,.0f |%n", alongside.indexRate());
        System.out.printf(
                "checkpoints written: %d / %d; verify: %s / %s%n",
                yielding.checkpoints(), alongside.checkpoints(), yielding.verdict(), alongside.verdict());
        BenchmarkTargets targets = new BenchmarkTargets();
        targets.atLeast("audit-service ingest with hash chain", yielding.rate(), 20_000, "events/s");
        // issue 23: ingest that is searchable (the index caught up) at half the raw JDBC insert of the same rows
        targets.atLeast(
                "searchable ingest (search index caught up) / raw JDBC batch insert",
                yielding.indexRate() / jdbcRate,
                0.5,
                "x");
        targets.exit(); // also ends the broker's threads
    }

    private record Ingest(double rate, double indexRate, long checkpoints, String verdict) {}

    /** Runs audit-service over {@code topic} from its start with consumer group {@code group} into {@code db}. */
    private static Ingest ingest(
            String bootstrap, String db, String topic, String run, String group, int events, String... extra)
            throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of(
                "--server.port=0",
                "--relops.kafka.bootstrap-servers=" + bootstrap,
                "--relops.database.url=" + db,
                "--relops.database.username=" + Postgres.server().username(),
                "--relops.database.password=" + Postgres.server().password(),
                "--relops.topics.release=" + topic,
                "--relops.topics.health=bench-h-" + run,
                "--relops.topics.backup=bench-b-" + run,
                "--relops.topics.alert=bench-a-" + run,
                "--spring.cloud.stream.bindings.recordReleaseEvents-in-0.group=" + group,
                "--relops.audit.signing.key-file=" + System.getProperty("java.io.tmpdir") + "/bench-audit-" + run
                        + ".pem",
                "--spring.cloud.stream.kafka.default.consumer.configuration.auto.offset.reset=earliest",
                "--logging.level.root=WARN"));
        args.addAll(List.of(extra));
        ConfigurableApplicationContext app =
                new SpringApplication(AuditServiceApplication.class).run(args.toArray(String[]::new));
        try (Connection c = DriverManager.getConnection(
                db, Postgres.server().username(), Postgres.server().password())) {
            long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            while (count(c, "select count(*) from audit.audit_record") < events) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("audit-service did not record every event within 30 minutes");
                }
                Thread.sleep(500);
            }
            double seconds;
            try (ResultSet rs = c.createStatement()
                    .executeQuery(
                            "select extract(epoch from max(recorded_at) - min(recorded_at)) from audit.audit_record")) {
                rs.next();
                seconds = rs.getDouble(1);
            }
            long checkpoints = count(c, "select count(*) from audit.audit_checkpoint");
            // the search index is built behind the writer: how long until it has caught up
            while (count(c, "select count(*) from audit.audit_index") < events) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the search index did not catch up within 30 minutes");
                }
                Thread.sleep(200);
            }
            double indexRate;
            try (ResultSet rs = c.createStatement()
                    .executeQuery(
                            "select extract(epoch from clock_timestamp() - min(recorded_at)) from audit.audit_record")) {
                rs.next();
                indexRate = events / rs.getDouble(1);
            }
            String verdict = app.getBean(io.relops.audit.log.AuditVerifier.class)
                    .verify(null, null)
                    .toString();
            return new Ingest(events / seconds, indexRate, checkpoints, verdict);
        } finally {
            app.close();
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            if (e.getMessage().contains("does not exist")) {
                return 0;
            }
            throw e;
        }
    }

    static int intArg(String[] args, String prefix, int fallback) {
        for (String arg : args) {
            if (arg.startsWith(prefix)) {
                return Integer.parseInt(arg.substring(prefix.length()));
            }
        }
        return fallback;
    }
}
