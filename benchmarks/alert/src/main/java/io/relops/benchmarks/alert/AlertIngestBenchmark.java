package io.relops.benchmarks.alert;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.relops.alert.AlertServiceApplication;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.EncodedEvent;
import io.relops.common.event.HealthFailed;
import io.relops.common.event.ProbeResult;
import io.relops.common.event.RelopsEvent;
import io.relops.testkit.BenchmarkTargets;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Alerts ingested per second by alert-service — decode, deduplicate by CloudEvents id, fingerprint,
 * route through a three-level tree and group, each event committed in its own transaction — and the
 * p99 of that decision, beside the raw rate of a plain Kafka consumer reading the same records in the
 * same run.
 *
 * <p>Args: {@code --events=N} (default 20000), {@code --applications=M} (default 200: every event
 * is a {@code health.failed} of one of M applications, in two environments, so alerts deduplicate to 2M and groups to 2M).
 */
public final class AlertIngestBenchmark {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            String[] kv = arg.replaceFirst("^--", "").split("=", 2);
            options.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        int events = Integer.parseInt(options.getOrDefault("events", "20000"));
        int applications = Integer.parseInt(options.getOrDefault("applications", "200"));
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "bench.health." + run;
        String bootstrap = Kafka.bootstrapServers();
        String jdbcUrl = Postgres.freshDatabase("alert_bench");

        System.out.printf(
                "alert-service ingest benchmark: %d health.failed events over %d applications%n", events, applications);
        System.out.printf(
                "cores: %d, load average at start: %.2f%n",
                Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());

        long produceStart = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.LINGER_MS_CONFIG,
                5))) {
            for (int i = 0; i < events; i++) {
                String app = "bench-app-" + (i % applications);
                EncodedEvent e = CloudEventCodec.encode(RelopsEvent.of(
                        URI.create("/relops/bench"),
                        new HealthFailed(
                                UUID.randomUUID(),
                                app,
                                (i / applications) % 2 == 0 ? "prod" : "staging",
                                "1.0." + i,
                                "blue",
                                null,
                                "health returned 503",
                                List.of(new ProbeResult("health", false, "503", "[200]", 3, "503")))));
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, e.key(), e.value());
                e.headers().forEach((k, v) -> record.headers().add(k, v));
                producer.send(record);
            }
            producer.flush();
        }
        System.out.printf("produced in %.1f s%n", (System.nanoTime() - produceStart) / 1e9);

        // raw baseline: a plain consumer reading the same records, first record to last
        double rawRate;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "bench-raw-" + run,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            int seen = 0;
            long first = 0;
            long last = 0;
            while (seen < events) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty() && first == 0) {
                    first = System.nanoTime();
                }
                seen += records.count();
                last = System.nanoTime();
            }
            rawRate = (events - 1) / ((last - first) / 1e9);
        }

        // relops: alert-service consuming the same topic with routing and grouping
        List<String> argv = new ArrayList<>(List.of(
                "--server.port=0",
                "--relops.kafka.bootstrap-servers=" + bootstrap,
                "--relops.database.url=" + jdbcUrl,
                "--relops.database.username=" + Postgres.server().username(),
                "--relops.database.password=" + Postgres.server().password(),
                "--relops.topics.health=" + topic,
                "--relops.topics.release=bench.release." + run,
                "--relops.topics.backup=bench.backup." + run,
                "--relops.topics.alert=bench.alert." + run,
                "--relops.alerting.route.receiver=team",
                "--relops.alerting.route.group-by[0]=application",
                "--relops.alerting.route.group-by[1]=environment",
                "--relops.alerting.route.group-wait=5m",
                "--relops.alerting.route.routes[0].matchers[0]=severity=\"critical\"",
                "--relops.alerting.route.routes[0].receiver=team",
                "--relops.alerting.route.routes[0].routes[0].matchers[0]=environment=\"prod\"",
                "--relops.alerting.route.routes[0].routes[0].receiver=team",
                "--relops.alerting.receivers.team.log[0].send-resolved=true",
                "--logging.level.root=WARN"));
        ConfigurableApplicationContext service =
                new SpringApplicationBuilder(AlertServiceApplication.class).run(argv.toArray(String[]::new));
        try (Connection db = DriverManager.getConnection(
                        jdbcUrl, Postgres.server().username(), Postgres.server().password());
                Statement st = db.createStatement()) {
            Instant deadline = Instant.now().plus(Duration.ofMinutes(20));
            long processed = 0;
            while (processed < events && Instant.now().isBefore(deadline)) {
                TimeUnit.MILLISECONDS.sleep(200);
                try (ResultSet rs = st.executeQuery("select count(*) from alert.processed_event")) {
                    rs.next();
                    processed = rs.getLong(1);
                }
            }
            double seconds;
            long alerts;
            long groups;
            try (ResultSet rs = st.executeQuery("select extract(epoch from max(processed_at) - min(processed_at)),"
                    + " (select count(*) from alert.alert), (select count(*) from alert.alert_group)"
                    + " from alert.processed_event")) {
                rs.next();
                seconds = rs.getDouble(1);
                alerts = rs.getLong(2);
                groups = rs.getLong(3);
            }
            double relopsRate = (processed - 1) / seconds;
            HistogramSnapshot decision = service.getBean(MeterRegistry.class)
                    .get("relops.alert.decision.latency")
                    .timer()
                    .takeSnapshot();
            double p99 = percentile(decision, 0.99);
            double p50 = percentile(decision, 0.5);
            System.out.println();
            System.out.printf("%-58s %12s%n", "measure", "value");
            System.out.printf("%-58s %12.0f%n", "raw Kafka consume rate (records/s, plain KafkaConsumer)", rawRate);
            System.out.printf("%-58s %12.0f%n", "relops alert ingest rate (events/s, routing + grouping)", relopsRate);
            System.out.printf("%-58s %12.2f%n", "relops decision latency p50 (ms)", p50);
            System.out.printf("%-58s %12.2f%n", "relops decision latency p99 (ms)", p99);
            System.out.printf("%-58s %12d%n", "events processed", processed);
            System.out.printf("%-58s %12d%n", "alerts after dedup (expected " + 2 * applications + ")", alerts);
            System.out.printf("%-58s %12d%n", "aggregation groups", groups);
            System.out.printf("%-58s %12.1f%%%n", "relops rate / raw rate", 100 * relopsRate / rawRate);
            System.out.printf(
                    "load average at end: %.2f%n",
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                            .getSystemLoadAverage());
        } finally {
            service.close();
        }
        BenchmarkTargets targets = new BenchmarkTargets();
        targets.none("issue 6 sets no number: the rate and the decision p99 are printed beside the raw consume rate");
        targets.exit(); // also ends the broker's threads
    }

    private static double percentile(HistogramSnapshot snapshot, double p) {
        for (ValueAtPercentile v : snapshot.percentileValues()) {
            if (Math.abs(v.percentile() - p) < 1e-9) {
                return v.value(TimeUnit.MILLISECONDS);
            }
        }
        return Double.NaN;
    }
}
