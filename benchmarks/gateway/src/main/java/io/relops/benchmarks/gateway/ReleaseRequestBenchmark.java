package io.relops.benchmarks.gateway;

import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.EncodedEvent;
import io.relops.common.event.ReleaseRequested;
import io.relops.common.event.RelopsEvent;
import io.relops.gateway.GatewayServiceApplication;
import io.relops.testkit.BenchmarkTargets;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import io.relops.testkit.RelopsTopics;
import io.relops.testkit.TestCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@code POST /api/releases} through the real gateway (authenticated, rate-limited, validated against the catalog,
 * published with {@code acks=all} before the {@code 202}), measured open-loop: a constant arrival rate per phase
 * (500, 1,000 and 2,000 requests per second by default), each latency from the request's intended send time
 * ({@link OpenLoop}, recorded in an HdrHistogram), so that a stall is charged to every request it delayed.
 *
 * <p>Two baselines at the same rates in the same run, on the same broker: the {@link BareEndpoint}, registered into
 * the same gateway server (same Tomcat, servlet filters and Spring MVC; no relops work) doing the same {@code
 * acks=all} send of a record of the same size; and a raw {@code KafkaProducer} ({@code acks=all}, {@code linger.ms=0},
 * like the gateway's) sending the same encoded event. Also measured: the gateway with an {@code Idempotency-Key} on
 * every request. Each phase prints sent, accepted, errors, p50/p90/p99/p99.9/max, the accepted rate and its ratio to
 * the bare endpoint's, and the CPU per accepted request (the process, and the gateway's Tomcat threads alone).
 *
 * <p>Targets ({@link BenchmarkTargets}): at 2,000 req/s, the gateway's p99 ≤ 50 ms and its accepted rate ≥ 0.5 × the
 * bare endpoint's.
 *
 * <pre>benchmarks/run gateway io.relops.benchmarks.gateway.ReleaseRequestBenchmark [--rates=500,1000,2000]
 *     [--seconds=10] [--warmup=20] [--connections=100] [--phases=bare,gateway,idempotent,raw]
 *     [--app:some.gateway.property=value ...]</pre>
 */
public final class ReleaseRequestBenchmark {

    private static final String TOKEN = TestCredentials.token("operator");
    private static final double TARGET_RATE = 2_000;
    private static final double TARGET_P99_MS = 50;
    private static final double TARGET_RATIO_TO_BARE = 0.5;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static final String GATEWAY = "gateway POST /api/releases";
    private static final String IDEMPOTENT = "gateway POST, Idempotency-Key";
    private static final String BARE = "bare endpoint, same server";
    private static final String RAW = "raw KafkaProducer";

    /** One phase's outcome with the CPU the process and the gateway's request threads spent on it. */
    private record Phase(
            String name,
            double rate,
            OpenLoop.Outcome outcome,
            double cpuSeconds,
            double tomcatSeconds,
            long databaseCommits) {

        double cpuMsPerAccepted(double seconds) {
            return seconds * 1000 / Math.max(1, outcome.accepted());
        }
    }

    public static void main(String[] args) throws Exception {
        double[] rates = Arrays.stream(
                        stringArg(args, "--rates=", "500,1000,2000").split(","))
                .mapToDouble(Double::parseDouble)
                .toArray();
        int seconds = intArg(args, "--seconds=", 10);
        int warmup = intArg(args, "--warmup=", 20);
        int connections = intArg(args, "--connections=", 100);
        // a subset of the phases, e.g. --phases=gateway for a profile of the gateway alone (the targets need both
        // the gateway and the bare endpoint)
        List<String> only = List.of(
                stringArg(args, "--phases=", "bare,gateway,idempotent,raw").split(","));
        // one keep-alive connection per client thread (HttpURLConnection keeps 5 per host by default)
        System.setProperty("http.maxConnections", Integer.toString(connections));
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
        System.out.printf("relops benchmark: POST /api/releases through gateway-service (acks=all), open loop,"
                + " beside a bare endpoint on the same server and a raw KafkaProducer%n");
        System.out.printf(
                "machine: %d cores, %s, java %s, %s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                System.getProperty("java.version"),
                Instant.now());
        System.out.printf(
                "rates: %s req/s, %d s per phase after %d s warm-up, %d connections (latency from each request's"
                        + " intended send time)%n",
                Arrays.toString(rates), seconds, warmup, connections);
        System.out.printf("load average at start: %s%n", loadAverage());

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
        UUID someRelease = UUID.randomUUID();
        byte[] answer = ("{\"releaseId\":\"" + someRelease
                        + "\",\"status\":\"REQUESTED\",\"application\":\"bench-app\",\"version\":\"1.0.0\","
                        + "\"environment\":\"bench\",\"url\":\"/api/releases/" + someRelease + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        String topic = topics.release();
        List<Phase> phases = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = rawProducer();
                KafkaProducer<byte[], byte[]> bareProducer = rawProducer();
                ConfigurableApplicationContext gateway = new SpringApplicationBuilder(GatewayServiceApplication.class)
                        .initializers(context -> context.getBeanFactory()
                                .registerSingleton(
                                        "benchmarkBareEndpoint",
                                        new BareEndpoint(bareProducer, topic, encoded, answer)))
                        .run(topics.serviceArgs(Postgres.freshDatabase("gateway_bench"), gatewayArgs(args, catalog)))) {
            int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
            JdbcClient database = JdbcClient.create(gateway.getBean(DataSource.class));
            URL releases =
                    URI.create("http://127.0.0.1:" + port + "/api/releases").toURL();
            URL bare =
                    URI.create("http://127.0.0.1:" + port + BareEndpoint.PATH).toURL();
            byte[] body = "{\"application\":\"bench-app\",\"version\":\"1.0.0\",\"environment\":\"bench\"}"
                    .getBytes(StandardCharsets.UTF_8);
            String run = UUID.randomUUID().toString();

            OpenLoop.Call viaGateway = sequence -> post(releases, body, null);
            OpenLoop.Call viaBare = sequence -> post(bare, body, null);
            OpenLoop.AsyncCall raw = (sequence, done) -> {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, encoded.key(), encoded.value());
                encoded.headers().forEach((name, value) -> record.headers().add(name, value));
                producer.send(record, (metadata, failure) -> done.accept(failure));
            };
            double top = Arrays.stream(rates).max().orElse(TARGET_RATE);
            AtomicLong keys = new AtomicLong(); // a new key for every request of every phase
            OpenLoop.Call withKey = sequence -> post(releases, body, run + "-" + keys.incrementAndGet());
            System.out.printf("warm-up: %s, %d s each ...%n", only, warmup);
            if (only.contains("gateway")) {
                OpenLoop.blocking(viaGateway, top, warmup, connections);
            }
            if (only.contains("bare")) {
                OpenLoop.blocking(viaBare, top, warmup, connections);
            }
            if (only.contains("idempotent")) {
                OpenLoop.blocking(withKey, top / 2, warmup / 2 + 1, connections);
            }
            if (only.contains("raw")) {
                OpenLoop.async(raw, top, Math.max(2, warmup / 2));
            }
            for (double rate : rates) {
                if (only.contains("bare")) {
                    phases.add(measure(
                            database, BARE, rate, () -> OpenLoop.blocking(viaBare, rate, seconds, connections)));
                }
                if (only.contains("gateway")) {
                    phases.add(measure(
                            database, GATEWAY, rate, () -> OpenLoop.blocking(viaGateway, rate, seconds, connections)));
                }
                if (only.contains("idempotent")) {
                    phases.add(measure(
                            database, IDEMPOTENT, rate, () -> OpenLoop.blocking(withKey, rate, seconds, connections)));
                }
                if (only.contains("raw")) {
                    phases.add(measure(database, RAW, rate, () -> OpenLoop.async(raw, rate, seconds)));
                }
            }
        } finally {
            Files.deleteIfExists(catalog);
        }
        report(phases);
        System.out.printf(
                "load average at end: %s (cores: %d)%n",
                loadAverage(), Runtime.getRuntime().availableProcessors());

        BenchmarkTargets targets = new BenchmarkTargets();
        Phase gatewayAtTarget = find(phases, GATEWAY, TARGET_RATE);
        Phase bareAtTarget = find(phases, BARE, TARGET_RATE);
        if (gatewayAtTarget == null || bareAtTarget == null) {
            targets.check(
                    "gateway p99 <= 50 ms and accepted >= 0.5 x bare at 2,000 req/s",
                    false,
                    "not measured: --rates has no 2000");
        } else {
            targets.atMost(
                    "gateway POST /api/releases p99 at 2,000 req/s (open loop, from the intended send time)",
                    gatewayAtTarget.outcome().percentileMs(99),
                    TARGET_P99_MS,
                    "ms");
            targets.atLeast(
                    "gateway accepted rate / bare endpoint's at 2,000 req/s",
                    gatewayAtTarget.outcome().acceptedRate()
                            / bareAtTarget.outcome().acceptedRate(),
                    TARGET_RATIO_TO_BARE,
                    "x");
        }
        targets.exit();
    }

    private interface Run {
        OpenLoop.Outcome run() throws InterruptedException;
    }

    private static Phase measure(JdbcClient database, String name, double rate, Run run) throws InterruptedException {
        System.out.printf("%s at %.0f req/s ... (load average %s)%n", name, rate, loadAverage());
        long commitsBefore = commits(database);
        long cpuBefore = processCpuNanos();
        Map<Long, Long> tomcatBefore = tomcatThreadCpu();
        OpenLoop.Outcome outcome = run.run();
        double cpu = (processCpuNanos() - cpuBefore) / 1e9;
        long tomcat = 0;
        for (Map.Entry<Long, Long> thread : tomcatThreadCpu().entrySet()) {
            tomcat += thread.getValue() - tomcatBefore.getOrDefault(thread.getKey(), 0L);
        }
        return new Phase(name, rate, outcome, cpu, tomcat / 1e9, commits(database) - commitsBefore);
    }

    /**
     * Transactions committed in the gateway's database so far (PostgreSQL's statistics, which a backend reports
     * within a second; the outbox relay's sweep and this query add about one a second).
     */
    private static long commits(JdbcClient database) {
        try {
            Thread.sleep(1_000); // let the backends report the last phase's commits
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Long commits = database.sql("select xact_commit from pg_stat_database where datname = current_database()")
                .query(Long.class)
                .single();
        return commits == null ? 0 : commits;
    }

    private static void report(List<Phase> phases) {
        System.out.printf(
                "%n%5s %-30s %7s %8s %6s %6s %8s %6s %7s %7s %7s %8s %8s | %6s %6s %7s%n",
                "rate",
                "",
                "sent",
                "accepted",
                "errors",
                "unsent",
                "acc/s",
                "x bare",
                "p50 ms",
                "p90 ms",
                "p99 ms",
                "p99.9 ms",
                "max ms",
                "CPU ms",
                "tomcat",
                "commits");
        for (Phase phase : phases) {
            OpenLoop.Outcome outcome = phase.outcome();
            Phase bare = find(phases, BARE, phase.rate());
            double ratio = bare == null
                    ? Double.NaN
                    : outcome.acceptedRate() / bare.outcome().acceptedRate();
            System.out.printf(
                    "%5.0f %-30s %7d %8d %6d %6d %8.0f %6.2f %7.1f %7.1f %7.1f %8.1f %8.1f | %6.3f %6.3f %7.2f%n",
                    phase.rate(),
                    phase.name(),
                    outcome.sent(),
                    outcome.accepted(),
                    outcome.errors(),
                    outcome.unsent(),
                    outcome.acceptedRate(),
                    ratio,
                    outcome.percentileMs(50),
                    outcome.percentileMs(90),
                    outcome.percentileMs(99),
                    outcome.percentileMs(99.9),
                    outcome.maxMs(),
                    phase.cpuMsPerAccepted(phase.cpuSeconds()),
                    phase.cpuMsPerAccepted(phase.tomcatSeconds()),
                    (double) phase.databaseCommits()
                            / Math.max(1, phase.outcome().accepted()));
        }
        System.out.printf("sent = requests issued (the schedule's due requests minus unsent); latency from each"
                + " request's intended send time; acc/s = accepted per second until the last answer; x bare = that"
                + " rate over the bare endpoint's at the same rate; CPU ms = process CPU time per accepted request"
                + " (client, gateway, broker, GC: all in this JVM); tomcat = the gateway's request threads"
                + " (http-nio-*) alone; commits = PostgreSQL commits in the gateway's database per accepted request%n");
    }

    private static Phase find(List<Phase> phases, String name, double rate) {
        return phases.stream()
                .filter(phase -> phase.name().equals(name) && phase.rate() == rate)
                .findFirst()
                .orElse(null);
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

    /** CPU nanoseconds of each live Tomcat request thread (http-nio-*). */
    private static Map<Long, Long> tomcatThreadCpu() {
        Map<Long, Long> cpu = new HashMap<>();
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("http-nio-")) {
                long nanos = THREADS.getThreadCpuTime(info.getThreadId());
                if (nanos >= 0) {
                    cpu.put(info.getThreadId(), nanos);
                }
            }
        }
        return cpu;
    }

    /** One POST on a pooled keep-alive connection; returns when answered 202, else throws. */
    private static void post(URL url, byte[] body, String idempotencyKey) throws IOException {
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
        if (status != 202) {
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
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static String stringArg(String[] args, String prefix, String fallback) {
        for (String arg : args) {
            if (arg.startsWith(prefix)) {
                return arg.substring(prefix.length());
            }
        }
        return fallback;
    }

    private static int intArg(String[] args, String prefix, int fallback) {
        return Integer.parseInt(stringArg(args, prefix, Integer.toString(fallback)));
    }
}
