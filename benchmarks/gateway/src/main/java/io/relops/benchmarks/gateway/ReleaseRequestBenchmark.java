package io.relops.benchmarks.gateway;

import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.EncodedEvent;
import io.relops.common.event.ReleaseRequested;
import io.relops.common.event.RelopsEvent;
import io.relops.gateway.GatewayServiceApplication;
import io.relops.platform.events.EventPublisher;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import io.relops.testkit.RelopsTopics;
import io.relops.testkit.TestCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Accepted release requests per second and their latency through the real gateway: {@code POST
 * /api/releases} over HTTP (keep-alive connections, one per client thread), authenticated,
 * validated against the catalog, published to Kafka with {@code acks=all} before the {@code 202}.
 * Beside it, in the same run, on the same broker and at the same concurrency: a raw {@code
 * KafkaProducer} ({@code acks=all}, {@code linger.ms=0}, like the gateway's) sending the same
 * CloudEvent record and waiting for each acknowledgement. Also measured: the gateway with an
 * {@code Idempotency-Key} on every request (two more PostgreSQL statements each).
 *
 * <p>Each phase reports the process CPU time per accepted request, split into the client threads (their own
 * CPU time), the gateway's Tomcat request threads, Kafka's threads and the rest (GC, JIT, other threads): on a
 * shared machine the request rate follows the other processes' load, the CPU cost per request much less.
 *
 * <pre>benchmarks/run gateway io.relops.benchmarks.gateway.ReleaseRequestBenchmark [--clients=32] [--seconds=20]
 *     [--warmup=20] [--app:some.gateway.property=value ...]</pre>
 */
public final class ReleaseRequestBenchmark {

    private static final String TOKEN = TestCredentials.token("operator");
    private static final double TARGET_RATE = 2_000;
    private static final double TARGET_P99_MS = 50;

    private record Result(
            String name, long requests, double seconds, long[] nanos, long errors, double cpuSeconds, CpuSplit split) {
        double rate() {
            return requests / seconds;
        }

        /** Milliseconds of CPU per accepted request. */
        double perRequest(double cpuSeconds) {
            return cpuSeconds * 1000 / Math.max(1, requests);
        }
    }

    /**
     * Where the process's CPU time went during a phase, in seconds: the benchmark's client threads (measured
     * exactly, each thread's own CPU time), the gateway's Tomcat request threads ({@code http-nio-*}), Kafka (the
     * in-process broker's threads and the producers' network threads), and the rest (GC, JIT, other threads).
     */
    private record CpuSplit(double client, double gateway, double kafka, double rest) {}

    /** One request or send; returns normally when it was accepted (202 / acknowledged). */
    private interface Call {
        void run(int client, long sequence) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int clients = intArg(args, "--clients=", 32);
        int seconds = intArg(args, "--seconds=", 20);
        int warmup = intArg(args, "--warmup=", 20);
        // one keep-alive connection per client thread (HttpURLConnection keeps 5 per host by default)
        System.setProperty("http.maxConnections", Integer.toString(clients));
        RelopsTopics topics = RelopsTopics.unique("bench-gw");
        Path catalog = Files.createTempFile("relops-bench-catalog", ".yml");
        Files.writeString(catalog, """
                relops:
                  applications:
                    bench-app:
                      environments:
                        bench:
                          approval:
                            required: false
                """);
        System.out.printf(
                "relops benchmark: POST /api/releases through gateway-service (acks=all) vs raw KafkaProducer%n");
        System.out.printf(
                "machine: %d cores, %s, java %s, %s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                System.getProperty("java.version"),
                Instant.now());
        System.out.printf(
                "clients: %d threads, %d s measured per phase after %d s warm-up%n", clients, seconds, warmup);
        System.out.printf("load average at start: %s%n", loadAverage());
        List<Result> results = new ArrayList<>();
        try (ConfigurableApplicationContext gateway = new SpringApplicationBuilder(GatewayServiceApplication.class)
                        .run(topics.serviceArgs(Postgres.freshDatabase("gateway_bench"), gatewayArgs(args, catalog)));
                KafkaProducer<byte[], byte[]> producer = rawProducer()) {
            int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
            URL releases =
                    URI.create("http://127.0.0.1:" + port + "/api/releases").toURL();
            byte[] body = "{\"application\":\"bench-app\",\"version\":\"1.0.0\",\"environment\":\"bench\"}"
                    .getBytes(StandardCharsets.UTF_8);
            String run = UUID.randomUUID().toString().substring(0, 8);

            Call viaGateway = (client, sequence) -> post(releases, body, null, 202);
            byte[] unknown = "{\"application\":\"not-in-catalog\",\"version\":\"1.0.0\",\"environment\":\"bench\"}"
                    .getBytes(StandardCharsets.UTF_8);
            Call refused = (client, sequence) -> post(releases, unknown, null, 400);
            Call viaGatewayWithKey =
                    (client, sequence) -> post(releases, body, run + "-" + client + "-" + sequence, 202);
            EncodedEvent encoded = CloudEventCodec.encode(RelopsEvent.of(
                    URI.create("/relops/benchmark"),
                    new ReleaseRequested(
                            UUID.randomUUID(),
                            "bench-app",
                            "1.0.0",
                            "bench",
                            null,
                            TestCredentials.name("operator"),
                            null,
                            null)));
            String rawTopic = topics.release();
            Call raw = (client, sequence) -> {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(rawTopic, encoded.key(), encoded.value());
                encoded.headers().forEach((name, value) -> record.headers().add(name, value));
                producer.send(record).get();
            };

            // the gateway's publish path without HTTP: where the time goes
            EventPublisher publisher = gateway.getBean(EventPublisher.class);
            Call publishOnly = (client, sequence) -> publisher.publish(RelopsEvent.of(
                    URI.create("/relops/benchmark"),
                    new ReleaseRequested(
                            UUID.randomUUID(),
                            "bench-app",
                            "1.0.0",
                            "bench",
                            null,
                            TestCredentials.name("operator"),
                            null,
                            null)));

            measure("warm-up gateway", viaGateway, clients, warmup);
            measure("warm-up raw", raw, clients, Math.max(2, warmup / 2));
            results.add(measure("gateway POST /api/releases (acks=all)", viaGateway, clients, seconds));
            results.add(measure("raw KafkaProducer send().get() (acks=all)", raw, clients, seconds));
            results.add(measure("gateway POST with Idempotency-Key", viaGatewayWithKey, clients, seconds));
            results.add(measure("in-process EventPublisher.publish (no HTTP)", publishOnly, clients, seconds));
            results.add(measure("gateway POST refused by the catalog (400)", refused, clients, seconds));
        } finally {
            Files.deleteIfExists(catalog);
        }
        System.out.printf(
                "%n%-44s %7s %7s %7s %7s %7s %6s | %6s | %-35s%n",
                "",
                "req/s",
                "p50 ms",
                "p90 ms",
                "p99 ms",
                "max ms",
                "errors",
                "CPU s",
                "CPU ms per request: all = client + gateway + kafka + rest");
        for (Result result : results) {
            CpuSplit split = result.split();
            System.out.printf(
                    "%-44s %7.0f %7.1f %7.1f %7.1f %7.1f %6d | %6.1f | %5.3f = %5.3f + %5.3f + %5.3f + %5.3f%n",
                    result.name(),
                    result.rate(),
                    percentile(result.nanos(), 50),
                    percentile(result.nanos(), 90),
                    percentile(result.nanos(), 99),
                    percentile(result.nanos(), 100),
                    result.errors(),
                    result.cpuSeconds(),
                    result.perRequest(result.cpuSeconds()),
                    result.perRequest(split.client()),
                    result.perRequest(split.gateway()),
                    result.perRequest(split.kafka()),
                    result.perRequest(split.rest()));
        }
        System.out.printf(
                "CPU: process CPU time per accepted request during the phase; client = the benchmark's client threads,"
                        + " gateway = Tomcat's request threads (http-nio-*), kafka = the in-process broker and the"
                        + " producers' network threads, rest = GC, JIT and other threads%n");
        System.out.printf(
                "load average at end: %s (cores: %d)%n",
                loadAverage(), Runtime.getRuntime().availableProcessors());
        Result gateway = results.get(0);
        double p99 = percentile(gateway.nanos(), 99);
        boolean met = gateway.rate() >= TARGET_RATE && p99 <= TARGET_P99_MS;
        System.out.printf(
                "%ntarget: >= %.0f req/s and p99 <= %.0f ms -> %s (%.0f req/s, p99 %.1f ms; raw Kafka %.0f/s)%n",
                TARGET_RATE,
                TARGET_P99_MS,
                met ? "MET" : "MISSED",
                gateway.rate(),
                p99,
                results.get(1).rate());
        double cpuPerRequest = gateway.perRequest(gateway.cpuSeconds());
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(
                "CPU per accepted request (client + gateway + broker in this process): %.3f ms; %d idle cores would"
                        + " serve at most %.0f req/s at that cost (an estimate by arithmetic, not a measurement)%n",
                cpuPerRequest, cores, cores * 1000 / cpuPerRequest);
        System.exit(0);
    }

    /** The gateway's arguments; {@code --app:<key>=<value>} on the command line adds {@code --<key>=<value>}. */
    private static String[] gatewayArgs(String[] args, Path catalog) {
        List<String> gateway = new ArrayList<>(List.of(
                "--RELOPS_CATALOG=" + catalog,
                "--relops.gateway.rate-limit.limit-for-period=100000000",
                "--logging.level.root=WARN"));
        for (String arg : args) {
            if (arg.startsWith("--app:")) {
                gateway.add("--" + arg.substring("--app:".length()));
            }
        }
        System.out.printf("gateway arguments: %s%n", gateway.subList(1, gateway.size()));
        return gateway.toArray(String[]::new);
    }

    private static Result measure(String name, Call call, int clients, int seconds) throws InterruptedException {
        System.out.printf("%s: %d s ... (load average %s)%n", name, seconds, loadAverage());
        long cpuBefore = processCpuNanos();
        Map<Long, long[]> threadsBefore = threadCpuByGroup();
        AtomicLong clientCpu = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<long[]> latencies = new ArrayList<>();
        int[] counts = new int[clients];
        AtomicLong errors = new AtomicLong();
        CountDownLatch done = new CountDownLatch(clients);
        long started = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            long[] mine = new long[2_000_000 / clients + 1000];
            latencies.add(mine);
            int client = c;
            Thread thread = new Thread(
                    () -> {
                        long sequence = 0;
                        try {
                            while (System.nanoTime() < end) {
                                long start = System.nanoTime();
                                try {
                                    call.run(client, sequence++);
                                } catch (Exception e) {
                                    errors.incrementAndGet();
                                    continue;
                                }
                                if (counts[client] < mine.length) {
                                    mine[counts[client]++] = System.nanoTime() - start;
                                }
                            }
                        } finally {
                            clientCpu.addAndGet(THREADS.getCurrentThreadCpuTime());
                            done.countDown();
                        }
                    },
                    "bench-client-" + c);
            thread.start();
        }
        done.await();
        double elapsed = (System.nanoTime() - started) / 1e9;
        long total = Arrays.stream(counts).sum();
        long[] all = new long[(int) total];
        int at = 0;
        for (int c = 0; c < clients; c++) {
            System.arraycopy(latencies.get(c), 0, all, at, counts[c]);
            at += counts[c];
        }
        double cpu = (processCpuNanos() - cpuBefore) / 1e9;
        long[] groups = new long[2];
        threadCpuByGroup().forEach((id, now) -> {
            long[] before = threadsBefore.get(id);
            groups[(int) now[0]] += now[1] - (before == null ? 0 : before[1]);
        });
        double client = clientCpu.get() / 1e9;
        double gateway = groups[GATEWAY] / 1e9;
        double kafka = groups[KAFKA] / 1e9;
        return new Result(
                name,
                total,
                elapsed,
                all,
                errors.get(),
                cpu,
                new CpuSplit(client, gateway, kafka, Math.max(0, cpu - client - gateway - kafka)));
    }

    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int GATEWAY = 0;
    private static final int KAFKA = 1;

    /** CPU nanoseconds of each live gateway request thread and Kafka thread: id -> {group, nanos}. */
    private static Map<Long, long[]> threadCpuByGroup() {
        Map<Long, long[]> cpu = new java.util.HashMap<>();
        for (java.lang.management.ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            String thread = info.getThreadName();
            int group;
            if (thread.startsWith("http-nio-")) {
                group = GATEWAY;
            } else if (thread.contains("kafka")
                    || thread.startsWith("broker-")
                    || thread.startsWith("controller-")
                    || thread.startsWith("quorum-")
                    || thread.startsWith("data-plane-")) {
                group = KAFKA;
            } else {
                continue;
            }
            long nanos = THREADS.getThreadCpuTime(info.getThreadId());
            if (nanos >= 0) {
                cpu.put(info.getThreadId(), new long[] {group, nanos});
            }
        }
        return cpu;
    }

    /** One POST on a pooled keep-alive connection; 202 or an exception. */
    private static void post(URL url, byte[] body, String idempotencyKey, int expected) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) url.openConnection();
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setRequestProperty("Authorization", "Bearer " + TOKEN);
        connection.setRequestProperty("Content-Type", "application/json");
        if (idempotencyKey != null) {
            connection.setRequestProperty("Idempotency-Key", idempotencyKey);
        }
        // no streaming mode: HttpURLConnection buffers the body and sends it with the headers in one write, so
        // that Nagle's algorithm (it does not set TCP_NODELAY) cannot hold the body back for a delayed ACK
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body);
        }
        int status = connection.getResponseCode();
        InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
        if (in != null) {
            try (in) {
                in.readAllBytes(); // read to the end, so that the connection goes back to the pool
            }
        }
        if (status != expected) {
            throw new IOException("status " + status);
        }
    }

    private static KafkaProducer<byte[], byte[]> rawProducer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                Kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return String.format(
                    "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        } catch (UncheckedIOException e) {
            return "?";
        }
    }

    private static double percentile(long[] nanos, double p) {
        if (nanos.length == 0) {
            return Double.NaN;
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
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
