package io.relops.benchmarks.deploy;

import io.relops.deploy.DeployServiceApplication;
import io.relops.testkit.BenchmarkTargets;
import io.relops.testkit.EventStream;
import io.relops.testkit.Postgres;
import io.relops.testkit.ReleaseDriver;
import io.relops.testkit.RelopsTopics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * N applications release at once (default 50), each deploy taking 2 s at the target ({@link SlowTarget}),
 * with deploy-service's default connection pool: how long until every release has its new version ready,
 * beside one release alone in the same run (the baseline: the target's 2 s plus relops' own path). If target
 * calls were bounded by the pool or by a few worker threads, N releases would take N / bound times longer.
 *
 * <pre>benchmarks/run deploy io.relops.benchmarks.deploy.ConcurrentReleasesBenchmark [--apps=50]</pre>
 */
public final class ConcurrentReleasesBenchmark {

    private static final Duration WAIT = Duration.ofMinutes(3);
    /** N releases at once may take at most this many times one release alone. */
    private static final double TARGET_RATIO = 2.0;

    public static void main(String[] args) throws IOException {
        int apps = intArg(args, "--apps=", 50);
        RelopsTopics topics = RelopsTopics.unique("bench");
        Path catalog = Files.createTempFile("relops-bench-catalog", ".yml");
        StringBuilder yaml = new StringBuilder("relops:\n  applications:\n");
        for (int i = 0; i <= apps; i++) {
            yaml.append("    app-")
                    .append(i)
                    .append(":\n")
                    .append("      environments: { bench: { approval: { required: false } } }\n")
                    .append("      target: { type: slow }\n");
        }
        Files.writeString(catalog, yaml);
        System.out.printf(
                "relops benchmark: %d releases at once, each deploy taking %s at the target%n",
                apps, SlowTarget.DEPLOY_TIME);
        System.out.printf(
                "machine: %d cores, %s, java %s, %s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                System.getProperty("java.version"),
                Instant.now());
        BenchmarkTargets targets = new BenchmarkTargets();
        try (EventStream events = EventStream.watching(topics.release());
                ConfigurableApplicationContext deploy = new SpringApplicationBuilder(
                                DeployServiceApplication.class, SlowTarget.class)
                        .run(topics.serviceArgs(
                                Postgres.freshDatabase("deploy_bench"),
                                "--RELOPS_CATALOG=" + catalog,
                                "--logging.level.root=WARN"))) {
            ReleaseDriver releases = new ReleaseDriver(events, topics, "bench", WAIT);
            int pool = deploy.getEnvironment()
                    .getRequiredProperty("spring.datasource.hikari.maximum-pool-size", Integer.class);

            long start = System.nanoTime();
            releases.awaitReady(releases.request("app-0", "1.0.0"));
            double alone = (System.nanoTime() - start) / 1e9;

            SlowTarget.maxInFlight.set(0);
            start = System.nanoTime();
            List<UUID> wide = new ArrayList<>();
            for (int i = 1; i <= apps; i++) {
                wide.add(releases.request("app-" + i, "1.0.0"));
            }
            for (UUID release : wide) {
                releases.awaitReady(release);
            }
            double together = (System.nanoTime() - start) / 1e9;

            System.out.printf(
                    "%nconnection pool: %d; deploy calls in flight at once, at most: %d%n",
                    pool, SlowTarget.maxInFlight.get());
            System.out.printf("%-52s %8s%n", "", "seconds");
            System.out.printf(
                    "%-52s %8.2f%n",
                    "target's own deploy time (raw baseline)", SlowTarget.DEPLOY_TIME.toMillis() / 1000.0);
            System.out.printf("%-52s %8.2f%n", "one release alone: request -> deployment.ready", alone);
            System.out.printf("%-52s %8.2f%n", apps + " releases at once: requests -> all ready", together);
            System.out.printf(
                    "%-52s %8.2f%n",
                    "if bounded by the pool (" + pool + " at a time)",
                    Math.ceil(apps / (double) pool) * SlowTarget.DEPLOY_TIME.toMillis() / 1000.0);
            System.out.println();
            targets.atMost(apps + " releases at once / one alone", together / alone, TARGET_RATIO, "x");
        } finally {
            Files.deleteIfExists(catalog);
        }
        targets.exit(); // also ends the broker's threads
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
