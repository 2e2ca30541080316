package io.relops.benchmarks.controlplane;

import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.EncodedEvent;
import io.relops.common.event.DeploymentFailed;
import io.relops.common.event.EventData;
import io.relops.common.event.HealthFailed;
import io.relops.common.event.HealthInconclusive;
import io.relops.common.event.ReleaseCompleted;
import io.relops.common.event.ReleaseRequested;
import io.relops.common.event.RelopsEvent;
import io.relops.common.event.RollbackCompleted;
import io.relops.common.event.RollbackFailed;
import io.relops.testkit.BenchmarkTargets;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import io.relops.testkit.RelopsTopics;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
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

/**
 * The control plane's own overhead: releases with an instant target and an instant probe, from {@code
 * release.requested} (published as the gateway does, {@code acks=all}, in a trace of its own) to {@code
 * release.completed} seen on the topic, with 1, 10 and 100 applications releasing at once. deploy-service (with the
 * {@link InstantTarget}) and healthcheck-service (its runnable jar, unchanged) run as their own JVM processes on the
 * testkit's broker and database, each with its own schema; healthcheck-service really probes every new slot over
 * HTTP ({@link ProbeServer} answers at once) and decides with one passing round. Nothing else waits: what is
 * measured is consuming, deciding, recording, the outbox relay, the task queue and the Kafka hops between them.
 *
 * <p>Each release's time is broken down per hop from its trace: both services export their spans over OTLP to
 * the benchmark ({@link SpanCollector}), and each span's start is placed on the release's time line (the same
 * machine's clock). Beside it, in the same run, the raw Kafka round trip on the same broker (produce, {@code
 * acks=all} → consumed): on a release's path are four such hops (requested, ready, verified, completed).
 *
 * <pre>benchmarks/run controlplane io.relops.benchmarks.controlplane.ControlPlaneBenchmark [--releases=200]
 *     [--levels=1,10,100] [--warmup=30] [--all-spans]</pre>
 *
 * {@code --all-spans} also prints every span of the traces by its median start.
 */
public final class ControlPlaneBenchmark {

    private static final URI SOURCE = URI.create("/relops/benchmark");
    private static final Duration ROUND_TIMEOUT = Duration.ofMinutes(2);
    private static final double TARGET_P99_MS = 1000;
    private static final int TARGET_LEVEL = 100;

    /** A release in flight: when it was requested, its trace, and when its outcome was seen. */
    private static final class Pending {
        final String traceId;
        final long requestedNanos;
        final CountDownLatch done;
        volatile long completedNanos;
        volatile String failure;
        final Map<String, Long> seen = new ConcurrentHashMap<>();

        Pending(String traceId, long requestedNanos, CountDownLatch done) {
            this.traceId = traceId;
            this.requestedNanos = requestedNanos;
            this.done = done;
        }
    }

    private final Map<UUID, Pending> pending = new ConcurrentHashMap<>();
    /** nanoTime → epoch nanoseconds (the spans' clock). */
    private final long anchorNanos = System.nanoTime();

    private final Instant anchorInstant = Instant.now();

    public static void main(String[] args) {
        try {
            new ControlPlaneBenchmark().run(args);
        } catch (Exception | AssertionError e) {
            // a crash, not a miss: the broker's threads would keep the JVM alive
            e.printStackTrace();
            System.exit(2);
        }
    }

    private void run(String[] args) throws Exception {
        int releases = intArg(args, "--releases=", 200);
        int warmup = intArg(args, "--warmup=", 30);
        int[] levels = Arrays.stream(stringArg(args, "--levels=", "1,10,100").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        int apps = Arrays.stream(levels).max().orElse(1);
        System.out.printf(
                "relops benchmark: control-plane overhead, release.requested -> release.completed (deploy-service +"
                        + " healthcheck-service as processes, instant target, instant probe)%n");
        System.out.printf(
                "machine: %d cores, %s, java %s, %s; load average %s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                System.getProperty("java.version"),
                Instant.now(),
                loadAverage());

        RelopsTopics topics = RelopsTopics.unique("bench");
        Path catalog = Files.createTempFile("relops-bench-catalog", ".yml");
        Files.writeString(catalog, catalog(apps));
        String bootstrap = Kafka.bootstrapServers();
        BenchmarkTargets targets = new BenchmarkTargets();
        try (SpanCollector spans = new SpanCollector();
                ProbeServer probes = new ProbeServer();
                KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            List<String> common = List.of(
                    "--RELOPS_CATALOG=" + catalog,
                    "--relops.benchmark.probe-endpoint=" + probes.endpoint(),
                    "--management.opentelemetry.tracing.export.otlp.endpoint=" + spans.endpoint(),
                    // every span of the run, exported promptly (the defaults drop spans beyond 2,048 queued)
                    "--management.opentelemetry.tracing.export.schedule-delay=500ms",
                    "--management.opentelemetry.tracing.export.max-queue-size=1000000",
                    "--logging.level.root=WARN");
            List<String> jvm = List.of("-Xmx512m", "-XX:+ExitOnOutOfMemoryError");
            System.out.printf("starting deploy-service and healthcheck-service ...%n");
            try (ServiceProcess deploy = ServiceProcess.start(
                            "deploy-service",
                            jvm,
                            List.of("-cp", deployClasspath(), InstantDeployService.class.getName()),
                            serviceArgs(topics, Postgres.freshDatabase("bench_cp_deploy"), common));
                    ServiceProcess healthcheck = ServiceProcess.start(
                            "healthcheck-service",
                            jvm,
                            List.of("-jar", healthcheckJar().toString()),
                            serviceArgs(topics, Postgres.freshDatabase("bench_cp_health"), common))) {
                deploy.awaitReady();
                healthcheck.awaitReady();
                Thread watcher = watch(bootstrap, topics);
                String rawTopic = "bench.raw." + UUID.randomUUID();
                Thread rawWatcher = watchRaw(bootstrap, rawTopic);

                System.out.printf("warm-up: %d releases (10 at once), not measured%n", warmup);
                long version = 0;
                for (int done = 0; done < warmup; done += Math.min(10, apps)) {
                    round(producer, topics, Math.min(10, apps), version++);
                }

                Map<Integer, Level> results = new LinkedHashMap<>();
                for (int level : levels) {
                    int rounds = (releases + level - 1) / level;
                    long cpuBefore = cpuMillis(deploy, healthcheck);
                    long wallBefore = System.nanoTime();
                    List<Pending> measured = new ArrayList<>();
                    for (int r = 0; r < rounds; r++) {
                        measured.addAll(round(producer, topics, level, version++));
                    }
                    double wallSeconds = (System.nanoTime() - wallBefore) / 1e9;
                    long cpu = cpuMillis(deploy, healthcheck) - cpuBefore;
                    results.put(level, new Level(level, rounds, measured, wallSeconds, cpu, loadAverage()));
                    System.out.printf(
                            "  %3d at once: %d releases in %.1f s (load average %s)%n",
                            level, measured.size(), wallSeconds, loadAverage());
                }

                long[] raw = rawRoundTrips(producer, rawTopic, releases);
                awaitSpans(spans);

                report(results, spans, raw, Arrays.asList(args).contains("--all-spans"));
                Level atTarget = results.get(TARGET_LEVEL);
                if (atTarget == null) {
                    targets.none("no run at " + TARGET_LEVEL + " at once (--levels)");
                } else {
                    targets.atMost(
                            "request -> completed p99 at " + TARGET_LEVEL + " releases at once",
                            atTarget.latency().getValueAtPercentile(99) / 1000.0,
                            TARGET_P99_MS,
                            "ms");
                }
                open = false;
                watcher.join(5_000);
                rawWatcher.join(5_000);
            }
        } finally {
            Files.deleteIfExists(catalog);
        }
        targets.exit(); // after the services have stopped
    }

    // ---- the releases

    /** {@code count} applications each request one release at once; returns when all have completed. */
    private List<Pending> round(KafkaProducer<byte[], byte[]> producer, RelopsTopics topics, int count, long version)
            throws InterruptedException {
        CountDownLatch done = new CountDownLatch(count);
        List<Pending> round = new ArrayList<>();
        for (int app = 0; app < count; app++) {
            UUID release = UUID.randomUUID();
            RelopsEvent<ReleaseRequested> requested = RelopsEvent.of(
                    SOURCE,
                    new ReleaseRequested(
                            release, "app-" + app, "1." + version + ".0", "bench", null, "alice", null, null));
            EncodedEvent encoded = CloudEventCodec.encode(requested, null);
            ProducerRecord<byte[], byte[]> record =
                    new ProducerRecord<>(topics.release(), encoded.key(), encoded.value());
            encoded.headers().forEach((name, value) -> record.headers().add(name, value));
            // the release's trace starts here, as it would at the gateway's POST
            String traceId = randomHex(16);
            record.headers()
                    .add(
                            "traceparent",
                            ("00-" + traceId + "-" + randomHex(8) + "-01").getBytes(StandardCharsets.UTF_8));
            Pending entry = new Pending(traceId, System.nanoTime(), done);
            pending.put(release, entry);
            round.add(entry);
            producer.send(record, (metadata, failure) -> {
                if (failure != null) {
                    entry.failure = "not published: " + failure;
                    done.countDown();
                }
            });
        }
        if (!done.await(ROUND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(done.getCount() + " of " + count + " releases not completed within "
                    + ROUND_TIMEOUT + " (see the services' logs)");
        }
        for (Pending entry : round) {
            if (entry.failure != null) {
                throw new IllegalStateException("a release did not complete: " + entry.failure);
            }
        }
        return round;
    }

    private volatile boolean open = true;

    /** Records when each release's events were seen; counts a release down at its end. */
    private Thread watch(String bootstrap, RelopsTopics topics) {
        KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap);
        consumer.subscribe(List.of(topics.release(), topics.health()));
        Thread thread = new Thread(
                () -> {
                    try (consumer) {
                        while (open) {
                            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                                long seen = System.nanoTime();
                                RelopsEvent<?> event = CloudEventCodec.decode(headers(record), record.value());
                                UUID release = event.data().releaseId();
                                Pending entry = release == null ? null : pending.get(release);
                                if (entry != null) {
                                    seen(entry, event.data(), seen);
                                }
                            }
                        }
                    } catch (WakeupException e) {
                        // closing
                    }
                },
                "release-watcher");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void seen(Pending entry, EventData data, long seen) {
        entry.seen.putIfAbsent(data.getClass().getSimpleName(), seen);
        if (data instanceof ReleaseCompleted) {
            entry.completedNanos = seen;
            entry.done.countDown();
        } else if (data instanceof DeploymentFailed
                || data instanceof HealthFailed
                || data instanceof HealthInconclusive
                || data instanceof RollbackCompleted
                || data instanceof RollbackFailed) {
            if (entry.failure == null) {
                entry.failure = data.toString();
                entry.done.countDown();
            }
        }
    }

    // ---- the raw baseline: one record produced (acks=all) and consumed, on the same broker

    private final Map<String, Long> rawSeen = new ConcurrentHashMap<>();

    private Thread watchRaw(String bootstrap, String topic) {
        KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap);
        consumer.subscribe(List.of(topic));
        Thread thread = new Thread(
                () -> {
                    try (consumer) {
                        while (open) {
                            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                                rawSeen.put(new String(record.key(), StandardCharsets.UTF_8), System.nanoTime());
                            }
                        }
                    }
                },
                "raw-watcher");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private long[] rawRoundTrips(KafkaProducer<byte[], byte[]> producer, String topic, int count)
            throws InterruptedException {
        long[] nanos = new long[count];
        byte[] value = new byte[600];
        for (int i = -20; i < count; i++) {
            String key = UUID.randomUUID().toString();
            long start = System.nanoTime();
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
            long deadline = start + TimeUnit.SECONDS.toNanos(30);
            while (!rawSeen.containsKey(key)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("raw record not consumed within 30 s");
                }
                Thread.sleep(0, 200_000);
            }
            if (i >= 0) {
                nanos[i] = rawSeen.get(key) - start;
            }
        }
        return nanos;
    }

    // ---- the report

    /** One concurrency level's releases. */
    private record Level(
            int atOnce, int rounds, List<Pending> releases, double wallSeconds, long cpuMillis, String load) {

        Histogram latency() {
            Histogram histogram = new Histogram(3);
            releases.forEach(r -> histogram.recordValue((r.completedNanos - r.requestedNanos) / 1000));
            return histogram;
        }
    }

    /** Waits until no more spans arrive (the services export every 500 ms). */
    private static void awaitSpans(SpanCollector spans) throws InterruptedException {
        long before;
        do {
            before = spans.received();
            Thread.sleep(2_000);
        } while (spans.received() != before);
    }

    private void report(Map<Integer, Level> results, SpanCollector spans, long[] raw, boolean allSpans) {
        Map<Integer, List<Histogram>> perHop = new LinkedHashMap<>();
        for (Level level : results.values()) {
            perHop.put(level.atOnce(), hops(level, spans, allSpans));
        }

        System.out.printf("%n== the cost curve per hop (from the trace spans): p50 / p99 ms at N releases at once%n");
        System.out.printf("%-58s", "hop");
        results.keySet().forEach(n -> System.out.printf(" %17s", n + " at once"));
        System.out.println();
        for (int i = 0; i <= MILESTONES.size(); i++) {
            System.out.printf("%-58s", hopName(i));
            for (List<Histogram> hops : perHop.values()) {
                Histogram h = hops.get(i);
                System.out.printf(
                        " %8.1f /%7.1f", h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0);
            }
            System.out.println();
        }

        System.out.printf("%n== request -> completed (ms), measured by the benchmark's own clock%n");
        System.out.printf(
                "%-8s %9s %8s %8s %8s %8s %8s %11s  %s%n",
                "at once", "releases", "p50", "p90", "p99", "max", "rel./s", "CPU ms/rel.", "load average after");
        for (Level level : results.values()) {
            Histogram h = level.latency();
            System.out.printf(
                    "%-8d %9d %8.1f %8.1f %8.1f %8.1f %8.1f %11.1f  %s%n",
                    level.atOnce(),
                    level.releases().size(),
                    h.getValueAtPercentile(50) / 1000.0,
                    h.getValueAtPercentile(90) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0,
                    h.getMaxValue() / 1000.0,
                    level.releases().size() / level.wallSeconds(),
                    level.cpuMillis() / (double) level.releases().size(),
                    level.load());
        }
        Histogram rawHistogram = new Histogram(3);
        Arrays.stream(raw).forEach(n -> rawHistogram.recordValue(n / 1000));
        System.out.printf(
                "%-8s %9d %8.1f %8.1f %8.1f %8.1f  raw Kafka round trip (produce acks=all -> consumed), same broker%n",
                "raw",
                raw.length,
                rawHistogram.getValueAtPercentile(50) / 1000.0,
                rawHistogram.getValueAtPercentile(90) / 1000.0,
                rawHistogram.getValueAtPercentile(99) / 1000.0,
                rawHistogram.getMaxValue() / 1000.0);
        System.out.printf(
                "(CPU: deploy-service + healthcheck-service processes over the level's wall time, idle work included)%n");
    }

    private static String hopName(int i) {
        return i < MILESTONES.size() ? MILESTONES.get(i).hop() : "release.completed: Kafka -> the benchmark's consumer";
    }

    /**
     * A point on a release's path: the start of the {@code occurrence}-th span named {@code span} of {@code service}
     * in the release's trace (spans of one service and name ordered by start). The outbox relay's spans are the
     * events leaving in commit order (deployment.started, deployment.ready, traffic.shifted, release.completed);
     * healthcheck-service consumes every release event (requested, started, ready, ...) on one partition, in order.
     */
    private record Milestone(String hop, String service, String span, int occurrence) {}

    private static final List<Milestone> MILESTONES = List.of(
            new Milestone(
                    "release.requested: Kafka -> deploy's consumer", "deploy-service", "onReleaseEvent process", 1),
            new Milestone("deploy: record, queue -> DEPLOY call leased", "deploy-service", "release task DEPLOY", 1),
            new Milestone(
                    "deploy: DEPLOY call, record -> deployment.ready relayed", "deploy-service", "outbox publish", 2),
            new Milestone(
                    "deployment.ready: Kafka -> healthcheck's consumer",
                    "healthcheck-service",
                    "onReleaseEvent process",
                    3),
            new Milestone("healthcheck: record run -> first probe round", "healthcheck-service", "health round", 1),
            new Milestone(
                    "healthcheck: probe, verdict -> health.verified relayed",
                    "healthcheck-service",
                    "outbox publish",
                    1),
            new Milestone("health.verified: Kafka -> deploy's consumer", "deploy-service", "onHealthEvent process", 1),
            new Milestone("deploy: record, queue -> SHIFT call leased", "deploy-service", "release task SHIFT", 1),
            new Milestone(
                    "deploy: SHIFT call, record -> traffic.shifted relayed", "deploy-service", "outbox publish", 3),
            new Milestone("deploy: release.completed relayed", "deploy-service", "outbox publish", 4));

    /**
     * Per hop, from the spans: each release's time from the request to release.completed seen, cut at the
     * {@link #MILESTONES}; a hop's time is the difference between two consecutive milestones of the same release.
     */
    private List<Histogram> hops(Level level, SpanCollector spans, boolean allSpans) {
        int hops = MILESTONES.size() + 1;
        List<Histogram> perHop = new ArrayList<>();
        for (int i = 0; i < hops; i++) {
            perHop.add(new Histogram(3));
        }
        int traced = 0;
        Map<String, Histogram> offsets = new LinkedHashMap<>();
        for (Pending release : level.releases()) {
            long requested = epochNanos(release.requestedNanos);
            long completed = epochNanos(release.completedNanos);
            List<SpanCollector.Span> trace = new ArrayList<>(spans.trace(release.traceId));
            trace.removeIf(span -> span.startEpochNanos() > completed);
            trace.sort(Comparator.comparingLong(SpanCollector.Span::startEpochNanos));
            Map<String, Integer> occurrences = new HashMap<>();
            Map<String, Long> starts = new HashMap<>();
            for (SpanCollector.Span span : trace) {
                String name = span.service() + ": " + span.name();
                int n = occurrences.merge(name, 1, Integer::sum);
                String key = name + " #" + n;
                starts.put(key, span.startEpochNanos());
                offsets.computeIfAbsent(key, k -> new Histogram(3))
                        .recordValue(Math.max(0, span.startEpochNanos() - requested) / 1000);
            }
            long[] points = new long[hops + 1];
            points[0] = requested;
            points[hops] = completed;
            boolean whole = true;
            for (int i = 0; i < MILESTONES.size(); i++) {
                Milestone m = MILESTONES.get(i);
                Long at = starts.get(m.service() + ": " + m.span() + " #" + m.occurrence());
                whole &= at != null;
                points[i + 1] = at == null ? -1 : at;
            }
            if (!whole) {
                continue;
            }
            traced++;
            for (int i = 0; i < hops; i++) {
                perHop.get(i).recordValue(Math.max(0, points[i + 1] - points[i]) / 1000);
            }
        }
        Histogram total = level.latency();
        System.out.printf(
                "%n== per hop at %d at once (from the trace spans of %d of %d releases; ms)%n",
                level.atOnce(), traced, level.releases().size());
        System.out.printf("%-62s %8s %8s %7s%n", "hop", "p50", "p99", "of p50");
        double sum = 0;
        for (int i = 0; i < hops; i++) {
            String hop = hopName(i);
            double p50 = perHop.get(i).getValueAtPercentile(50) / 1000.0;
            sum += p50;
            System.out.printf(
                    "%-62s %8.1f %8.1f %6.0f%%%n",
                    hop,
                    p50,
                    perHop.get(i).getValueAtPercentile(99) / 1000.0,
                    100 * p50 / (total.getValueAtPercentile(50) / 1000.0));
        }
        System.out.printf(
                "%-62s %8.1f %8.1f%n",
                "request -> completed (sum of the hops' p50 | measured)", sum, total.getValueAtPercentile(50) / 1000.0);
        if (allSpans) {
            System.out.printf("%n   every span, by its median start (ms from the request): p50, p99, count%n");
            offsets.entrySet().stream()
                    .sorted(Comparator.comparingLong(e -> e.getValue().getValueAtPercentile(50)))
                    .forEach(e -> System.out.printf(
                            "   %-66s %8.1f %8.1f %5d%n",
                            e.getKey(),
                            e.getValue().getValueAtPercentile(50) / 1000.0,
                            e.getValue().getValueAtPercentile(99) / 1000.0,
                            e.getValue().getTotalCount()));
        }
        return perHop;
    }

    // ---- plumbing

    private long epochNanos(long nanoTime) {
        return anchorInstant.getEpochSecond() * 1_000_000_000L + anchorInstant.getNano() + (nanoTime - anchorNanos);
    }

    private static String catalog(int apps) {
        StringBuilder yaml = new StringBuilder("relops:\n  applications:\n");
        for (int i = 0; i < apps; i++) {
            yaml.append("    app-").append(i).append(":\n").append("""
                          environments: { bench: { approval: { required: false } } }
                          strategy: blue-green
                          target: { type: instant }
                          health:
                            allowed-hosts: ["127.0.0.1"]
                            initial-delay: 0s
                            interval: 1s
                            successes: 1
                            probes:
                              - name: ready
                                url: "{endpoint}/actuator/health/readiness"
                                json-path: "$.status"
                                json-equals: "UP"
                    """);
        }
        return yaml.toString();
    }

    private static List<String> serviceArgs(RelopsTopics topics, String databaseUrl, List<String> common) {
        List<String> args = new ArrayList<>(Arrays.asList(topics.serviceArgs(databaseUrl)));
        args.removeIf(arg -> arg.startsWith("--server.port=")); // each process gets a port of its own
        args.addAll(common);
        return args;
    }

    /** This JVM's classpath without healthcheck-service's jar (its application.yml and migrations are its own). */
    private static String deployClasspath() {
        return Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(entry -> !Path.of(entry).getFileName().toString().startsWith("healthcheck-service"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    private static Path healthcheckJar() {
        Path jar = Path.of("healthcheck-service", "target", "healthcheck-service-exec.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: run the benchmark with benchmarks/run"
                    + " (it packages healthcheck-service), from the repository's root");
        }
        return jar;
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "bench-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class));
    }

    private static Map<String, byte[]> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, byte[]> headers = new HashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value());
        }
        return headers;
    }

    private static long cpuMillis(ServiceProcess... services) {
        return Arrays.stream(services).mapToLong(s -> s.cpu().toMillis()).sum();
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "n/a";
        }
    }

    private static int intArg(String[] args, String prefix, int fallback) {
        return Integer.parseInt(stringArg(args, prefix, Integer.toString(fallback)));
    }

    private static String stringArg(String[] args, String prefix, String fallback) {
        for (String arg : args) {
            if (arg.startsWith(prefix)) {
                return arg.substring(prefix.length());
            }
        }
        return fallback;
    }
}
