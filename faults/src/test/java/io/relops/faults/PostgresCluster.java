package io.relops.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of its own (the installed server's {@code initdb} and {@code pg_ctl}) on its
 * own port, so that stopping it refuses every connection of every service, as a database outage
 * does, without touching the shared server on 5432. As root, the server runs as the {@code postgres}
 * OS user (PostgreSQL refuses to run as root).
 */
final class PostgresCluster implements AutoCloseable {

    private final Path bin;
    private final Path directory;
    private final Path data;
    private final int port;
    private final boolean asPostgresUser;

    /** A new cluster in a temporary directory of its own (as root, owned by {@code postgres}, which must reach it). */
    PostgresCluster(int port) throws IOException {
        this.bin = binDirectory();
        this.directory = Files.createTempDirectory("relops-faults-postgres-");
        this.data = directory.resolve("data");
        this.port = port;
        this.asPostgresUser = "root".equals(System.getProperty("user.name"));
        try {
            if (asPostgresUser) {
                var owner = directory
                        .getFileSystem()
                        .getUserPrincipalLookupService()
                        .lookupPrincipalByName("postgres");
                Files.setOwner(directory, owner);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run("initdb", "-D", data.toString(), "-U", "postgres", "-A", "trust", "--no-sync");
    }

    /** The newest installed server's bin directory ({@code RELOPS_PG_BIN_DIR} overrides it). */
    private static Path binDirectory() {
        String configured = System.getenv("RELOPS_PG_BIN_DIR");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> Integer.parseInt(
                            b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                    .orElseThrow();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "no PostgreSQL server installed under /usr/lib/postgresql/*/bin "
                            + "(apt-get install postgresql, or set RELOPS_PG_BIN_DIR)",
                    e);
        }
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    void start() {
        run(
                "pg_ctl",
                "-D",
                data.toString(),
                "-l",
                directory.resolve("postgres.log").toString(),
                "-o",
                "-p " + port + " -k " + directory
                        + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
                "-w",
                "start");
    }

    /** Stops the server at once ({@code -m immediate}: no checkpoint, every connection cut, crash recovery next start). */
    void stopImmediately() {
        run("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
    }

    void createDatabase(String name) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), "postgres", "")) {
            connection.createStatement().execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
    }

    private void run(String tool, String... args) {
        List<String> command = new ArrayList<>();
        if (asPostgresUser) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(bin.resolve(tool).toString());
        command.addAll(List.of(args));
        Path log = directory.resolve(tool + ".out");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed: " + Files.readString(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The cluster's directory (its data and log). */
    Path directory() {
        return directory;
    }

    @Override
    public void close() {
        try {
            stopImmediately();
        } catch (RuntimeException e) {
            // already stopped
        }
    }
}
