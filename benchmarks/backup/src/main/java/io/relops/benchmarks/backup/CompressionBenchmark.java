package io.relops.benchmarks.backup;

import io.relops.backup.driver.FilesystemDriver;
import io.relops.backup.policy.BackupCatalog;
import io.relops.backup.policy.BackupCatalog.Compression;
import io.relops.common.event.BackupVerified.Check;
import io.relops.testkit.BenchmarkTargets;
import io.relops.testkit.Postgres;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The {@code filesystem} driver's codecs, gzip and zstd, on the ~1 GB benchmark data as files (the database of
 * {@link BackupRestoreBenchmark}, exported with {@code pg_dump --format=directory --compress=0}): time to archive,
 * artifact size and time to inspect (the verification read: every entry against the manifest), beside raw {@code tar
 * | gzip -6} and {@code tar | zstd -3} of the same directory in the same run.
 *
 * <p>Args: {@code --rows=N} (default 3,600,000 ≈ 1 GB). The database is generated and dropped afterwards.
 */
public final class CompressionBenchmark {

    public static void main(String[] args) throws Exception {
        long rows = Long.parseLong(arg(args, "rows", "3600000"));
        Postgres.Server server = Postgres.server();
        String database =
                "relops_bench_compress_" + UUID.randomUUID().toString().substring(0, 8);
        int major = PgTools.requireServerMajor(server);
        System.out.println("PostgreSQL " + major + " (server, pg_dump and pg_restore)");
        server.createDatabase(database);
        Path work = Files.createTempDirectory("relops-bench-compress-");
        int exit = 0;
        try {
            long t0 = System.nanoTime();
            BackupRestoreBenchmark.generate(server, database, rows);
            Path data = work.resolve("data");
            run(List.of(
                    PgTools.tool("pg_dump"),
                    "--format=directory",
                    "--compress=0",
                    "--no-password",
                    "--host=" + server.host(),
                    "--port=" + server.port(),
                    "--username=" + server.username(),
                    "--file=" + data,
                    database));
            long size = directorySize(data);
            System.out.printf(
                    Locale.ROOT,
                    "data: %,d rows exported to %,d bytes (%.2f GB) of files in %.1f s%n",
                    rows,
                    size,
                    size / 1e9,
                    seconds(t0));

            FilesystemDriver driver = new FilesystemDriver();
            List<String[]> table = new ArrayList<>();
            for (Compression compression : Compression.values()) {
                BackupCatalog.BackupSpec spec = spec(data, compression);
                Path artifact = work.resolve("relops." + driver.extension(spec));
                t0 = System.nanoTime();
                try (OutputStream out = Files.newOutputStream(artifact)) {
                    driver.backup("bench", spec, out);
                }
                double archive = seconds(t0);
                long bytes = Files.size(artifact);
                t0 = System.nanoTime();
                List<Check> checks = driver.inspect("bench", spec, artifact);
                double inspect = seconds(t0);
                if (!checks.stream().allMatch(Check::passed)) {
                    throw new IllegalStateException("inspection failed: " + checks);
                }
                Files.delete(artifact);

                String codec = compression == Compression.GZIP ? "gzip -6" : "zstd -3 -T1 -q";
                Path raw = work.resolve("raw." + driver.extension(spec));
                t0 = System.nanoTime();
                run(List.of(
                        "bash",
                        "-c",
                        "set -o pipefail; tar -C '" + data + "' -cf - . | " + codec + " > '" + raw + "'"));
                double rawArchive = seconds(t0);
                long rawBytes = Files.size(raw);
                Files.delete(raw);
                System.out.printf(
                        Locale.ROOT,
                        "%s: relops %.1f s, %,d bytes, inspect %.1f s | raw tar | %s %.1f s, %,d bytes%n",
                        compression,
                        archive,
                        bytes,
                        inspect,
                        codec,
                        rawArchive,
                        rawBytes);
                table.add(new String[] {
                    compression.name().toLowerCase(Locale.ROOT),
                    String.format(Locale.ROOT, "%.1f", archive),
                    String.format(Locale.ROOT, "%,d (%.1f %%)", bytes, 100.0 * bytes / size),
                    String.format(Locale.ROOT, "%.1f", inspect),
                    String.format(Locale.ROOT, "%.1f", rawArchive),
                    String.format(Locale.ROOT, "%,d", rawBytes),
                    String.format(Locale.ROOT, "%.2f", archive / rawArchive)
                });
            }
            System.out.println();
            System.out.println("| codec | relops archive (s) | relops size (bytes, % of data) | relops inspect (s)"
                    + " | raw tar+codec (s) | raw size (bytes) | archive time relops / raw |");
            System.out.println("|---|---|---|---|---|---|---|");
            table.forEach(r -> System.out.println("| " + String.join(" | ", r) + " |"));
            System.out.printf(
                    Locale.ROOT,
                    "data %.2f GB; cores %d; load average at end %s%n",
                    size / 1e9,
                    Runtime.getRuntime().availableProcessors(),
                    Files.readString(Path.of("/proc/loadavg")).strip());
        } catch (Exception e) {
            System.out.println("benchmark failed: " + e);
            e.printStackTrace();
            exit = 1;
        } finally {
            try (var c = java.sql.DriverManager.getConnection(
                            server.jdbcUrl("postgres"), server.username(), server.password());
                    var s = c.createStatement()) {
                s.execute("drop database if exists \"" + database + "\" with (force)");
            }
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            if (exit != 0) {
                System.exit(exit); // a failed run: no verdict
            }
            BenchmarkTargets targets = new BenchmarkTargets();
            targets.none("a comparison of the codecs: each beside raw tar | gzip and tar | zstd");
            targets.exit();
        }
    }

    private static BackupCatalog.BackupSpec spec(Path data, Compression compression) {
        return new BackupCatalog.BackupSpec(
                false,
                "filesystem",
                null,
                false,
                null,
                new BackupCatalog.FilesystemSource(data, false, compression),
                new BackupCatalog.Verify(false, false),
                new BackupCatalog.Retention(3, 7, 4, 6, Duration.ofDays(365)),
                null);
    }

    private static long directorySize(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(command.get(0) + " failed with exit code " + process.exitValue());
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
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
