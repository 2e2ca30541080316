package io.relops.local;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.relops.common.security.Tokens;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The local suite: a Kafka broker and a PostgreSQL (in-process and embedded unless given), and every
 * relops service as its own JVM process, each with its log under the data directory. {@link #close}
 * stops all of it; services also stop by themselves when this process dies (RELOPS_PARENT_PID).
 */
public final class LocalSuite implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);
    private static final int LOG_TAIL_LINES = 40;
    static final String ROLES_SCRIPT = "ops/postgres/initdb/10-relops-roles.sql";

    private final SuiteOptions options;
    private final Consumer<String> progress;
    private final List<Process> services = new ArrayList<>();
    /** More instances of a service ({@link #startReplica}), by {@code <service>-<port>}. */
    private final Map<String, Process> replicas = new LinkedHashMap<>();

    private @Nullable LocalKafka broker;
    private @Nullable EmbeddedPostgres postgres;
    private String kafkaBootstrap = "";
    private String jdbcUrl = "";
    private final String gatewayToken = Tokens.generate("gateway");

    public LocalSuite(SuiteOptions options, Consumer<String> progress) {
        this.options = options;
        this.progress = progress;
    }

    public String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String url(String service) {
        return "http://localhost:" + options.servicePorts().get(service);
    }

    public Path logFile(String service) {
        return options.dataDirectory().resolve("logs").resolve(service + ".log");
    }

    /** Starts everything and returns once every service reports UP. */
    public LocalSuite start() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "relops-local-stop"));
        checkJars();
        try {
            Files.createDirectories(options.dataDirectory().resolve("logs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        startKafka();
        startPostgres();
        for (String service : options.servicePorts().keySet()) {
            services.add(spawn(service, options.servicePorts().get(service), logFile(service), false));
        }
        for (String service : options.servicePorts().keySet()) {
            awaitUp(service);
        }
        return this;
    }

    private void checkJars() {
        List<String> missing = new ArrayList<>();
        for (String service : options.servicePorts().keySet()) {
            if (!Files.isRegularFile(jar(service))) {
                missing.add(jar(service).toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("service jars missing (build with ./mvnw -DskipTests package): " + missing);
        }
    }

    private Path jar(String service) {
        return options.home().resolve(service).resolve("target").resolve(service + "-exec.jar");
    }

    private void startKafka() {
        if (options.kafkaBootstrap() != null) {
            kafkaBootstrap = options.kafkaBootstrap();
            progress.accept("Kafka: using " + kafkaBootstrap);
            return;
        }
        Path data = options.dataDirectory().resolve("kafka");
        progress.accept("Kafka: starting an in-process KRaft broker on port " + options.kafkaPort() + " (data in "
                + data + ") ...");
        broker = LocalKafka.start(data, options.kafkaPort());
        kafkaBootstrap = broker.bootstrap();
    }

    private void startPostgres() {
        if (options.jdbcUrl() != null) {
            jdbcUrl = options.jdbcUrl();
            progress.accept("PostgreSQL: using " + jdbcUrl);
            return;
        }
        Path data = options.dataDirectory().resolve("postgres");
        progress.accept("PostgreSQL: starting an embedded server on port " + options.postgresPort() + " (data in "
                + data + ") ...");
        postgres = LocalPostgres.start(data, options.postgresPort());
        String server = postgres.getJdbcUrl("postgres", "postgres");
        try (Connection connection = DriverManager.getConnection(server, "postgres", "");
                var exists = connection.prepareStatement("select 1 from pg_database where datname = 'relops'")) {
            if (!exists.executeQuery().next()) {
                connection.createStatement().execute("create database relops");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the relops database: " + e.getMessage(), e);
        }
        jdbcUrl = "jdbc:postgresql://localhost:" + postgres.getPort() + "/relops";
        createDatabaseRoles();
    }

    /**
     * As the embedded server's superuser: one role per service, owning its schema (the script docker-compose and
     * Kubernetes run, docs/security.md "Database roles"). No passwords: the embedded server trusts local connections.
     */
    private void createDatabaseRoles() {
        Path script = options.home().resolve(ROLES_SCRIPT);
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
                var statement = connection.createStatement()) {
            statement.execute(Files.readString(script));
        } catch (IOException | SQLException e) {
            throw new IllegalStateException(
                    "cannot create the database roles with " + script + ": " + e.getMessage(), e);
        }
    }

    /** The database role {@code service} logs in as on the embedded server (created by {@link #ROLES_SCRIPT}). */
    static String databaseRole(String service) {
        String name = service.replace("-service", "");
        return "relops_" + (name.equals("audit") ? "audit_owner" : name);
    }

    /** Starts {@code service} on {@code port}; a restart appends to its log so that what came before the crash stays. */
    private Process spawn(String service, int port, Path log, boolean appendLog) {
        List<String> command = List.of(
                java(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xss512k",
                "-jar",
                jar(service).toString());
        Map<String, String> env = new LinkedHashMap<>();
        env.put("RELOPS_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
        env.put("RELOPS_LOCAL", "true"); // local use: the shipped example tokens and passwords are accepted
        env.put("RELOPS_HOME", options.home().toString());
        env.put("RELOPS_DATA_DIR", options.dataDirectory().toString());
        env.put("RELOPS_CATALOG", options.catalog().toString());
        env.put("RELOPS_KAFKA_BOOTSTRAP", kafkaBootstrap);
        env.put("RELOPS_DB_URL", jdbcUrl);
        env.put(
                "RELOPS_DB_USER",
                postgres != null
                        ? databaseRole(service)
                        : options.jdbcUser() == null ? "postgres" : options.jdbcUser());
        env.put("RELOPS_DEPLOY_URL", url("deploy-service"));
        env.put("RELOPS_AUDIT_URL", url("audit-service"));
        env.put("RELOPS_BACKUP_URL", url("backup-service"));
        env.put("RELOPS_ALERT_URL", url("alert-service"));
        // the gateway's address as the world sees it: a webhook target's external system calls back there
        if (options.servicePorts().containsKey("gateway-service")) {
            env.put("RELOPS_GATEWAY_PUBLIC_URL", url("gateway-service"));
        }
        // services are given the tokens' hashes only; the gateway alone holds its own token (for audit timelines)
        options.tokens()
                .forEach((role, token) -> env.put(
                        "RELOPS_TOKEN_" + role.toUpperCase(java.util.Locale.ROOT) + "_SHA256",
                        Tokens.sha256Hex(token)));
        env.put("RELOPS_TOKEN_GATEWAY_SHA256", Tokens.sha256Hex(gatewayToken));
        if (service.equals("gateway-service")) {
            env.put("RELOPS_GATEWAY_SERVICE_TOKEN", gatewayToken);
        }
        // the gateway signs authority-carrying events with this key; deploy- and backup-service verify them
        Path eventKey = options.dataDirectory().resolve(EventSigningKey.FILE_NAME);
        env.put("RELOPS_GATEWAY_EVENT_SIGNING_KEY_FILE", eventKey.toString());
        env.put("RELOPS_EVENT_SIGNING_PUBLIC_KEY", EventSigningKey.publicKeyBase64(EventSigningKey.ensure(eventKey)));
        env.put(portVariable(service), Integer.toString(port));
        env.putAll(options.extraEnvironment());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(options.home().toFile())
                .redirectErrorStream(true)
                .redirectOutput(
                        appendLog
                                ? ProcessBuilder.Redirect.appendTo(log.toFile())
                                : ProcessBuilder.Redirect.to(log.toFile()));
        // no plaintext token of the launching shell reaches a service
        builder.environment()
                .keySet()
                .removeIf(name -> (name.startsWith("RELOPS_TOKEN_") && !name.endsWith("_SHA256"))
                        || name.equals("RELOPS_GATEWAY_SERVICE_TOKEN"));
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            progress.accept("started " + service + " (pid " + process.pid() + ", port " + port + ", log " + log + ")");
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + service, e);
        }
    }

    /**
     * Kills {@code service} the hard way ({@code SIGKILL}: no shutdown hook, no graceful close), as a
     * crash would, and returns once the process is gone. The fault-injection suite uses it.
     */
    public synchronized void kill(String service) {
        Process process = process(service);
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(service + " (pid " + process.pid() + ") survived SIGKILL for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing " + service, e);
        }
        progress.accept("killed " + service + " (pid " + process.pid() + ", SIGKILL)");
    }

    /** Starts {@code service} again on its port (after {@link #kill}) and returns once it reports UP. */
    public void restart(String service) {
        synchronized (this) {
            Process old = process(service);
            if (old.isAlive()) {
                throw new IllegalStateException(service + " is still running (pid " + old.pid() + "): kill it first");
            }
            services.set(index(service), spawn(service, options.servicePorts().get(service), logFile(service), true));
        }
        awaitUp(service);
    }

    /**
     * Starts one more instance of {@code service} on {@code port} (its log: {@code <service>-<port>.log}), with the
     * same settings as the first, and returns it once it reports UP; it stops with the suite. For trying replicas:
     * the services that share their work through PostgreSQL and Kafka (deploy-service among them) run as several.
     */
    public Process startReplica(String service, int port) {
        Path log = options.dataDirectory().resolve("logs").resolve(service + "-" + port + ".log");
        Process process;
        synchronized (this) {
            process = spawn(service, port, log, false);
            replicas.put(service + "-" + port, process);
        }
        awaitUp(service, "http://localhost:" + port, process, log);
        return process;
    }

    /** The process of {@code service}'s first instance (e.g. to match it with what a database row names). */
    public synchronized Process process(String service) {
        return services.get(index(service));
    }

    private int index(String service) {
        int index = List.copyOf(options.servicePorts().keySet()).indexOf(service);
        if (index < 0 || index >= services.size()) {
            throw new IllegalArgumentException("no service " + service + " in this suite; services: "
                    + options.servicePorts().keySet());
        }
        return index;
    }

    private static String portVariable(String service) {
        return service.replace("-service", "").toUpperCase(java.util.Locale.ROOT) + "_PORT";
    }

    private void awaitUp(String service) {
        awaitUp(service, url(service), process(service), logFile(service));
    }

    private void awaitUp(String service, String url, Process process, Path log) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        URI health = URI.create(url + "/actuator/health");
        Duration interval = Duration.ofMillis(500);
        Retry retry = Retry.of(
                "up-" + service,
                RetryConfig.<Boolean>custom()
                        .maxAttempts((int) (START_TIMEOUT.toMillis() / interval.toMillis()))
                        .intervalFunction(IntervalFunction.of(interval))
                        .retryOnResult(up -> !up)
                        .retryExceptions(IOException.class)
                        .failAfterMaxAttempts(true)
                        .build());
        try {
            retry.executeCallable(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException(service + " exited with code " + process.exitValue() + "; see "
                            + log + ", which ends:\n" + logTail(log));
                }
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(health)
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                return response.statusCode() == 200 && response.body().contains("\"UP\"");
            });
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(
                    service + " did not come up within " + START_TIMEOUT + "; see " + log + ", which ends:\n"
                            + logTail(log),
                    e);
        }
        progress.accept(service + " is up at " + url);
    }

    /** The last lines of {@code service}'s log, so that a failed start says why where it is reported (CI). */
    private String logTail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    static String java() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    @Override
    public synchronized void close() {
        services.addAll(replicas.values());
        replicas.clear();
        for (Process service : services) {
            service.destroy();
        }
        for (Process service : services) {
            try {
                if (!service.waitFor(15, TimeUnit.SECONDS)) {
                    service.destroyForcibly();
                }
            } catch (InterruptedException e) {
                service.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        services.clear();
        if (broker != null) {
            broker.close();
            broker = null;
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                // stopping anyway
            }
            postgres = null;
        }
    }
}
