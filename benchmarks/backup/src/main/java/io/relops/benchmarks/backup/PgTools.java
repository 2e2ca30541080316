package io.relops.benchmarks.backup;

import io.relops.testkit.Postgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL client tools of the backup benchmarks: from {@code RELOPS_PG_BIN_DIR}, else the PATH, the very
 * binaries backup-service runs too (its {@code relops.backup.bin-dir} defaults to the same variable), so the raw
 * baseline and relops dump with one {@code pg_dump}. It must be of the server's major: an older one refuses to
 * dump, and a newer one would time a pairing relops does not ship.
 */
final class PgTools {

    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");

    private PgTools() {}

    /** The command of {@code name} ({@code pg_dump}, {@code pg_restore}). */
    static String tool(String name) {
        String dir = System.getenv("RELOPS_PG_BIN_DIR");
        return dir == null || dir.isBlank() ? name : Path.of(dir, name).toString();
    }

    /** Refuses to measure with client tools of another major than {@code server}'s; returns the major. */
    static int requireServerMajor(Postgres.Server server) throws IOException, InterruptedException, SQLException {
        int serverMajor;
        try (Connection c =
                        DriverManager.getConnection(server.jdbcUrl("postgres"), server.username(), server.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("show server_version_num")) {
            rs.next();
            serverMajor = Integer.parseInt(rs.getString(1)) / 10_000;
        }
        for (String name : List.of("pg_dump", "pg_restore")) {
            Process process = new ProcessBuilder(tool(name), "--version")
                    .redirectErrorStream(true)
                    .start();
            String version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            process.waitFor();
            Matcher major = VERSION.matcher(version);
            if (!major.find() || Integer.parseInt(major.group(1)) != serverMajor) {
                throw new IllegalStateException(tool(name) + " is '" + version + "' but the server ("
                        + server.jdbcUrl("postgres") + ") is PostgreSQL " + serverMajor + ": put the client tools"
                        + " of PostgreSQL " + serverMajor + " in RELOPS_PG_BIN_DIR (or first on the PATH), or"
                        + " run on a server of their major with RELOPS_TEST_DB_URL (benchmarks/README.md,"
                        + " PostgreSQL)");
            }
        }
        return serverMajor;
    }
}
