package io.relops.local;

import io.relops.common.codec.EventJson;
import io.relops.common.security.Tokens;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code relops up}: the whole suite on embedded defaults, optionally with the demo. The {@code relops} script runs
 * it from {@code local/target/relops-local-exec.jar}; the demo's releases are made with the operator's CLI ({@code
 * cli/target/relops.jar}), as an operator would.
 */
@Command(
        name = "relops up",
        mixinStandardHelpOptions = true,
        version = "relops up 0.1.0",
        description = {
            "Starts an in-process Kafka broker, an embedded PostgreSQL and every relops service, then prints",
            "where everything is. With --demo, releases demo-app 1.0.0, 1.1.0, a broken version and one whose",
            "smoke test fails: both roll back before any traffic reaches them.",
            "A service process that exits by itself is restarted, with backoff. Ctrl-C stops everything."
        })
final class UpCommand implements Callable<Integer> {

    static final String DEFAULT_CATALOG = "config/catalog.yml";

    /** The operator's CLI, in the checkout: the demo releases with it. */
    static final String CLI_JAR = "cli/target/relops.jar";

    static final String[] ROLES = {"operator", "approver", "auditor", "admin", "metrics", "ingest"};

    @Option(
            names = "--demo",
            description = "Release demo-app 1.0.0, 1.1.0, 2.0.0-broken and 2.1.0-badcheckout, printing each event.")
    boolean demo;

    @Option(names = "--exit-after-demo", description = "Stop the suite when the demo has finished (for scripts).")
    boolean exitAfterDemo;

    @Option(
            names = "--data-dir",
            description = "Where the PostgreSQL and Kafka data and the logs live (default: ${DEFAULT-VALUE}).",
            defaultValue = "${env:RELOPS_DATA_DIR:-.relops}")
    Path dataDirectory;

    @Option(
            names = "--postgres-port",
            description = "Port of the embedded PostgreSQL (default: ${DEFAULT-VALUE}).",
            defaultValue = "15432")
    int postgresPort;

    @Option(
            names = "--kafka-port",
            description = "Port of the in-process Kafka broker (default: ${DEFAULT-VALUE}).",
            defaultValue = "9092")
    int kafkaPort;

    @Option(names = "--kafka-bootstrap", description = "Use this Kafka cluster instead of starting one.")
    String kafkaBootstrap;

    @Option(names = "--jdbc-url", description = "Use this PostgreSQL database instead of starting one.")
    String jdbcUrl;

    @Option(
            names = "--catalog",
            paramLabel = "FILE",
            description = "The application catalog every service reads (default: RELOPS_CATALOG, else "
                    + DEFAULT_CATALOG + "; a relative path is taken from the current directory).")
    Path catalog;

    @Option(
            names = "--replicas",
            paramLabel = "SERVICE=N",
            description = {
                "Run N instances of SERVICE, e.g. deploy-service=2 (repeatable, or comma-separated). Instance n listens"
                        + " on the service's port + (n - 1) x 100; all share the database and the broker. The gateway"
                        + " and the other services call the first instance (docs/cli.md, Replicas)."
            })
    List<String> replicas = new ArrayList<>();

    private final Map<String, String> environment;

    UpCommand(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Path home = Path.of(environment.getOrDefault("RELOPS_HOME", "."))
                .toAbsolutePath()
                .normalize();
        Path data = home.resolve(dataDirectory).normalize();
        Path catalogFile;
        try {
            catalogFile = catalog(home);
        } catch (IllegalArgumentException e) {
            System.err.println("relops up: " + e.getMessage());
            return 2;
        }
        Map<String, Integer> replicaCounts;
        try {
            replicaCounts = SuiteOptions.parseReplicas(replicas);
        } catch (IllegalArgumentException e) {
            System.err.println("relops up: " + e.getMessage());
            return 2;
        }
        Path cli = home.resolve(CLI_JAR);
        if (demo && !Files.isRegularFile(cli)) {
            System.err.println("relops up: --demo releases with the CLI, " + cli
                    + ", which is not built (./mvnw -DskipTests package)");
            return 2;
        }
        Map<String, String> tokens = tokens(environment);
        SuiteOptions options = new SuiteOptions(
                        home,
                        data,
                        catalogFile,
                        kafkaBootstrap,
                        kafkaPort,
                        jdbcUrl,
                        null,
                        postgresPort,
                        SuiteOptions.DEFAULT_PORTS,
                        tokens,
                        Map.of())
                .withReplicas(replicaCounts);
        Instant start = Instant.now();
        out.println("relops: starting the local suite (home " + home + ")");
        out.println("relops: catalog " + catalogFile + " (" + catalogSource() + ")");
        LocalSuite suite = new LocalSuite(options, line -> out.println("  " + line));
        try {
            suite.start();
        } catch (RuntimeException e) {
            out.println("relops: the suite did not start: " + e.getMessage());
            suite.close();
            return 1;
        }
        out.printf(
                "%nrelops is ready (%.1f s)%n",
                Duration.between(start, Instant.now()).toMillis() / 1000.0);
        SuiteMemory memory = suite.memory();
        if (memory.processes() > 0) {
            out.println("  memory             " + memory.summary() + " (docs/cli.md, Memory and start time):");
            memory.lines().forEach(line -> out.println("    " + line));
        } else {
            out.println("  memory             not measured (no /proc/<pid>/smaps_rollup: not Linux)");
        }
        out.println("  gateway            " + suite.url("gateway-service") + "   (the operator API)");
        for (String service : SuiteOptions.DEFAULT_PORTS.keySet()) {
            if (!service.equals("gateway-service")) {
                out.printf("  %-18s %s%n", service, suite.url(service));
            }
            for (int instance = 2; instance <= options.replicas(service); instance++) {
                out.printf(
                        "  %-18s %s   (instance %d of %d; %s)%n",
                        LocalSuite.label(service, instance),
                        suite.url(service, instance),
                        instance,
                        options.replicas(service),
                        service.equals("deploy-service")
                                ? "the gateway calls every instance"
                                : "the other services call the first");
            }
        }
        if (catalogFile.equals(home.resolve(DEFAULT_CATALOG))) {
            out.println("  demo-app (stable)  http://localhost:9000/ (local), :9100 (staging), :9200 (production)");
        } else {
            out.println("  applications       those of " + catalogFile.getFileName()
                    + ", on the stable URLs of their routers (`relops app status APP`)");
        }
        out.println("  Kafka bootstrap    " + suite.kafkaBootstrap());
        out.println("  PostgreSQL         " + suite.jdbcUrl() + "   (user postgres)");
        out.println("  logs               " + data.resolve("logs"));
        out.println("  tokens (the services know only their SHA-256; docs/security.md):");
        tokens.forEach((role, token) -> out.printf("    %-9s %s%n", role, token));
        out.println(
                "  try:  curl -s -X POST " + suite.url("gateway-service") + "/api/releases -H 'Authorization: Bearer "
                        + tokens.get("operator") + "' -H 'Content-Type: application/json' \\");
        out.println("          -d '{\"application\":\"demo-app\",\"version\":\"1.0.0\",\"environment\":\"local\"}'");
        int exit = 0;
        if (demo) {
            exit = runDemo(out, cli, suite.url("gateway-service"), tokens.get("operator"));
            if (exitAfterDemo) {
                suite.close();
                return exit;
            }
        }
        out.println("\nA service that exits by itself is restarted (with backoff). Ctrl-C stops everything.");
        awaitStopSignal();
        Instant stopping = Instant.now();
        out.println("relops: stopping the services, then Kafka and PostgreSQL ...");
        suite.close();
        out.printf(
                "relops: stopped (%.1f s)%n",
                Duration.between(stopping, Instant.now()).toMillis() / 1000.0);
        return exit;
    }

    /**
     * Waits for Ctrl-C (SIGINT) or SIGTERM. The suite is then stopped in order on this thread, services first
     * while the broker still answers them; left to the JVM's shutdown hooks, which run all at once, the
     * embedded broker's data directory was deleted under the running broker and the services (a screen of
     * Kafka storage errors, about 20 s to stop).
     */
    private static void awaitStopSignal() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        for (String name : List.of("INT", "TERM")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stop.countDown());
            } catch (IllegalArgumentException e) {
                // the JVM keeps this signal (e.g. -Xrs): its shutdown hook still stops the suite
            }
        }
        stop.await();
    }

    /**
     * The catalog: {@code --catalog}, else {@code RELOPS_CATALOG}, else {@code config/catalog.yml} of the checkout.
     * A given path is taken from the current directory; one that is not a readable file is refused here, naming
     * it, before anything starts.
     */
    Path catalog(Path home) {
        Path file;
        if (catalog != null) {
            file = catalog.toAbsolutePath();
        } else if (!environment.getOrDefault("RELOPS_CATALOG", "").isBlank()) {
            file = Path.of(environment.get("RELOPS_CATALOG")).toAbsolutePath();
        } else {
            file = home.resolve(DEFAULT_CATALOG);
        }
        file = file.normalize();
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("catalog " + file + " (" + catalogSource() + "): no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("catalog " + file + " (" + catalogSource() + "): not a file");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("catalog " + file + " (" + catalogSource() + "): not readable");
        }
        return file;
    }

    private String catalogSource() {
        if (catalog != null) {
            return "--catalog";
        }
        return environment.getOrDefault("RELOPS_CATALOG", "").isBlank() ? "the default" : "RELOPS_CATALOG";
    }

    /**
     * The demo, made with the operator's CLI ({@code relops release create ... --wait}, whose events go to
     * stderr as they arrive): exit 0 when every release ended as {@link DemoReleases} expects (1.0.0 and 1.1.0
     * completed; 2.0.0-broken rolled back by its health probe, 2.1.0-badcheckout, healthy but with a broken
     * checkout, by the catalog's smoke test), else 1 saying what went otherwise.
     */
    private static int runDemo(PrintStream out, Path cli, String gateway, String token) throws InterruptedException {
        List<DemoReleases.Outcome> outcomes = new ArrayList<>();
        for (String version : DemoReleases.versions()) {
            out.printf("%n== release demo-app %s%n", version);
            out.flush();
            Instant start = Instant.now();
            ProcessBuilder release = new ProcessBuilder(
                            LocalSuite.java(),
                            "-XX:+UseSerialGC",
                            "-XX:TieredStopAtLevel=1",
                            "-jar",
                            cli.toString(),
                            "release",
                            "create",
                            "demo-app",
                            version,
                            "--environment",
                            "local",
                            "--wait",
                            "--timeout",
                            "2m",
                            "--output",
                            "json")
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            release.environment().put("RELOPS_SERVER", gateway);
            release.environment().put("RELOPS_TOKEN", token);
            String answer;
            int exit;
            try {
                Process process = release.start();
                answer = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                exit = process.waitFor();
            } catch (IOException e) {
                out.println("relops: cannot run the CLI " + cli + ": " + e.getMessage());
                return 1;
            }
            JsonNode result;
            try {
                result = EventJson.mapper().readTree(answer);
            } catch (JacksonException e) {
                result = null;
            }
            DemoReleases.Outcome outcome =
                    DemoReleases.Outcome.of(version, result, Duration.between(start, Instant.now()));
            if (outcome.status().equals("UNKNOWN")) {
                out.println("  the CLI ended with exit code " + exit + (answer.isBlank() ? "" : ": " + answer.strip()));
            }
            outcomes.add(outcome);
        }
        out.println("\n== summary");
        DemoReleases.summary(outcomes).forEach(out::println);
        out.println("  demo-app now serves: " + stable());
        List<String> unexpected = DemoReleases.unexpected(outcomes);
        unexpected.forEach(problem -> out.println("relops: the demo did not go as expected: " + problem));
        return unexpected.isEmpty() ? 0 : 1;
    }

    private static String stable() {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://localhost:9000/"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + " " + response.body();
        } catch (Exception e) {
            return "unreachable (" + e.getMessage() + ")";
        }
    }

    /** Each role's token from RELOPS_TOKEN_<ROLE>, else a generated one; services get only their hashes. */
    static Map<String, String> tokens(Map<String, String> environment) {
        Map<String, String> tokens = new LinkedHashMap<>();
        for (String role : ROLES) {
            String given = environment.get("RELOPS_TOKEN_" + role.toUpperCase(java.util.Locale.ROOT));
            if (given != null && !given.isBlank()) {
                tokens.put(role, given);
            } else {
                tokens.put(role, Tokens.generate(role));
            }
        }
        return tokens;
    }
}
