package io.relops.cli;

import io.relops.common.release.ReleaseStatus;
import io.relops.local.LocalSuite;
import io.relops.local.SuiteOptions;
import io.relops.local.Tokens;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

/** {@code relops up}: the whole suite on embedded defaults, optionally with the demo. */
@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description = {
            "Starts an in-process Kafka broker, an embedded PostgreSQL and every relops service, then prints",
            "where everything is. With --demo, releases demo-app 1.0.0, 1.1.0 and a broken version that rolls back.",
            "Ctrl-C stops everything."
        })
final class UpCommand implements Callable<Integer> {

    static final String[] ROLES = {"operator", "approver", "auditor", "admin", "metrics"};

    @Option(names = "--demo", description = "Release demo-app 1.0.0, 1.1.0 and 2.0.0-broken, printing each event.")
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

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Path home = Path.of(System.getenv().getOrDefault("RELOPS_HOME", "."))
                .toAbsolutePath()
                .normalize();
        Path data = home.resolve(dataDirectory).normalize();
        Map<String, String> tokens = tokens();
        SuiteOptions options = new SuiteOptions(
                home,
                data,
                home.resolve("config/catalog.yml"),
                kafkaBootstrap,
                kafkaPort,
                jdbcUrl,
                null,
                postgresPort,
                SuiteOptions.DEFAULT_PORTS,
                tokens,
                Map.of());
        Instant start = Instant.now();
        out.println("relops: starting the local suite (home " + home + ")");
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
        out.println("  gateway            " + suite.url("gateway-service") + "   (the operator API)");
        for (String service : SuiteOptions.DEFAULT_PORTS.keySet()) {
            if (!service.equals("gateway-service")) {
                out.printf("  %-18s %s%n", service, suite.url(service));
            }
        }
        out.println("  demo-app (stable)  http://localhost:9000/");
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
            exit = runDemo(out, URI.create(suite.url("gateway-service")), tokens.get("operator"));
            if (exitAfterDemo) {
                suite.close();
                return exit;
            }
        }
        out.println("\nCtrl-C stops everything.");
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

    private static int runDemo(PrintStream out, URI gateway, String token) {
        GatewayClient client = new GatewayClient(gateway, token);
        ReleaseWatcher watcher = new ReleaseWatcher(client, new java.io.PrintWriter(out, true));
        List<ReleaseWatcher.Outcome> outcomes = new ArrayList<>();
        for (String version : List.of("1.0.0", "1.1.0", "2.0.0-broken")) {
            out.printf("%n== release demo-app %s%n", version);
            GatewayClient.Answer answer = client.requestRelease("demo-app", version, "local");
            if (answer.status() != 202) {
                out.println("  refused: " + answer.status() + " " + answer.body());
                return 1;
            }
            out.println("  202 Accepted, " + answer.location());
            outcomes.add(watcher.watch(answer.location(), version, Duration.ofMinutes(2)));
        }
        out.println("\n== summary");
        for (ReleaseWatcher.Outcome outcome : outcomes) {
            out.printf(
                    "  demo-app %-13s %-12s %5.1f s  release %s%n",
                    outcome.version(), outcome.status(), outcome.took().toMillis() / 1000.0, outcome.releaseId());
        }
        out.println("  demo-app now serves: " + stable());
        boolean expected = outcomes.size() == 3
                && outcomes.get(0).status().equals(ReleaseStatus.COMPLETED.name())
                && outcomes.get(1).status().equals(ReleaseStatus.COMPLETED.name())
                && outcomes.get(2).status().equals(ReleaseStatus.ROLLED_BACK.name());
        return expected ? 0 : 1;
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
    static Map<String, String> tokens() {
        Map<String, String> tokens = new LinkedHashMap<>();
        for (String role : ROLES) {
            String given = System.getenv("RELOPS_TOKEN_" + role.toUpperCase(java.util.Locale.ROOT));
            if (given != null && !given.isBlank()) {
                tokens.put(role, given);
            } else {
                tokens.put(role, Tokens.generate(role));
            }
        }
        return tokens;
    }
}
