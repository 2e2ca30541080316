package io.relops.benchmarks.deploy;

import io.relops.common.event.DeploymentReady;
import io.relops.common.event.HealthFailed;
import io.relops.common.event.ReleaseRequested;
import io.relops.common.event.RelopsEvent;
import io.relops.common.event.RollbackCompleted;
import io.relops.deploy.DeployServiceApplication;
import io.relops.testkit.BenchmarkTargets;
import io.relops.testkit.EventStream;
import io.relops.testkit.Postgres;
import io.relops.testkit.ReleaseDriver;
import io.relops.testkit.RelopsTopics;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code health.failed} → {@code rollback.completed}: how fast deploy-service rolls a release back,
 * with an {@link InstantTarget} so that only relops is measured (consume, decide and record in one
 * transaction, run the rollback task, publish through the outbox). Beside it, in the same run and
 * on the same broker, the raw Kafka round trip: one record produced and seen by a consumer. The
 * relops path has two such hops plus two database transactions.
 *
 * <pre>benchmarks/run deploy io.relops.benchmarks.deploy.RollbackReactionBenchmark [--runs=1000] [--warmup=50]</pre>
 */
public final class RollbackReactionBenchmark {

    private static final URI SOURCE = URI.create("/relops/benchmark");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long TARGET_P99_MS = 100;

    public static void main(String[] args) throws IOException {
        int runs = intArg(args, "--runs=", 1000);
        int warmup = intArg(args, "--warmup=", 50);
        RelopsTopics topics = RelopsTopics.unique("bench");
        String rawTopic = "bench.raw." + UUID.randomUUID();
        Path catalog = Files.createTempFile("relops-bench-catalog", ".yml");
        Files.writeString(catalog, """
                relops:
                  applications:
                    bench-app:
                      environments:
                        bench:
                          approval:
                            required: false
                      strategy: blue-green
                      target:
                        type: instant
                      blue-green:
                        keep-previous: 60s
                        drain: 2s
                """);
        System.out.printf("relops benchmark: health.failed -> rollback.completed (deploy-service, instant target)%n");
        System.out.printf(
                "machine: %d cores, %s, java %s, %s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                System.getProperty("java.version"),
                Instant.now());
        BenchmarkTargets targets = new BenchmarkTargets();
        try (EventStream events = EventStream.watching(topics.release(), topics.health(), rawTopic);
                ConfigurableApplicationContext deploy = new SpringApplicationBuilder(
                                DeployServiceApplication.class, InstantTarget.class)
                        .run(topics.serviceArgs(
                                Postgres.freshDatabase("deploy_bench"),
                                "--RELOPS_CATALOG=" + catalog,
                                "--logging.level.root=WARN"))) {
            ReleaseDriver releases = new ReleaseDriver(events, topics, "bench", WAIT);
            releases.establish("bench-app", "1.0.0"); // a live version to roll back to

            long cpuBefore = processCpuNanos();
            long[] relops = new long[runs];
            long[] raw = new long[runs];
            for (int i = -warmup; i < runs; i++) {
                UUID release = releases.request("bench-app", "2.0." + (i + warmup));
                DeploymentReady canary = releases.awaitReady(release);
                RelopsEvent<HealthFailed> failed = RelopsEvent.of(
                        SOURCE,
                        new HealthFailed(
                                release,
                                "bench-app",
                                "bench",
                                canary.version(),
                                canary.slot(),
                                null,
                                "benchmark",
                                ReleaseDriver.evidence(false)));
                long start = System.nanoTime();
                events.publish(topics.health(), failed);
                RelopsEvent<RollbackCompleted> done =
                        events.await(RollbackCompleted.class, e -> e.releaseId().equals(release), WAIT);
                long reaction = events.seenAt(done).orElseThrow() - start;

                RelopsEvent<ReleaseRequested> probe = RelopsEvent.of(
                        SOURCE,
                        new ReleaseRequested(
                                UUID.randomUUID(), "raw-probe", "1.0.0", "bench", null, "bench", null, null));
                long rawStart = System.nanoTime();
                events.publish(rawTopic, probe);
                events.await(
                        ReleaseRequested.class,
                        e -> e.releaseId().equals(probe.data().releaseId()),
                        WAIT);
                long roundTrip = events.seenAt(probe).orElseThrow() - rawStart;
                if (i >= 0) {
                    relops[i] = reaction;
                    raw[i] = roundTrip;
                }
                if ((i + warmup + 1) % 100 == 0) {
                    System.out.printf("  %d/%d runs%n", i + warmup + 1, runs + warmup);
                }
            }
            double cpuSeconds = (processCpuNanos() - cpuBefore) / 1e9;
            System.out.printf(
                    "%nruns: %d (after %d warm-up runs); process CPU during the runs: %.1f s%n",
                    runs, warmup, cpuSeconds);
            System.out.printf("%-46s %8s %8s %8s %8s%n", "", "p50 ms", "p90 ms", "p99 ms", "max ms");
            print("relops: health.failed -> rollback.completed", relops);
            print("raw Kafka round trip (produce -> consumed)", raw);
            System.out.println();
            targets.atMost("health.failed -> rollback.completed p99", percentile(relops, 99), TARGET_P99_MS, "ms");
        } finally {
            Files.deleteIfExists(catalog);
        }
        targets.exit(); // also ends the broker's threads
    }

    private static void print(String name, long[] nanos) {
        System.out.printf(
                "%-46s %8.1f %8.1f %8.1f %8.1f%n",
                name, percentile(nanos, 50), percentile(nanos, 90), percentile(nanos, 99), percentile(nanos, 100));
    }

    private static double percentile(long[] nanos, double p) {
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
