package io.relops.backup.driver;

import io.relops.backup.policy.BackupCatalog.BackupSpec;
import io.relops.backup.policy.BackupCatalog.PostgresSource;
import io.relops.common.event.BackupVerified.Check;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;

/**
 * {@code postgres}: {@code pg_dump} in its custom format, restored with {@code pg_restore}. Row counts are taken in
 * the very snapshot the dump reads (an exported snapshot shared with {@code pg_dump --snapshot}), so a test restore
 * can compare exactly.
 */
public final class PostgresDriver implements BackupDriver {

    private final ClientTools tools;

    public PostgresDriver(ClientTools tools) {
        this.tools = tools;
    }

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public String extension(BackupSpec spec) {
        return "pgdump";
    }

    /** The database's size on disk: an upper bound of the dump, which compresses table data. */
    @Override
    public OptionalLong estimateSize(String application, BackupSpec spec) {
        PostgresSource source = source(application, spec);
        try (Connection connection = connect(source, source.database());
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("select pg_database_size(current_database())")) {
            rs.next();
            return OptionalLong.of(rs.getLong(1));
        } catch (SQLException e) {
            return OptionalLong.empty(); // the backup itself names the connection problem
        }
    }

    @Override
    public Map<String, Long> backup(String application, BackupSpec spec, OutputStream out) throws IOException {
        PostgresSource source = source(application, spec);
        Path pgDump = tools.locate("pg_dump");
        try (Connection connection = connect(source, source.database())) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("set transaction isolation level repeatable read, read only");
                String snapshot;
                try (ResultSet rs = statement.executeQuery("select pg_export_snapshot()")) {
                    rs.next();
                    snapshot = rs.getString(1);
                }
                Map<String, Long> rows = spec.verify().testRestore() ? rowCounts(connection) : Map.of();
                List<String> command = new ArrayList<>(
                        List.of(pgDump.toString(), "--format=custom", "--no-password", "--snapshot=" + snapshot));
                command.addAll(connectionArgs(source, source.database()));
                ClientTools.Result result = tools.run(command, environment(source), null, out, false);
                if (!result.ok()) {
                    throw new BackupException(
                            "pg_dump of database '" + source.database() + "' failed: " + result.reason());
                }
                return rows;
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            throw new BackupException(
                    "cannot connect to database '" + source.database() + "' at " + source.host() + ":" + source.port()
                            + " as '" + source.username() + "': " + e.getMessage(),
                    e);
        }
    }

    @Override
    public List<Check> inspect(String application, BackupSpec spec, Path artifact) throws IOException {
        ClientTools.Result list = tools.run(
                List.of(tools.locate("pg_restore").toString(), "--list", artifact.toString()),
                Map.of(),
                null,
                null,
                true);
        if (!list.ok()) {
            return List.of(new Check("pg_restore --list", false, "the archive cannot be read: " + list.reason()));
        }
        long entries = list.stdout()
                .lines()
                .filter(l -> !l.isBlank() && !l.startsWith(";"))
                .count();
        long tableData =
                list.stdout().lines().filter(l -> l.contains(" TABLE DATA ")).count();
        return List.of(
                new Check("pg_restore --list", true, entries + " archive entries, " + tableData + " with table data"));
    }

    @Override
    public List<Check> testRestore(String application, BackupSpec spec, Path artifact, Map<String, Long> evidence)
            throws IOException {
        PostgresSource source = source(application, spec);
        String scratch =
                "relops_verify_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute(source, "create database \"" + scratch + "\"");
        try {
            ClientTools.Result result =
                    tools.run(restoreCommand(source, scratch, artifact), environment(source), null, null, false);
            if (!result.ok()) {
                return List.of(new Check(
                        "test restore", false, "pg_restore into a scratch database failed: " + result.reason()));
            }
            Map<String, Long> restored;
            try (Connection connection = connect(source, scratch)) {
                restored = rowCounts(connection);
            } catch (SQLException e) {
                throw new BackupException(
                        "cannot count the rows of scratch database " + scratch + ": " + e.getMessage(), e);
            }
            if (evidence.isEmpty()) {
                return List.of(new Check(
                        "test restore",
                        true,
                        "restored " + restored.size() + " tables; no row counts recorded to compare"));
            }
            List<String> differences = new ArrayList<>();
            for (Map.Entry<String, Long> table : evidence.entrySet()) {
                Long got = restored.get(table.getKey());
                if (!table.getValue().equals(got)) {
                    differences.add(table.getKey() + ": expected " + table.getValue() + " rows, restored " + got);
                }
            }
            return List.of(new Check(
                    "test restore",
                    differences.isEmpty(),
                    differences.isEmpty()
                            ? "row counts of all " + evidence.size() + " tables match the backup's snapshot"
                            : String.join("; ", differences)));
        } finally {
            execute(source, "drop database if exists \"" + scratch + "\" with (force)");
        }
    }

    @Override
    public void restore(String application, BackupSpec spec, Path artifact) throws IOException {
        PostgresSource source = source(application, spec);
        execute(source, "select 1"); // fails with the connection problem, before anything is changed
        if (!databaseExists(source)) {
            execute(source, "create database \"" + source.database() + "\"");
        }
        ClientTools.Result result =
                tools.run(restoreCommand(source, source.database(), artifact), environment(source), null, null, false);
        if (!result.ok()) {
            throw new BackupException(
                    "pg_restore into database '" + source.database() + "' failed: " + result.reason());
        }
    }

    private List<String> restoreCommand(PostgresSource source, String database, Path artifact) {
        List<String> command = new ArrayList<>(List.of(
                tools.locate("pg_restore").toString(),
                "--no-password",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--exit-on-error",
                "--single-transaction"));
        command.addAll(connectionArgs(source, database));
        command.add(artifact.toString());
        return command;
    }

    private static PostgresSource source(String application, BackupSpec spec) {
        if (spec.postgres() == null || spec.postgres().database() == null) {
            throw new BackupException("application '" + application
                    + "' uses the postgres backup driver but has no backup.postgres.database in the catalog");
        }
        return spec.postgres();
    }

    private static List<String> connectionArgs(PostgresSource source, String database) {
        return List.of(
                "--host=" + source.host(),
                "--port=" + source.port(),
                "--username=" + source.username(),
                "--dbname=" + database);
    }

    private static Map<String, String> environment(PostgresSource source) {
        Map<String, String> env = new LinkedHashMap<>();
        String password = source.resolvedPassword();
        if (password != null) {
            env.put("PGPASSWORD", password);
        }
        env.put("PGCONNECT_TIMEOUT", "10");
        return env;
    }

    private static Connection connect(PostgresSource source, String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", source.username());
        String password = source.resolvedPassword();
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(
                "jdbc:postgresql://" + source.host() + ":" + source.port() + "/" + database, props);
    }

    private static void execute(PostgresSource source, String sql) {
        try (Connection connection = connect(source, "postgres");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new BackupException(
                    "cannot connect to PostgreSQL at " + source.host() + ":" + source.port() + " as '"
                            + source.username() + "': " + e.getMessage(),
                    e);
        }
    }

    private static boolean databaseExists(PostgresSource source) {
        try (Connection connection = connect(source, "postgres");
                var statement = connection.prepareStatement("select 1 from pg_database where datname = ?")) {
            statement.setString(1, source.database());
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new BackupException("cannot look up database '" + source.database() + "': " + e.getMessage(), e);
        }
    }

    /** The exact row count of every ordinary table outside the system schemas, by qualified name. */
    static Map<String, Long> rowCounts(Connection connection) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rs =
                        statement.executeQuery("select quote_ident(table_schema) || '.' || quote_ident(table_name)"
                                + " from information_schema.tables where table_type = 'BASE TABLE'"
                                + " and table_schema not in ('pg_catalog', 'information_schema') order by 1")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        Map<String, Long> counts = new TreeMap<>();
        try (Statement statement = connection.createStatement()) {
            for (String table : tables) {
                try (ResultSet rs = statement.executeQuery("select count(*) from " + table)) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
        }
        return counts;
    }
}
