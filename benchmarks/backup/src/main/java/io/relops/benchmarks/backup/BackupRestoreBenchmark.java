package io.relops.benchmarks.backup;

import io.relops.backup.BackupServiceApplication;
import io.relops.backup.lifecycle.BackupRecord;
import io.relops.backup.lifecycle.BackupRepository;
import io.relops.backup.lifecycle.BackupStatus;
import io.relops.backup.lifecycle.Backups;
import io.relops.backup.lifecycle.RestoreRecord;
import io.relops.backup.lifecycle.RestoreStatus;
import io.relops.testkit.BenchmarkTargets;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Backup and restore of a ~1 GB PostgreSQL database through backup-service (in-process, real Kafka and PostgreSQL:
 * pg_dump piped through the service with SHA-256, stored, then hash-checked and pg_restore'd), beside raw {@code
 * pg_dump -Fc} + {@code pg_restore} of the same database in the same run. Target: relops / raw ≤ 1.2.
 *
 * <p>Args: {@code --rows=N} (default 3,600,000 ≈ 1 GB), {@code --rounds=N} (default 1). The database is generated
 * with SQL on the testkit's PostgreSQL (localhost:5432) and dropped afterwards.
 */
public final class BackupRestoreBenchmark {

    /** relops' backup + restore may take at most this many times raw pg_dump + pg_restore of the same database. */
    private static final double TARGET_RATIO = 1.2;

    public static void main(String[] args) throws Exception {
        long rows = Long.parseLong(arg(args, "rows", "3600000"));
        int rounds = Integer.parseInt(arg(args, "rounds", "1"));
        Postgres.Server server = Postgres.server();
        String database = "relops_bench_backup_" + UUID.randomUUID().toString().substring(0, 8);
        String catalog = database + "_catalog";
        int major = PgTools.requireServerMajor(server);
        System.out.println("PostgreSQL " + major + " (server, pg_dump and pg_restore)");
        server.createDatabase(database);
        Path work = Files.createTempDirectory("relops-bench-backup-");
        ConfigurableApplicationContext service = null;
        BenchmarkTargets targets = new BenchmarkTargets();
        int exit = 0;
        try {
            long generate = System.nanoTime();
            generate(server, database, rows);
            long size = scalar(server, "postgres", "select pg_database_size('" + database + "')");
            System.out.printf(
                    Locale.ROOT,
                    "database %s: %,d rows, %,d bytes (%.2f GB), generated in %.1f s%n",
                    database,
                    rows,
                    size,
                    size / 1e9,
                    (System.nanoTime() - generate) / 1e9);
            Map<String, Long> countsBefore = counts(server, database);

            server.createDatabase(catalog);
            service = start(server, database, catalog, work);
            Backups backups = service.getBean(Backups.class);
            BackupRepository repository = service.getBean(BackupRepository.class);

            List<double[]> results = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                // raw and relops alternate who goes first, so that neither always meets a warm page cache
                boolean rawFirst = round % 2 == 1;
                Timing raw;
                Timing relops;
                if (rawFirst) {
                    raw = rawRound(server, database, work, round, countsBefore);
                    relops = relopsRound(server, database, backups, repository, countsBefore);
                } else {
                    relops = relopsRound(server, database, backups, repository, countsBefore);
                    raw = rawRound(server, database, work, round, countsBefore);
                }
                System.out.printf(
                        Locale.ROOT,
                        "round %d (%s first): raw pg_dump %.1f s (%,d bytes) + pg_restore %.1f s | relops backup %.1f s (%,d bytes,"
                                + " sha256 %s…) + restore %.1f s%n",
                        round,
                        rawFirst ? "raw" : "relops",
                        raw.backup(),
                        raw.bytes(),
                        raw.restore(),
                        relops.backup(),
                        relops.bytes(),
                        relops.sha256().substring(0, 12),
                        relops.restore());
                results.add(new double[] {raw.backup(), raw.restore(), relops.backup(), relops.restore()});
            }
            double[] sum = new double[4];
            results.forEach(r -> {
                for (int i = 0; i < 4; i++) {
                    sum[i] += r[i];
                }
            });
            double raw = sum[0] + sum[1];
            double relops = sum[2] + sum[3];
            System.out.println();
            System.out.println("| measure | raw pg_dump + pg_restore | relops backup + restore | ratio |");
            System.out.println("|---|---|---|---|");
            System.out.printf(
                    Locale.ROOT,
                    "| backup (s, mean of %d) | %.1f | %.1f | %.2f |%n",
                    rounds,
                    sum[0] / rounds,
                    sum[2] / rounds,
                    sum[2] / sum[0]);
            System.out.printf(
                    Locale.ROOT,
                    "| restore (s, mean of %d) | %.1f | %.1f | %.2f |%n",
                    rounds,
                    sum[1] / rounds,
                    sum[3] / rounds,
                    sum[3] / sum[1]);
            System.out.printf(
                    Locale.ROOT,
                    "| backup + restore (s) | %.1f | %.1f | **%.2f** |%n",
                    raw / rounds,
                    relops / rounds,
                    relops / raw);
            targets.atMost("backup + restore, relops / raw pg_dump + pg_restore", relops / raw, TARGET_RATIO, "x");
            System.out.printf(
                    Locale.ROOT,
                    "database %.2f GB, %,d rows; cores %d; load average at end %s%n",
                    size / 1e9,
                    rows,
                    Runtime.getRuntime().availableProcessors(),
                    loadAverage());
        } catch (Exception e) {
            System.out.println("benchmark failed: " + e);
            e.printStackTrace();
            exit = 1;
        } finally {
            if (service != null) {
                service.close();
            }
            execute(server, "drop database if exists \"" + database + "\" with (force)");
            execute(server, "drop database if exists \"" + database + "_raw\" with (force)");
            execute(server, "drop database if exists \"" + catalog + "\" with (force)");
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
            if (exit != 0) {
                System.exit(exit); // a failed run: no verdict, run-all reports it as FAILED
            }
            targets.exit(); // also ends the broker's threads
        }
    }

    /** Seconds of one backup and its restore, and the artifact's size. */
    private record Timing(double backup, double restore, long bytes, String sha256) {}

    /** Raw {@code pg_dump -Fc} to a file and {@code pg_restore} into a new database. */
    private static Timing rawRound(
            Postgres.Server server, String database, Path work, int round, Map<String, Long> countsBefore)
            throws Exception {
        Path rawDump = work.resolve("raw-" + round + ".dump");
        long t0 = System.nanoTime();
        run(List.of(
                PgTools.tool("pg_dump"),
                "--format=custom",
                "--no-password",
                "--host=" + server.host(),
                "--port=" + server.port(),
                "--username=" + server.username(),
                "--file=" + rawDump,
                database));
        double rawBackup = seconds(t0);
        String rawTarget = database + "_raw";
        execute(server, "create database \"" + rawTarget + "\"");
        t0 = System.nanoTime();
        run(List.of(
                PgTools.tool("pg_restore"),
                "--no-password",
                "--host=" + server.host(),
                "--port=" + server.port(),
                "--username=" + server.username(),
                "--dbname=" + rawTarget,
                rawDump.toString()));
        double rawRestore = seconds(t0);
        check(countsBefore, counts(server, rawTarget), "raw restore");
        execute(server, "drop database \"" + rawTarget + "\" with (force)");
        long rawSize = Files.size(rawDump);
        Files.delete(rawDump);
        return new Timing(rawBackup, rawRestore, rawSize, "");
    }

    /**
     * relops: the request the API makes, the worker takes it (pg_dump piped through SHA-256 into storage); then the
     * database is dropped and the backup restored (hash check, pg_restore).
     */
    private static Timing relopsRound(
            Postgres.Server server,
            String database,
            Backups backups,
            BackupRepository repository,
            Map<String, Long> countsBefore)
            throws Exception {
        long t0 = System.nanoTime();
        BackupRecord requested = backups.request("bench-db", null, "benchmark");
        BackupRecord done = awaitBackup(repository, requested.id());
        double relopsBackup = seconds(t0);
        execute(server, "drop database \"" + database + "\" with (force)");
        t0 = System.nanoTime();
        RestoreRecord restore = backups.requestRestore(done.id(), "benchmark");
        RestoreRecord restored = awaitRestore(repository, restore.id());
        double relopsRestore = seconds(t0);
        if (restored.status() != RestoreStatus.COMPLETED) {
            throw new IllegalStateException("relops restore failed: " + restored.reason());
        }
        check(countsBefore, counts(server, database), "relops restore");
        return new Timing(relopsBackup, relopsRestore, done.sizeBytes(), done.sha256());
    }

    static void generate(Postgres.Server server, String database, long rows) throws SQLException {
        try (Connection c =
                        DriverManager.getConnection(server.jdbcUrl(database), server.username(), server.password());
                Statement s = c.createStatement()) {
            s.execute("create table events (id bigint primary key, application text not null, at timestamptz not null,"
                    + " amount numeric(12,2), payload text not null)");
            s.execute("create table accounts (id int primary key, name text, balance bigint, notes text)");
            s.execute(
                    "insert into events select g, 'app-' || (g % 50), timestamptz '2026-01-01' + g * interval '1 second',"
                            + " (g % 100000) / 100.0, md5(g::text) || md5((g + 1)::text) || md5((g + 2)::text) || md5((g + 3)::text)"
                            + " || repeat(chr(65 + (g % 26)::int), 40) from generate_series(1, " + rows + ") g");
            s.execute(
                    "insert into accounts select g, 'account ' || g, g * 37, md5(g::text) from generate_series(1, 200000) g");
            s.execute("analyze");
        }
    }

    private static ConfigurableApplicationContext start(
            Postgres.Server server, String database, String catalog, Path work) throws IOException {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> properties = new HashMap<>();
        properties.put("relops.database.url", server.jdbcUrl(catalog));
        properties.put("relops.database.username", server.username());
        properties.put("relops.database.password", server.password());
        properties.put("relops.kafka.bootstrap-servers", Kafka.bootstrapServers());
        properties.put("relops.topics.release", "relops.release.bench-" + run);
        properties.put("relops.topics.backup", "relops.backup.bench-" + run);
        properties.put("relops.topics.health", "relops.health.bench-" + run);
        properties.put("relops.topics.alert", "relops.alert.bench-" + run);
        properties.put("server.port", "0");
        properties.put("relops.backup.poll-interval", "200ms");
        properties.put(
                "relops.backup.staging",
                Files.createDirectories(work.resolve("staging")).toString());
        properties.put(
                "relops.backup.storage.local.directory",
                Files.createDirectories(work.resolve("store")).toString());
        String app = "relops.applications.bench-db.backup.";
        properties.put(app + "driver", "postgres");
        properties.put(app + "postgres.host", server.host());
        properties.put(app + "postgres.port", Integer.toString(server.port()));
        properties.put(app + "postgres.database", database);
        properties.put(app + "postgres.username", server.username());
        properties.put(app + "postgres.password", server.password());
        properties.put(app + "verify.after-backup", "false");
        properties.put("logging.level.root", "WARN");
        properties.put("spring.main.banner-mode", "off");
        // as command-line arguments: they must win over relops-platform.yml, which default properties do not
        return new SpringApplicationBuilder(BackupServiceApplication.class)
                .run(properties.entrySet().stream()
                        .map(e -> "--" + e.getKey() + "=" + e.getValue())
                        .toArray(String[]::new));
    }

    private static BackupRecord awaitBackup(BackupRepository repository, UUID id) throws InterruptedException {
        while (true) {
            BackupRecord backup = repository.find(id).orElseThrow();
            if (backup.status() == BackupStatus.COMPLETED) {
                return backup;
            }
            if (backup.status() == BackupStatus.FAILED) {
                throw new IllegalStateException("relops backup failed: " + backup.reason());
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private static RestoreRecord awaitRestore(BackupRepository repository, UUID id) throws InterruptedException {
        while (true) {
            RestoreRecord restore = repository.findRestore(id).orElseThrow();
            if (restore.status().terminal()) {
                return restore;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(command.get(0) + " failed with exit code " + process.exitValue());
        }
    }

    private static Map<String, Long> counts(Postgres.Server server, String database) throws SQLException {
        return Map.of(
                "events", scalar(server, database, "select count(*) from events"),
                "accounts", scalar(server, database, "select count(*) from accounts"));
    }

    private static void check(Map<String, Long> expected, Map<String, Long> actual, String what) {
        if (!expected.equals(actual)) {
            throw new IllegalStateException(what + " lost rows: expected " + expected + ", got " + actual);
        }
    }

    private static long scalar(Postgres.Server server, String database, String sql) throws SQLException {
        try (Connection c =
                        DriverManager.getConnection(server.jdbcUrl(database), server.username(), server.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void execute(Postgres.Server server, String sql) throws SQLException {
        try (Connection c =
                        DriverManager.getConnection(server.jdbcUrl("postgres"), server.username(), server.password());
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "n/a";
        }
    }

    private static String arg(String[] args, String name, String fallback) {
        for (String arg : args) {
            if (arg.startsWith("--" + name + "=")) {
                return arg.substring(name.length() + 3);
            }
        }
        return fallback;
    }
}
