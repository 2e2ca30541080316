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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The local suite: a Kafka broker and a PostgreSQL (in-process and embedded unless given), and every
 * relops service as its own JVM process, each with its log under the data directory. {@link #close}
 * stops all of it; services also stop by themselves when this process dies (RELOPS_PARENT_PID).
 */
public final class LocalSuite implements AutoCloseable {

    /** The system property naming a class-data directory shared by suites started one after the other. */
    public static final String CLASS_DATA_DIR = "relops.local.class-data-dir";

    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);
    private static final int LOG_TAIL_LINES = 40;
    static final String ROLES_SCRIPT = "ops/postgres/initdb/10-relops-roles.sql";

    private final SuiteOptions options;
    private final Consumer<String> progress;
    /** Every instance of every service, in start order; guarded by {@code this}. */
    private final List<Instance> instances = new ArrayList<>();
    /** Runs the supervisor's restarts; created when the suite is up. */
    private @Nullable ScheduledExecutorService supervisor;
    /** Set by {@link #close}: from then on no exit is a crash and nothing is restarted. */
    private boolean closing;

    private @Nullable LocalKafka broker;
    private @Nullable EmbeddedPostgres postgres;
    private String kafkaBootstrap = "";
    private String jdbcUrl = "";
    private final String gatewayToken = Tokens.generate("gateway");
    private final ClassDataSharing classData;

    /**
     * How every service JVM runs in the local suite (docs/cli.md, "Memory and start time"): a small heap with a small
     * young generation (a service keeps 35-45 MB live after its start), the serial collector, the C1 compiler only
     * (quicker to start; the suite is no load test), bounded metaspace and code cache.
     */
    static final List<String> JVM_OPTIONS = List.of(
            "-Xms48m",
            "-Xmx160m",
            "-Xmn16m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xss512k",
            "-XX:MaxMetaspaceSize=192m",
            "-XX:ReservedCodeCacheSize=48m",
            "-XX:-UsePerfData");

    /**
     * Settings of the services in the local suite only (environment variables, so that {@code extraEnvironment}
     * and the launching shell's own still win): connection pools open their connections as they are needed rather
     * than all at start (each one is a PostgreSQL backend process), Tomcat keeps one idle thread rather than ten, and
     * glibc keeps two malloc arenas per JVM rather than one per thread and core.
     */
    static final Map<String, String> LOCAL_SETTINGS = Map.of(
            "SPRING_DATASOURCE_HIKARI_MINIMUMIDLE", "1",
            "SERVER_TOMCAT_THREADS_MINSPARE", "1",
            "MALLOC_ARENA_MAX", "2");

    public LocalSuite(SuiteOptions options, Consumer<String> progress) {
        this.options = options;
        this.progress = progress;
        this.classData = new ClassDataSharing(options.home(), classDataDirectory(options), progress);
    }

    /**
     * Where the services' extracted jars and class-data archives live: {@code <data>/cds}, or the directory that the
     * system property {@value #CLASS_DATA_DIR} names, which several suites started one after the other can share (the
     * build's integration tests start a suite on a new data directory each; with one directory per module only the
     * first records the archives and the others start from them).
     */
    static Path classDataDirectory(SuiteOptions options) {
        String shared = System.getProperty(CLASS_DATA_DIR, "");
        return shared.isBlank() ? options.dataDirectory().resolve("cds") : Path.of(shared);
    }

    public String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The URL of {@code service}'s first instance (the one the other services call; the gateway calls them all). */
    public String url(String service) {
        return url(service, 1);
    }

    /** The URL of instance {@code instance} (from 1) of {@code service}. */
    public String url(String service, int instance) {
        return "http://localhost:" + port(service, instance);
    }

    public Path logFile(String service) {
        return logFile(service, 1);
    }

    /** The log of instance {@code instance} of {@code service}: {@code <service>.log}, {@code <service>-2.log} ... */
    public Path logFile(String service, int instance) {
        return options.dataDirectory().resolve("logs").resolve(label(service, instance) + ".log");
    }

    /** The process id of instance {@code instance} of {@code service} now (a restart changes it). */
    public synchronized long pid(String service, int instance) {
        return instance(service, instance).process.pid();
    }

    private synchronized int port(String service, int instance) {
        for (Instance running : instances) {
            if (running.service.equals(service) && running.number == instance) {
                return running.port;
            }
        }
        List<Integer> ports = options.ports(service);
        if (instance < 1 || instance > ports.size()) {
            throw new IllegalArgumentException(
                    service + " has no instance " + instance + " (it runs " + ports.size() + ")");
        }
        return ports.get(instance - 1);
    }

    /**
     * Starts one more instance of {@code service} on {@code port} while the suite runs (the fault suite adds a second
     * deploy-service this way for one scenario), supervised like the others; returns its number once it is UP.
     */
    public int startInstance(String service, int port) {
        Instance instance;
        synchronized (this) {
            int number = (int) instances.stream()
                            .filter(running -> running.service.equals(service))
                            .count()
                    + 1;
            instance = new Instance(service, number, port);
            instance.process = spawn(instance, false);
            instances.add(instance);
            if (supervisor != null) {
                watch(instance);
            }
        }
        awaitUp(instance);
        return instance.number;
    }

    /** How an instance is named in messages and log files: the service for the first, {@code service-n} after. */
    static String label(String service, int instance) {
        return instance == 1 ? service : service + "-" + instance;
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
        // the services' jars are extracted for class-data sharing while the broker and the database start
        java.util.concurrent.CompletableFuture<Void> extracted = java.util.concurrent.CompletableFuture.runAsync(
                () -> classData.prepare(options.servicePorts().keySet()));
        startKafka();
        startPostgres();
        extracted.join();
        if (classData.recordingAny()) {
            progress.accept("first start of these service jars: each records the classes it loads into "
                    + classDataDirectory(options) + " when it stops; later starts map them (quicker)");
        }
        synchronized (this) {
            for (String service : options.servicePorts().keySet()) {
                for (int number = 1; number <= options.replicas(service); number++) {
                    Instance instance = new Instance(service, number, port(service, number));
                    instance.process = spawn(instance, false);
                    instances.add(instance);
                }
            }
        }
        for (Instance instance : List.copyOf(instances)) {
            awaitUp(instance);
        }
        supervise();
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

    /** Starts an instance; a restart appends to its log so that what came before the crash stays. */
    private Process spawn(Instance instance, boolean appendLog) {
        String service = instance.service;
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(JVM_OPTIONS);
        command.addAll(classData.options(service, instance.number));
        command.add("-jar");
        command.add(classData.jar(service).toString());
        Map<String, String> env = new LinkedHashMap<>();
        LOCAL_SETTINGS.forEach((variable, value) -> {
            if (System.getenv(variable) == null) {
                env.put(variable, value);
            }
        });
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
        // the other services are called at their first instance (docs/cli.md, Replicas); the gateway: below
        Map.of(
                        "RELOPS_DEPLOY_URL", "deploy-service",
                        "RELOPS_AUDIT_URL", "audit-service",
                        "RELOPS_BACKUP_URL", "backup-service",
                        "RELOPS_ALERT_URL", "alert-service")
                .forEach((variable, other) -> {
                    if (options.servicePorts().containsKey(other)) {
                        env.put(variable, url(other));
                    }
                });
        // the gateway balances over every deploy-service instance, skipping one that is down (docs/cli.md, Replicas)
        if (service.equals("gateway-service") && options.servicePorts().containsKey("deploy-service")) {
            env.put(
                    "RELOPS_DEPLOY_URL",
                    options.ports("deploy-service").stream()
                            .map(port -> "http://localhost:" + port)
                            .collect(java.util.stream.Collectors.joining(",")));
        }
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
        env.put(portVariable(service), Integer.toString(instance.port));
        env.putAll(options.extraEnvironment());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(options.home().toFile())
                .redirectErrorStream(true)
                .redirectOutput(
                        appendLog
                                ? ProcessBuilder.Redirect.appendTo(
                                        logFile(service, instance.number).toFile())
                                : ProcessBuilder.Redirect.to(
                                        logFile(service, instance.number).toFile()));
        // no plaintext token of the launching shell reaches a service
        builder.environment()
                .keySet()
                .removeIf(name -> (name.startsWith("RELOPS_TOKEN_") && !name.endsWith("_SHA256"))
                        || name.equals("RELOPS_GATEWAY_SERVICE_TOKEN"));
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            instance.started = System.nanoTime();
            progress.accept("started " + instance + " (pid " + process.pid() + ", port " + instance.port + ", log "
                    + logFile(service, instance.number) + ")");
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + service, e);
        }
    }

    /**
     * Kills {@code service} (its first instance) the hard way ({@code SIGKILL}: no shutdown hook, no graceful
     * close), as a crash would, and returns once the process is gone. The fault-injection suite uses it. The
     * launcher does not restart what it killed on purpose: {@link #restart} does.
     */
    public void kill(String service) {
        kill(service, 1);
    }

    /** {@link #kill(String)} of instance {@code number} (from 1) of {@code service}. */
    public synchronized void kill(String service, int number) {
        Instance instance = instance(service, number);
        instance.stoppedOnPurpose = true;
        Process process = instance.process;
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(instance + " (pid " + process.pid() + ") survived SIGKILL for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing " + instance, e);
        }
        progress.accept("killed " + instance + " (pid " + process.pid() + ", SIGKILL)");
    }

    /** Starts {@code service} (its first instance) again on its port after {@link #kill}; returns once it is UP. */
    public void restart(String service) {
        restart(service, 1);
    }

    /** {@link #restart(String)} of instance {@code number} (from 1) of {@code service}. */
    public void restart(String service, int number) {
        Instance instance;
        synchronized (this) {
            instance = instance(service, number);
            Process old = instance.process;
            if (old.isAlive()) {
                throw new IllegalStateException(instance + " is still running (pid " + old.pid() + "): kill it first");
            }
            instance.process = spawn(instance, true);
            instance.stoppedOnPurpose = false;
            instance.failures = 0;
            watch(instance);
        }
        awaitUp(instance);
    }

    private Instance instance(String service, int number) {
        for (Instance instance : instances) {
            if (instance.service.equals(service) && instance.number == number) {
                return instance;
            }
        }
        throw new IllegalArgumentException("no instance " + number + " of " + service + " in this suite; services: "
                + options.servicePorts().keySet());
    }

    /**
     * From now on an instance whose process exits by itself (a crash, an OOM kill, {@code kill -9} from outside) is
     * started again after the {@link RestartPolicy}'s backoff, saying so; {@link #close} and {@link #kill} are no
     * crash. The restarts run on a {@link ScheduledExecutorService}; a process's exit is seen by {@link
     * Process#onExit}.
     */
    private synchronized void supervise() {
        if (closing) {
            return;
        }
        AtomicInteger threads = new AtomicInteger();
        supervisor = Executors.newScheduledThreadPool(Math.max(2, instances.size()), task -> {
            Thread thread = new Thread(task, "relops-supervisor-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        instances.forEach(this::watch);
    }

    private void watch(Instance instance) {
        Process process = instance.process;
        process.onExit().thenAccept(this::exited);
    }

    /** A process ended: unless the launcher ended it, restart its instance after the backoff, or give up. */
    private synchronized void exited(Process process) {
        Instance instance = instances.stream()
                .filter(candidate -> candidate.process == process)
                .findFirst()
                .orElse(null);
        if (closing || supervisor == null || instance == null || instance.stoppedOnPurpose) {
            return;
        }
        Duration ranFor = Duration.ofNanos(System.nanoTime() - instance.started);
        RestartPolicy policy = options.restartPolicy();
        RestartPolicy.Decision decision = policy.afterExit(ranFor, instance.failures);
        instance.failures = decision.failures();
        Duration delay = decision.delay();
        if (delay == null) {
            instance.stoppedOnPurpose = true;
            progress.accept(instance + " exited with code " + process.exitValue() + "; " + decision.failures()
                    + (decision.failures() == 1 ? " exit" : " exits in a row") + " within "
                    + seconds(policy.stableAfter()) + " of starting: giving up, it stays stopped (see "
                    + logFile(instance.service, instance.number) + "). The rest of the suite keeps running.");
            return;
        }
        instance.restarts++;
        progress.accept(instance + " exited with code " + process.exitValue() + "; restarting in " + seconds(delay)
                + " (restart " + instance.restarts + ")");
        supervisor.schedule(() -> restartCrashed(instance, process), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void restartCrashed(Instance instance, Process crashed) {
        synchronized (this) {
            if (closing || instance.stoppedOnPurpose || instance.process != crashed) {
                return;
            }
            try {
                instance.process = spawn(instance, true);
            } catch (RuntimeException e) {
                instance.stoppedOnPurpose = true;
                progress.accept("cannot restart " + instance + ": " + e.getMessage());
                return;
            }
            watch(instance);
        }
        try {
            awaitUp(instance);
            progress.accept(instance + " is running again (restart " + instance.restarts + ")");
        } catch (RuntimeException e) {
            // it exited while starting: exited() has seen that and decides what follows
        }
    }

    private static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0
                ? millis / 1000 + " s"
                : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static String portVariable(String service) {
        return service.replace("-service", "").toUpperCase(java.util.Locale.ROOT) + "_PORT";
    }

    private void awaitUp(Instance instance) {
        String service = instance.service;
        int number = instance.number;
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        URI health = URI.create(url(service, number) + "/actuator/health");
        Process process;
        synchronized (this) {
            process = instance.process;
        }
        Duration interval = Duration.ofMillis(500);
        Retry retry = Retry.of(
                "up-" + instance,
                RetryConfig.<Boolean>custom()
                        .maxAttempts((int) (START_TIMEOUT.toMillis() / interval.toMillis()))
                        .intervalFunction(IntervalFunction.of(interval))
                        .retryOnResult(up -> !up)
                        .retryExceptions(IOException.class)
                        .failAfterMaxAttempts(true)
                        .build());
        Path log = logFile(service, number);
        try {
            retry.executeCallable(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException(instance + " exited with code " + process.exitValue() + "; see "
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
                    instance + " did not come up within " + START_TIMEOUT + "; see " + log + ", which ends:\n"
                            + logTail(log),
                    e);
        }
        progress.accept(instance + " is up at " + url(service, number));
    }

    /**
     * The memory the suite takes now (PSS): this launcher with its Kafka broker, every service instance (with what it
     * started) and the embedded PostgreSQL's daemon with its backends, which are not in this process's tree.
     */
    public SuiteMemory memory() {
        Map<String, ProcessHandle> roots = new LinkedHashMap<>();
        synchronized (this) {
            for (Instance instance : instances) {
                roots.put(instance.toString(), instance.process.toHandle());
            }
        }
        if (postgres != null) {
            SuiteMemory.postmaster(options.dataDirectory().resolve("postgres"))
                    .ifPresent(daemon -> roots.put("PostgreSQL", daemon));
        }
        roots.put(broker != null ? "relops up + Kafka broker" : "relops up", ProcessHandle.current());
        return SuiteMemory.measure(roots);
    }

    /** The last lines of a log, so that a failed start says why where it is reported (CI). */
    private static String logTail(Path log) {
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
    public void close() {
        List<Process> processes = new ArrayList<>();
        synchronized (this) {
            closing = true;
            if (supervisor != null) {
                supervisor.shutdownNow();
            }
            instances.forEach(instance -> processes.add(instance.process));
        }
        for (Process service : processes) {
            service.destroy();
        }
        // a service that records its class-data archive writes it as it stops: that takes a few seconds more
        Duration grace = classData.recordingAny() ? Duration.ofMinutes(2) : Duration.ofSeconds(15);
        if (classData.recordingAny() && !processes.isEmpty()) {
            progress.accept("the services write their class-data archives as they stop (this once) ...");
        }
        for (Process service : processes) {
            try {
                if (!service.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    service.destroyForcibly();
                }
            } catch (InterruptedException e) {
                service.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        stopInfrastructure();
    }

    private synchronized void stopInfrastructure() {
        instances.clear();
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

    /** One running copy of a service; its mutable fields are guarded by the suite. */
    private static final class Instance {

        final String service;
        final int number;
        final int port;
        Process process;
        /** System.nanoTime() when its process started. */
        long started;
        /** Ended by the launcher (kill) or given up on: not restarted. */
        boolean stoppedOnPurpose;
        /** The quick failures in a row (RestartPolicy.Decision#failures). */
        int failures;
        /** Restarts after crashes since the suite started. */
        int restarts;

        Instance(String service, int number, int port) {
            this.service = service;
            this.number = number;
            this.port = port;
        }

        @Override
        public String toString() {
            return label(service, number);
        }
    }
}
