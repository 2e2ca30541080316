package io.relops.benchmarks.kafka;

import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.EncodedEvent;
import io.relops.common.event.ReleaseRequested;
import io.relops.common.event.RelopsEvent;
import io.relops.testkit.BenchmarkTargets;
import io.relops.testkit.Kafka;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.tools.ConsumerPerformance;
import org.apache.kafka.tools.ProducerPerformance;

/**
 * The broker's own limits on this machine, with Kafka's perf tools (kafka-tools {@code ProducerPerformance} and
 * {@code ConsumerPerformance}, as {@code kafka-producer-perf-test.sh} and {@code kafka-consumer-perf-test.sh} run
 * them) against the same broker the other benchmarks use (the testkit's): records the size of a relops event
 * (an encoded {@code io.relops.release.requested}, value and {@code ce_} headers), the producer settings relops'
 * binder uses ({@code acks=all}, idempotent). It is the raw baseline of every Kafka-bound figure in
 * docs/PERFORMANCE.md: no relops service can publish or consume faster than these.
 *
 * <p>{@code --records=} (default 1,000,000), {@code --partitions=} (default 3, as relops' topics).
 */
public final class KafkaBaselineBenchmark {

    private static final Pattern PRODUCED = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+)"
            + " MB/sec\\), ([\\d.]+) ms avg latency, ([\\d.]+) ms max latency, (\\d+) ms 50th, (\\d+) ms 95th,"
            + " (\\d+) ms 99th");

    private KafkaBaselineBenchmark() {}

    public static void main(String[] args) throws Exception {
        int records = intArg(args, "--records=", 1_000_000);
        int partitions = intArg(args, "--partitions=", 3);
        int size = eventSize();
        String bootstrap = Kafka.bootstrapServers();
        String topic = "perf-baseline-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all()
                    .get();
        }
        System.out.printf(
                "kafka baseline: kafka-tools %s ProducerPerformance then ConsumerPerformance, %,d records of %d bytes"
                        + " (an encoded io.relops.release.requested, value and ce_ headers), %d partitions,"
                        + " load average %.1f%n",
                AppInfoParser.getVersion(),
                records,
                size,
                partitions,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        String produced = captured(() -> ProducerPerformance.main(new String[] {
            "--topic",
            topic,
            "--num-records",
            Integer.toString(records),
            "--record-size",
            Integer.toString(size),
            "--throughput",
            "-1",
            "--producer-props",
            "bootstrap.servers=" + bootstrap,
            "acks=all",
            "enable.idempotence=true"
        }));
        Matcher producer = PRODUCED.matcher(produced);
        if (!producer.find()) {
            throw new IllegalStateException("ProducerPerformance printed no summary line:\n" + produced);
        }
        String consumed = captured(() -> ConsumerPerformance.main(new String[] {
            "--bootstrap-server",
            bootstrap,
            "--topic",
            topic,
            "--messages",
            Integer.toString(records),
            "--timeout",
            "60000"
        }));
        // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms,
        // fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
        String[] consumer = consumed.lines()
                .filter(line -> line.split(",").length >= 10 && !line.startsWith("start.time"))
                .reduce((first, second) -> second)
                .orElseThrow(() -> new IllegalStateException("ConsumerPerformance printed no result:\n" + consumed))
                .split(",\\s*");

        System.out.println();
        System.out.printf(
                "| kafka-tools %s, %,d records of %d bytes, %d partitions | records/s | MB/s | p50 ms | p99 ms |%n",
                AppInfoParser.getVersion(), records, size, partitions);
        System.out.println("|---|---|---|---|---|");
        System.out.printf(
                "| ProducerPerformance (acks=all, idempotent, no throttle) | %,.0f | %.1f | %s | %s |%n",
                Double.parseDouble(producer.group(2)),
                Double.parseDouble(producer.group(3)),
                producer.group(6),
                producer.group(8));
        System.out.printf(
                "| ConsumerPerformance (one consumer, rebalance included) | %,.0f | %.1f | | |%n",
                Double.parseDouble(consumer[5]), Double.parseDouble(consumer[3]));
        System.out.printf(
                "| ConsumerPerformance (fetch time only) | %,.0f | %.1f | | |%n",
                Double.parseDouble(consumer[9]), Double.parseDouble(consumer[8]));
        BenchmarkTargets targets = new BenchmarkTargets();
        targets.none("the baseline of the Kafka-bound figures");
        targets.exit(); // also ends the in-process broker's threads
    }

    /** The bytes of an encoded relops event: the value and every header's key and value. */
    private static int eventSize() {
        EncodedEvent encoded = CloudEventCodec.encode(RelopsEvent.of(
                URI.create("/relops/gateway-service"),
                new ReleaseRequested(
                        UUID.randomUUID(), "checkout", "2.14.3", "production", "canary", "alice", "4f9c2ab", null)));
        int headers = encoded.headers().entrySet().stream()
                .mapToInt(header -> header.getKey().getBytes(StandardCharsets.UTF_8).length + header.getValue().length)
                .sum();
        return encoded.key().length + encoded.value().length + headers;
    }

    private interface Tool {
        void run() throws Exception;
    }

    /** Runs {@code tool}, its output printed as it comes and returned. */
    private static String captured(Tool tool) throws Exception {
        PrintStream out = System.out;
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        System.setOut(new PrintStream(
                new OutputStream() {
                    @Override
                    public void write(int b) {
                        out.write(b);
                        copy.write(b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        out.write(b, off, len);
                        copy.write(b, off, len);
                    }
                },
                true,
                StandardCharsets.UTF_8));
        try {
            tool.run();
        } finally {
            System.out.flush();
            System.setOut(out);
        }
        return copy.toString(StandardCharsets.UTF_8);
    }

    private static int intArg(String[] args, String prefix, int fallback) {
        for (String arg : args) {
            if (arg.startsWith(prefix)) {
                return Integer.parseInt(arg.substring(prefix.length()).replace("_", ""));
            }
        }
        return fallback;
    }
}
