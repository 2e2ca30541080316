package io.relops.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relops.common.codec.EventJson;
import io.relops.local.LocalSuite;
import io.relops.local.SuiteOptions;
import java.io.IOException;
import java.net.ServerSocket;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * The acceptance test of deploy-service with replicas (docs/deploy-service.md, "Replicas"): two deploy-service
 * processes on one PostgreSQL and Kafka, both given to the gateway (which load-balances over them and skips the one
 * that is down), healthcheck-service, and a webhook target whose external system calls back <b>through the gateway</b>. The
 * instance that sent the deploy request is killed with SIGKILL while the external system holds its callback; the
 * callback then reaches the other instance, which holds the deploy call once its lease expires: the release
 * completes exactly once and the target received exactly one deploy request. A replay of the callback is refused.
 */
class DeployServiceReplicasIT {

    private static final String APPLICATION = "replicas-app";
    private static final Duration WAIT = Duration.ofMinutes(4);

    private static Path work;
    private static TargetReceiver receiver;
    private static LocalSuite suite;
    private static int replica;
    private static String operatorToken;
    private static boolean passed;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path home = Path.of(System.getProperty("relops.home", ".."))
                .toAbsolutePath()
                .normalize();
        work = Files.createTempDirectory("relops-replicas-");
        String run = UUID.randomUUID().toString().substring(0, 8);
        String secret = "replicas-webhook-" + run;
        receiver = new TargetReceiver(secret);

        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String service : List.of("deploy-service", "healthcheck-service", "gateway-service")) {
            ports.put(service, freePort());
        }
        int replicaPort = freePort();
        Path catalog = work.resolve("catalog.yml");
        Files.writeString(catalog, catalog(secret));
        Map<String, String> tokens = new LinkedHashMap<>();
        for (String role : List.of("operator", "approver", "auditor", "admin")) {
            tokens.put(role, "replicas-" + role + "-" + run);
        }
        operatorToken = tokens.get("operator");
        SuiteOptions options = new SuiteOptions(
                home,
                work.resolve("data"),
                catalog,
                null,
                0,
                null,
                null,
                0,
                ports,
                tokens,
                Map.of(
                        // the gateway balances over both instances; the second starts after the suite
                        "RELOPS_DEPLOY_URL",
                        "http://localhost:" + ports.get("deploy-service") + ",http://localhost:" + replicaPort,
                        // the services this test does not run: nothing listens there
                        "RELOPS_AUDIT_URL",
                        "http://127.0.0.1:9",
                        "RELOPS_BACKUP_URL",
                        "http://127.0.0.1:9",
                        "RELOPS_ALERT_URL",
                        "http://127.0.0.1:9",
                        // a killed instance's calls are taken up after this
                        "RELOPS_DEPLOY_TASKLEASE",
                        "6s"));
        suite = new LocalSuite(options, line -> System.out.println("[replicas] " + line)).start();
        replica = suite.startInstance("deploy-service", replicaPort);
    }

    @AfterAll
    static void stop() {
        if (suite != null) {
            suite.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        if (passed) {
            FileSystemUtils.deleteRecursively(work.toFile());
        } else {
            System.out.println("[replicas] work directory kept for the failure: " + work);
        }
    }

    @Test
    void aReleaseCompletesOnceWhenTheInstanceThatAskedTheTargetIsKilledBeforeTheCallback() throws Exception {
        receiver.holdCallbacks();
        String releaseId = requestRelease("1.0.0");

        // the deploy request reached the target, and deploy-service recorded it as sent
        await("the deploy request at the target")
                .atMost(WAIT)
                .until(() -> !deployCalls(releaseId).isEmpty());
        await("the deploy request recorded as sent")
                .atMost(Duration.ofSeconds(30))
                .until(() -> "sent"
                        .equals(query("select state from deploy.webhook_deploy where release_id = ?", releaseId)
                                .orElse(null)));
        String owner = query(
                        "select lease_owner from deploy.release_task where release_id = ? and kind = 'DEPLOY'",
                        releaseId)
                .orElseThrow(() -> new AssertionError("the deploy call of " + releaseId + " is not leased"));
        long senderPid = Long.parseLong(owner.substring(0, owner.indexOf('@')));
        int sender = senderPid == suite.pid("deploy-service", 1) ? 1 : replica;
        assertThat(suite.pid("deploy-service", sender))
                .as("the instance leasing the deploy call (%s)", owner)
                .isEqualTo(senderPid);
        // SIGKILL; the launcher does not restart what it killed
        suite.kill("deploy-service", sender);
        System.out.println("[replicas] killed the deploy-service instance that sent the deploy request (pid "
                + senderPid + ", SIGKILL)");

        // the external system calls back through the gateway: the surviving instance takes it
        receiver.releaseCallbacks();
        await("the callback answered")
                .atMost(WAIT)
                .until(() -> !receiver.callbackAnswers().isEmpty());
        assertThat(receiver.callbackAnswers())
                .as("answers to the callback through the gateway")
                .containsExactly(202);

        await("release " + releaseId + " completed")
                .atMost(WAIT)
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .until(() -> status(releaseId), "COMPLETED"::equals);
        assertThat(deployCalls(releaseId))
                .as("deploy requests of the release at the target")
                .hasSize(1);
        assertThat(query(
                        // the transition into COMPLETED; notes taken while COMPLETED (an event ignored) have that
                        // status too
                        "select count(*) from deploy.release_history where release_id = ? and status = 'COMPLETED'"
                                + " and message like '% is live on slot %'",
                        releaseId))
                .as("times the release completed")
                .hasValue("1");
        assertThat(receiver.replayCallback(releaseId))
                .as("a replay of the callback through the gateway")
                .isEqualTo(409);
        passed = true;
    }

    private List<TargetReceiver.TargetCall> deployCalls(String releaseId) {
        return receiver.targetCalls().stream()
                .filter(call -> call.action().equals("deploy") && releaseId.equals(call.releaseId()))
                .toList();
    }

    private String requestRelease(String version) throws Exception {
        HttpResponse<String> answer = http.send(
                HttpRequest.newBuilder(URI.create(suite.url("gateway-service") + "/api/releases"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + operatorToken)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"application\":\"" + APPLICATION
                                + "\",\"version\":\"" + version + "\",\"environment\":\"local\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        return EventJson.mapper().readTree(answer.body()).path("releaseId").asString();
    }

    /**
     * The release's status through the gateway's release list (deploy-service, whichever instance is alive; the
     * release page would need audit-service, which this test does not run).
     */
    private String status(String releaseId) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(
                HttpRequest.newBuilder(URI.create(suite.url("gateway-service") + "/api/releases?application="
                                + APPLICATION + "&limit=50"))
                        .timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + operatorToken)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IOException("GET /api/releases answered " + answer.statusCode() + ": " + answer.body());
        }
        for (var release : EventJson.mapper().readTree(answer.body())) {
            if (release.path("releaseId").asString().equals(releaseId)) {
                return release.path("status").asString();
            }
        }
        throw new IOException("release " + releaseId + " is not in the gateway's list: " + answer.body());
    }

    /** The first column of the first row, as text. */
    private static Optional<String> query(String sql, String releaseId) throws SQLException {
        try (Connection connection = DriverManager.getConnection(suite.jdbcUrl(), "postgres", "");
                var statement = connection.prepareStatement(sql)) {
            statement.setObject(1, UUID.fromString(releaseId));
            try (var rows = statement.executeQuery()) {
                return rows.next() ? Optional.ofNullable(rows.getString(1)) : Optional.empty();
            }
        }
    }

    private static String catalog(String secret) {
        return """
                relops:
                  applications:
                    %1$s:
                      environments:
                        local:
                          approval:
                            required: false
                      strategy: blue-green
                      blue-green:
                        keep-previous: 5s
                        drain: 1s
                      progress-deadlines:
                        deploy: 3m
                        verify: 2m
                      target:
                        type: webhook
                        webhook:
                          url: %2$s
                          secret: %3$s
                          deadline: 3m
                          timeout: 5s
                      health:
                        allowed-hosts: [127.0.0.1, localhost]
                        initial-delay: 0s
                        interval: 300ms
                        successes: 3
                        failures: 2
                        deadline: 60s
                        watch-window: 1m
                        probes:
                          - name: health
                            type: http
                            url: "{endpoint}/health"
                            expect-status: [200]
                            timeout: 2s
                """.formatted(APPLICATION, receiver.url("/target"), secret);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
