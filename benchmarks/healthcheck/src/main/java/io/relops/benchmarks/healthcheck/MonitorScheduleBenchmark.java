package io.relops.benchmarks.healthcheck;

import com.sun.management.OperatingSystemMXBean;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.relops.healthcheck.HealthcheckServiceApplication;
import io.relops.healthcheck.monitor.MonitorOwnership;
import io.relops.healthcheck.monitor.Monitors;
import io.relops.testkit.BenchmarkTargets;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Continuous monitoring at scale: {@code --endpoints} live applications (500) each probed every
 * {@code --interval-ms} (1000) by healthcheck-service, running in-process against the testkit's
 * broker and PostgreSQL, with a local HTTP server as the target. The figure is the lateness of the
 * probe rounds as the target sees them: for each application, how late each request arrived against
 * its fixed-rate schedule (the earliest-arriving round of the window defines the schedule, so
 * dispatch and HTTP time are included and a skipped round counts as a full interval late). Beside it,
 * in the same run against the same server, the raw baseline: a bare ScheduledExecutorService firing
 * one async JDK HttpClient GET per endpoint per interval. CPU is the process's CPU time over each
 * measured window (it includes the target server and the idle broker, equally in both).
 *
 * <pre>benchmarks/run healthcheck io.relops.benchmarks.healthcheck.MonitorScheduleBenchmark
 *     [--endpoints=500] [--interval-ms=1000] [--seconds=60] [--warmup=15]</pre>
 */
public final class MonitorScheduleBenchmark {

    private static final long TARGET_P99_MS = 100;

    private static final Map<Integer, List<Long>> hits = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        int endpoints = intArg(args, "--endpoints=", 500);
        long intervalMs = intArg(args, "--interval-ms=", 1000);
        int seconds = intArg(args, "--seconds=", 60);
        int warmup = intArg(args, "--warmup=", 15);
        HttpServer server = startTarget();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();

        System.out.println("relops benchmark: monitor schedule of " + endpoints + " endpoints every " + intervalMs
                + " ms (healthcheck-service)");
        System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", java "
                + System.getProperty("java.version") + ", " + Instant.now() + ", load average at start "
                + ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        // the raw baseline: a bare scheduler and HTTP client, same server, same schedule
        Window baseline = baseline(base, endpoints, intervalMs, warmup, seconds);

        // relops: healthcheck-service monitoring the same number of live applications
        Window relops = relops(base, endpoints, intervalMs, warmup, seconds);

        System.out.println();
        System.out.printf(
                "%-38s %10s %10s %10s %10s %12s %14s%n",
                "", "p50 ms", "p99 ms", "max ms", "rounds", "rounds/app", "CPU (1 core)");
        print("raw ScheduledExecutor + HttpClient", baseline, endpoints);
        print("relops healthcheck monitors", relops, endpoints);
        System.out.println();
        System.out.printf(
                "service's own relops.health.monitor.lateness (rolling): p99 %.1f ms, max %.1f ms%n",
                relops.serviceP99Ms, relops.serviceMaxMs);
        System.out.println("load average at end "
                + ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        server.stop(0);
        BenchmarkTargets targets = new BenchmarkTargets();
        targets.atMost(endpoints + " monitors' probe lateness p99", relops.p99(), TARGET_P99_MS, "ms");
        targets.exit(); // also ends the broker's threads
    }

    private static void print(String name, Window w, int endpoints) {
        System.out.printf(
                "%-38s %10d %10d %10d %10d %5d..%-6d %13.1f%%%n",
                name, w.p50(), w.p99(), w.max(), w.lateness.length, w.minRounds, w.maxRounds, w.cpuShare * 100);
    }

    private static HttpServer startTarget() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1000);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            long now = System.nanoTime();
            String[] parts = exchange.getRequestURI().getPath().split("/");
            if (parts.length > 2) {
                hits.computeIfAbsent(Integer.parseInt(parts[2]), i -> new CopyOnWriteArrayList<>())
                        .add(now);
            }
            byte[] body = "{\"status\":\"UP\"}".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static Window baseline(String base, int endpoints, long intervalMs, int warmup, int seconds)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        List<ScheduledFuture<?>> tasks = new ArrayList<>();
        for (int i = 0; i < endpoints; i++) {
            URI uri = URI.create(base + "/raw/" + i + "/health");
            long delay = (long) (Math.random() * intervalMs);
            tasks.add(scheduler.scheduleAtFixedRate(
                    () -> http.sendAsync(
                            HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofMillis(500))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding()),
                    delay,
                    intervalMs,
                    TimeUnit.MILLISECONDS));
        }
        Window window = measure(endpoints, intervalMs, warmup, seconds, null);
        tasks.forEach(task -> task.cancel(false));
        scheduler.shutdown();
        return window;
    }

    private static Window relops(String base, int endpoints, long intervalMs, int warmup, int seconds)
            throws Exception {
        StringBuilder catalog = new StringBuilder("relops:\n  applications:\n");
        for (int i = 0; i < endpoints; i++) {
            catalog.append("    ")
                    .append(app(i))
                    .append(":\n")
                    .append("      health:\n")
                    .append("        allowed-hosts: [127.0.0.1, localhost]\n")
                    .append("        monitor:\n")
                    .append("          interval: ")
                    .append(intervalMs)
                    .append("ms\n")
                    .append("        probes:\n")
                    .append("          - name: health\n")
                    .append("            url: \"{endpoint}/health\"\n")
                    .append("            json-path: \"$.status\"\n")
                    .append("            json-equals: \"UP\"\n")
                    .append("            timeout: 500ms\n");
        }
        Path file = Files.createTempFile("relops-bench-catalog", ".yml");
        Files.writeString(file, catalog);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Postgres.Server db = Postgres.server();
        ConfigurableApplicationContext service = new SpringApplicationBuilder(HealthcheckServiceApplication.class)
                .run(
                        "--server.port=0",
                        "--RELOPS_KAFKA_BOOTSTRAP=" + Kafka.bootstrapServers(),
                        "--RELOPS_DB_URL=" + Postgres.freshDatabase("healthcheck_bench"),
                        "--RELOPS_DB_USER=" + db.username(),
                        "--RELOPS_DB_PASSWORD=" + db.password(),
                        "--RELOPS_CATALOG=" + file,
                        "--relops.topics.release=bench.release." + suffix,
                        "--relops.topics.health=bench.health." + suffix,
                        "--logging.level.io.relops.healthcheck.monitor=WARN");
        try {
            // the live slots, as release.completed would have recorded them
            try (Connection connection = service.getBean(DataSource.class).getConnection();
                    PreparedStatement insert = connection.prepareStatement(
                            "insert into live_slot (application, environment, release_id, version, slot, endpoint)"
                                    + " values (?, 'bench', ?, '1.0.0', 'blue', ?)")) {
                for (int i = 0; i < endpoints; i++) {
                    insert.setString(1, app(i));
                    insert.setObject(2, UUID.randomUUID());
                    insert.setString(3, base + "/relops/" + i);
                    insert.addBatch();
                }
                insert.executeBatch();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot record the live slots", e);
            }
            Monitors monitors = service.getBean(Monitors.class);
            MonitorOwnership ownership = service.getBean(MonitorOwnership.class);
            monitors.refreshSoon();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (monitors.scheduled().size() < endpoints || ownership.held().size() < 16) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "monitors not scheduled: " + monitors.scheduled().size());
                }
                Thread.sleep(100);
            }
            return measure(endpoints, intervalMs, warmup, seconds, monitors);
        } finally {
            service.close();
        }
    }

    private static Window measure(int endpoints, long intervalMs, int warmup, int seconds, Monitors monitors)
            throws InterruptedException {
        Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
        hits.clear();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        long wallBefore = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        long cpu = os.getProcessCpuTime() - cpuBefore;
        long wall = System.nanoTime() - wallBefore;
        Map<Integer, List<Long>> seen = Map.copyOf(hits);
        List<Long> lateness = new ArrayList<>();
        int minRounds = Integer.MAX_VALUE;
        int maxRounds = 0;
        long intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        for (int i = 0; i < endpoints; i++) {
            List<Long> times = seen.getOrDefault(i, List.of()).stream().sorted().toList();
            minRounds = Math.min(minRounds, times.size());
            maxRounds = Math.max(maxRounds, times.size());
            long schedule = Long.MAX_VALUE;
            for (int k = 0; k < times.size(); k++) {
                schedule = Math.min(schedule, times.get(k) - k * intervalNanos);
            }
            for (int k = 0; k < times.size(); k++) {
                lateness.add(TimeUnit.NANOSECONDS.toMillis(times.get(k) - k * intervalNanos - schedule));
            }
        }
        long[] sorted = lateness.stream().mapToLong(Long::longValue).sorted().toArray();
        Window window = new Window(sorted, minRounds, maxRounds, cpu / (double) wall);
        if (monitors != null) {
            for (ValueAtPercentile p : monitors.lateness().takeSnapshot().percentileValues()) {
                if (p.percentile() == 0.99) {
                    window.serviceP99Ms = p.value(TimeUnit.MILLISECONDS);
                }
            }
            window.serviceMaxMs = monitors.lateness().max(TimeUnit.MILLISECONDS);
        }
        return window;
    }

    private static String app(int i) {
        return String.format("bench-%03d", i);
    }

    private static final class Window {
        final long[] lateness;
        final int minRounds;
        final int maxRounds;
        final double cpuShare;
        double serviceP99Ms = Double.NaN;
        double serviceMaxMs = Double.NaN;

        Window(long[] lateness, int minRounds, int maxRounds, double cpuShare) {
            this.lateness = lateness;
            this.minRounds = minRounds;
            this.maxRounds = maxRounds;
            this.cpuShare = cpuShare;
        }

        long percentile(double p) {
            if (lateness.length == 0) {
                return -1;
            }
            return lateness[Math.min(lateness.length - 1, (int) Math.ceil(p * lateness.length) - 1)];
        }

        long p50() {
            return percentile(0.50);
        }

        long p99() {
            return percentile(0.99);
        }

        long max() {
            return lateness.length == 0 ? -1 : lateness[lateness.length - 1];
        }
    }

    private static int intArg(String[] args, String prefix, int fallback) {
        return Arrays.stream(args)
                .filter(arg -> arg.startsWith(prefix))
                .map(arg -> Integer.parseInt(arg.substring(prefix.length())))
                .findFirst()
                .orElse(fallback);
    }
}
