package io.relops.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relops.common.codec.EventJson;
import io.relops.local.LocalSuite;
import io.relops.local.SuiteOptions;
import io.relops.testkit.Kafka;
import io.relops.testkit.Ports;
import io.relops.testkit.Postgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The real {@code relops} CLI (its main entry, in-process, with captured stdout, stderr and exit code) against the
 * local suite: every service from its packaged jar over a real Kafka broker and PostgreSQL (testkit), the CLI's
 * requests going through the gateway and its query routes. Releases of demo-app need approval here
 * (SPRING_APPLICATION_JSON), so that four-eyes approval runs through the CLI too; its {@code production} environment
 * takes versions from {@code local} (promotion).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RelopsCliIT {

    /** One run of the CLI. */
    record Run(int exit, String out, String err) {

        JsonNode json() {
            return EventJson.mapper().readTree(out);
        }
    }

    private static LocalSuite suite;
    /** What the launcher said (its progress lines), for the supervision test. */
    private static final List<String> launcher = new java.util.concurrent.CopyOnWriteArrayList<>();

    private static Map<String, String> tokens;
    private static String completedRelease;
    private static String brokenRelease;
    private static String backupId;

    @TempDir
    static Path files;

    @BeforeAll
    static void startSuite() throws IOException {
        Path home = Path.of(System.getProperty("relops.home", ".."))
                .toAbsolutePath()
                .normalize();
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Integer> ports = new LinkedHashMap<>();
        SuiteOptions.DEFAULT_PORTS.keySet().forEach(service -> ports.put(service, freePort()));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DEMO_APP_PORT", Integer.toString(freePort()));
        env.put("DEMO_APP_BLUE_PORT", Integer.toString(freePort()));
        env.put("DEMO_APP_GREEN_PORT", Integer.toString(freePort()));
        env.put("RELOPS_TOPICS_RELEASE", "relops.release." + run);
        env.put("RELOPS_TOPICS_HEALTH", "relops.health." + run);
        env.put("RELOPS_TOPICS_BACKUP", "relops.backup." + run);
        env.put("RELOPS_TOPICS_ALERT", "relops.alert." + run);
        env.put(
                "SPRING_APPLICATION_JSON",
                "{\"relops\":{\"applications\":{\"demo-app\":{\"environments\":{\"local\":"
                        + "{\"approval\":{\"required\":true,\"role\":\"approver\"}},"
                        + "\"production\":{\"approval\":{\"required\":true},\"promotion\":{\"from\":\"local\"}}}}}}}");
        tokens = Map.of(
                "operator", "cli-operator-" + run,
                "approver", "cli-approver-" + run,
                "auditor", "cli-auditor-" + run,
                "admin", "cli-admin-" + run);
        Postgres.Server db = Postgres.server();
        SuiteOptions options = new SuiteOptions(
                home,
                Files.createTempDirectory("relops-cli-it-"),
                home.resolve("config/catalog.yml"),
                Kafka.bootstrapServers(),
                0,
                Postgres.freshDatabase("relops_cli"),
                db.username(),
                0,
                ports,
                tokens,
                env);
        suite = new LocalSuite(options, line -> {
                    launcher.add(line);
                    System.out.println("[suite] " + line);
                })
                .start();
    }

    @AfterAll
    static void stopSuite() {
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    @Order(1)
    void createWaitsThroughFourEyesApprovalUntilTheReleaseCompletes() throws Exception {
        CompletableFuture<Run> create = CompletableFuture.supplyAsync(() -> relops(
                "operator",
                "release",
                "create",
                "demo-app",
                "1.0.0",
                "-e",
                "local",
                "--wait",
                "--timeout",
                "3m",
                "--output",
                "json"));

        String releaseId = awaitingApproval();
        Run selfApproval = relops("operator", "release", "approve", releaseId);
        assertThat(selfApproval.exit()).as(selfApproval.err()).isEqualTo(ExitCode.AUTH);
        assertThat(selfApproval.err())
                .startsWith("relops: 403")
                .contains("need the role 'approver'")
                .endsWith("/approve)\n");

        Run approval = relops("approver", "release", "approve", releaseId, "--comment", "looks good");
        assertThat(approval.exit()).as(approval.err()).isZero();
        assertThat(approval.out()).contains("release " + releaseId + ": approve accepted");

        Run created = create.get(3, TimeUnit.MINUTES);
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.json().path("status").asString()).isEqualTo("COMPLETED");
        assertThat(created.json().path("releaseId").asString()).isEqualTo(releaseId);
        assertThat(created.err())
                .contains("release " + releaseId + " requested")
                .contains("io.relops.release.approved")
                .contains("io.relops.release.completed");
        completedRelease = releaseId;
    }

    @Test
    @Order(2)
    void listsAndGetsReleasesAsJsonAndAsATable() {
        Run list = relops("operator", "release", "list", "--application", "demo-app", "--output", "json");
        assertThat(list.exit()).as(list.err()).isZero();
        List<String> ids = new ArrayList<>();
        list.json().forEach(release -> ids.add(release.path("releaseId").asString()));
        assertThat(ids).contains(completedRelease);

        Run get = relops("approver", "release", "get", completedRelease, "--output", "json");
        assertThat(get.exit()).as(get.err()).isZero();
        assertThat(get.json().path("status").asString()).isEqualTo("COMPLETED");
        assertThat(get.json().path("approvedBy").asString()).isEqualTo("local-approver");
        assertThat(get.json().path("timeline")).isNotEmpty();

        Run table = relops("auditor", "release", "get", completedRelease);
        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.out()).contains("status:", "COMPLETED", "TIME", "io.relops.release.completed");
    }

    @Test
    @Order(3)
    void exitsOneWhenAWaitedReleaseRollsBack() throws Exception {
        CompletableFuture<Run> create = CompletableFuture.supplyAsync(() -> relops(
                "operator",
                "release",
                "create",
                "demo-app",
                "2.0.0-broken",
                "-e",
                "local",
                "--wait",
                "--timeout",
                "3m"));
        String releaseId = awaitingApproval();
        assertThat(relops("approver", "release", "approve", releaseId).exit()).isZero();

        Run created = create.get(3, TimeUnit.MINUTES);
        assertThat(created.exit()).as(created.out() + created.err()).isEqualTo(ExitCode.FAILED);
        assertThat(created.out()).contains("release " + releaseId + " ROLLED_BACK");
        assertThat(created.err()).contains("io.relops.health.failed", "io.relops.rollback.completed");
        brokenRelease = releaseId;
    }

    @Test
    @Order(4)
    void rollsACompletedReleaseBack() throws Exception {
        Run requested = relops("operator", "release", "create", "demo-app", "1.1.0", "-e", "local", "--output", "json");
        assertThat(requested.exit()).as(requested.err()).isZero();
        String releaseId = requested.json().path("releaseId").asString();
        assertThat(awaitingApproval()).isEqualTo(releaseId);
        Run approved = relops("approver", "release", "approve", releaseId, "--wait", "--timeout", "3m");
        assertThat(approved.exit()).as(approved.out() + approved.err()).isZero();
        assertThat(approved.out()).contains("release " + releaseId + " COMPLETED");

        Run rollback = relops(
                "operator", "release", "rollback", releaseId, "--reason", "cli test", "--wait", "--timeout", "2m");
        assertThat(rollback.exit()).as(rollback.out() + rollback.err()).isZero();
        assertThat(rollback.out()).contains("release " + releaseId + " ROLLED_BACK");

        Run again = relops("operator", "release", "rollback", releaseId);
        assertThat(again.exit()).as(again.err()).isEqualTo(ExitCode.CONFLICT);
        assertThat(again.err()).startsWith("relops: 409").contains("it is ROLLED_BACK");
    }

    @Test
    @Order(5)
    void takesABackupWithProgressListsAndVerifiesIt() {
        Run created = relops("operator", "backup", "create", "demo-app", "--wait", "--timeout", "2m");
        assertThat(created.exit()).as(created.out() + created.err()).isZero();
        assertThat(created.out()).startsWith("backup ").contains(" COMPLETED");
        backupId = created.out().split(" ")[1];
        assertThat(created.err()).contains("backup " + backupId).contains("COMPLETED");

        Run list = relops("auditor", "backup", "list", "-a", "demo-app", "--output", "json");
        assertThat(list.exit()).as(list.err()).isZero();
        List<String> ids = new ArrayList<>();
        list.json().forEach(backup -> ids.add(backup.path("id").asString()));
        assertThat(ids).contains(backupId);
        assertThat(relops("auditor", "backup", "list").out()).contains(backupId, "COMPLETED");

        Run verified = relops("operator", "backup", "verify", backupId, "--wait", "--timeout", "2m");
        assertThat(verified.exit()).as(verified.out() + verified.err()).isZero();
        assertThat(verified.out()).contains("backup " + backupId + " verification PASSED");

        Run get = relops("operator", "backup", "get", backupId, "--output", "json");
        assertThat(get.json().path("verification").asString()).isEqualTo("PASSED");
    }

    @Test
    @Order(6)
    void restoresABackupAsAdminOnly() {
        Run refused = relops("operator", "backup", "restore", backupId);
        assertThat(refused.exit()).isEqualTo(ExitCode.AUTH);

        Run restored = relops("admin", "backup", "restore", backupId, "--wait", "--timeout", "2m");
        assertThat(restored.exit()).as(restored.out() + restored.err()).isZero();
        assertThat(restored.out()).contains("of backup " + backupId).contains("COMPLETED");
    }

    @Test
    @Order(7)
    void addsListsAndExpiresASilence() {
        // --created-by names someone else: ignored, the operator's token name is recorded
        Run added = relops(
                "operator",
                "silence",
                "add",
                "alertname=CliTest",
                "application=~demo-.*",
                "--duration",
                "30m",
                "--comment",
                "maintenance",
                "--created-by",
                "mallory");
        assertThat(added.exit()).as(added.err()).isZero();
        String silenceId = added.out().strip();
        assertThat(UUID.fromString(silenceId)).isNotNull();

        Run list = relops("approver", "silence", "list", "--state", "active", "--output", "json");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains(silenceId);
        assertThat(relops("approver", "silence", "list").out()).contains(silenceId, "alertname=CliTest");
        JsonNode silence = null;
        for (JsonNode s : list.json()) {
            if (s.path("id").asString().equals(silenceId)) {
                silence = s;
            }
        }
        assertThat(silence).isNotNull();
        assertThat(silence.path("createdBy").asString()).isEqualTo("local-operator");

        Run expired = relops("operator", "silence", "expire", silenceId);
        assertThat(expired.exit()).as(expired.err()).isZero();
        assertThat(expired.out()).contains("silence " + silenceId + " expired");

        // both are in the audit log with the operator as actor
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    Run search = relops(
                            "auditor",
                            "audit",
                            "search",
                            "--actor",
                            "local-operator",
                            "--limit",
                            "1000",
                            "--output",
                            "json");
                    assertThat(search.exit()).as(search.err()).isZero();
                    List<String> types = new ArrayList<>();
                    search.json().forEach(record -> {
                        if (record.path("data").path("silenceId").asString().equals(silenceId)) {
                            types.add(record.path("type").asString());
                        }
                    });
                    assertThat(types).containsExactly("io.relops.silence.created", "io.relops.silence.expired");
                });
        assertThat(relops("auditor", "audit", "search", "--actor", "mallory", "--output", "json")
                        .json())
                .isEmpty();
    }

    @Test
    @Order(8)
    void listsTheRolledBackAlertAndAcknowledgesIt() {
        JsonNode alert = await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> {
                            for (JsonNode a : relops("operator", "alert", "list", "--output", "json")
                                    .json()) {
                                if (a.path("labels")
                                        .path("alertname")
                                        .asString()
                                        .equals("RolledBack")) {
                                    return a;
                                }
                            }
                            return null;
                        },
                        a -> a != null);
        assertThat(relops("operator", "alert", "list").out())
                .contains("RolledBack", alert.path("fingerprint").asString());

        Run ack = relops(
                "operator", "alert", "ack", alert.path("fingerprint").asString(), "--by", "ops", "--output", "json");
        assertThat(ack.exit()).as(ack.err()).isZero();
        // --by is sent and ignored: who acknowledged is the token's name
        assertThat(ack.json().path("acknowledgedBy").asString()).isEqualTo("local-operator");
    }

    @Test
    @Order(9)
    void searchesVerifiesExportsTheAuditLogAndShowsEvidence() throws Exception {
        Run search = relops("auditor", "audit", "search", "--release", completedRelease, "--output", "json");
        assertThat(search.exit()).as(search.err()).isZero();
        List<String> types = new ArrayList<>();
        search.json().forEach(record -> types.add(record.path("type").asString()));
        assertThat(types).contains("io.relops.release.requested", "io.relops.release.approved");

        Run verify = relops("auditor", "audit", "verify");
        assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).startsWith("VALID");

        Path export = files.resolve("audit.jsonl");
        Run exported = relops("admin", "audit", "export", "--file", export.toString());
        assertThat(exported.exit()).as(exported.err()).isZero();
        assertThat(exported.err()).contains("exported", export.toString());
        assertThat(Files.size(export)).isPositive();
        Path key = files.resolve("audit.pem");
        Run publicKey = relops("auditor", "audit", "public-key");
        Files.writeString(key, publicKey.out());
        Run offline = relops("auditor", "audit", "verify", "--file", export.toString(), "--public-key", key.toString());
        assertThat(offline.exit()).as(offline.out() + offline.err()).isZero();
        assertThat(offline.out()).startsWith("VALID");

        // audit-service records asynchronously, and an export ends at the newest signed checkpoint (so that it
        // verifies offline): the rolled-back release's last event appears once a checkpoint covers it
        Run stdout = await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                        () -> relops("auditor", "audit", "export", "--release", brokenRelease),
                        run -> run.exit() == 0 && run.out().contains("io.relops.rollback.completed"));
        assertThat(stdout.out().lines()).anySatisfy(line -> assertThat(line).contains("io.relops.rollback.completed"));

        Run evidence = relops("auditor", "audit", "evidence", completedRelease, "--output", "json");
        assertThat(evidence.exit()).as(evidence.err()).isZero();
        assertThat(evidence.json().path("releaseId").asString()).isEqualTo(completedRelease);
        assertThat(evidence.json().path("version").asString()).isEqualTo("1.0.0");

        Run html = relops("auditor", "audit", "evidence", completedRelease, "--format", "html");
        assertThat(html.out()).contains("<html", completedRelease);

        assertThat(relops("operator", "audit", "search").exit()).isEqualTo(ExitCode.AUTH);
    }

    @Test
    @Order(10)
    void exitsWithTheDocumentedCodesOnErrors() {
        Run badToken = relops(Map.of("RELOPS_SERVER", gateway(), "RELOPS_TOKEN", "not-a-token"), "release", "list");
        assertThat(badToken.exit()).isEqualTo(ExitCode.AUTH);
        assertThat(badToken.err())
                .startsWith("relops: 401")
                .contains("bearer token")
                .endsWith("\n");
        assertThat(badToken.err().lines()).hasSize(1);

        Run unknown = relops("operator", "release", "get", UUID.randomUUID().toString());
        assertThat(unknown.exit()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(unknown.err()).startsWith("relops: 404");

        Run unknownBackup =
                relops("operator", "backup", "get", UUID.randomUUID().toString());
        assertThat(unknownBackup.exit()).isEqualTo(ExitCode.NOT_FOUND);

        Run notAnApplication = relops("operator", "release", "create", "no-such-app", "1.0.0", "-e", "local");
        assertThat(notAnApplication.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(notAnApplication.err()).contains("not in the application catalog");

        Run conflict = relops("approver", "release", "approve", completedRelease);
        assertThat(conflict.exit()).isEqualTo(ExitCode.CONFLICT);
    }

    /**
     * Last, since it takes deploy-service away for a while: deploy-service crashes (SIGKILL from outside the
     * launcher, as the kernel's OOM killer would), the launcher says so, starts it again, and the CLI's requests
     * through the gateway are answered by the new process, which sees what the old one recorded.
     */
    @Test
    @Order(100)
    void theLauncherRestartsACrashedServiceAndTheSuiteWorksAgain() {
        long crashed = suite.pid("deploy-service", 1);
        ProcessHandle process = ProcessHandle.of(crashed).orElseThrow();
        assertThat(process.destroyForcibly()).isTrue();

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(launcher)
                        .contains("deploy-service exited with code 137; restarting in 1 s (restart 1)"));
        await().atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(launcher).contains("deploy-service is running again (restart 1)"));
        assertThat(suite.pid("deploy-service", 1)).isNotEqualTo(crashed);
        assertThat(process.isAlive()).isFalse();

        Run list = relops("operator", "release", "list", "--output", "json");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.json().findValuesAsString("releaseId")).contains(completedRelease, brokenRelease);
        assertThat(suite.logFile("deploy-service"))
                .content()
                .as("the restarted process appends to the crashed one's log")
                .containsPattern("(?s)Started \\w+.*Started \\w+");
    }

    /** The release of demo-app waiting for approval, once there is one. */
    private static String awaitingApproval() {
        return await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> {
                            JsonNode waiting = relops(
                                            "operator",
                                            "release",
                                            "list",
                                            "--status",
                                            "AWAITING_APPROVAL",
                                            "--output",
                                            "json")
                                    .json();
                            return waiting.isEmpty()
                                    ? null
                                    : waiting.get(0).path("releaseId").asString();
                        },
                        id -> id != null);
    }

    private static String gateway() {
        return suite.url("gateway-service");
    }

    @Test
    @Order(11)
    void showsTheApplicationPerEnvironmentAndRefusesAPromotionOfARolledBackVersion() {
        Run status = relops("auditor", "app", "status", "demo-app", "--json");
        assertThat(status.exit()).as(status.err()).isZero();
        JsonNode local = null;
        JsonNode production = null;
        for (JsonNode environment : status.json().path("environments")) {
            if (environment.path("environment").asString().equals("local")) {
                local = environment;
            } else if (environment.path("environment").asString().equals("production")) {
                production = environment;
            }
        }
        assertThat(local).as(status.out()).isNotNull();
        assertThat(production).as(status.out()).isNotNull();
        assertThat(local.path("liveVersion").asString())
                .as("1.1.0 was rolled back")
                .isEqualTo("1.0.0");
        assertThat(local.path("lastRelease").path("version").asString()).isEqualTo("1.1.0");
        assertThat(local.path("lastRelease").path("status").asString()).isEqualTo("ROLLED_BACK");
        JsonNode promotion = production.path("promotion");
        assertThat(promotion.path("from").asString()).isEqualTo("local");
        assertThat(promotion.path("candidateVersion").asString()).isEqualTo("1.0.0");
        assertThat(promotion.path("ready").asBoolean()).isTrue();
        assertThat(promotion.path("approvalRequired").asBoolean()).isTrue();

        Run table = relops("operator", "app", "status", "demo-app");
        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.out()).contains("from local: 1.0.0 ready, approval needed");

        Run rolledBack = relops("operator", "release", "create", "demo-app", "1.1.0", "-e", "production");
        assertThat(rolledBack.exit()).as(rolledBack.out() + rolledBack.err()).isEqualTo(ExitCode.CONFLICT);
        assertThat(rolledBack.err())
                .startsWith("relops: 409 Promotion refused: promotion to production refused: demo-app 1.1.0 was rolled"
                        + " back in local at ");

        Run nothing = relops("operator", "release", "promote-env", "demo-app", "production", "local");
        assertThat(nothing.exit()).as(nothing.err()).isEqualTo(ExitCode.FAILED);
        assertThat(nothing.err()).startsWith("relops: production runs no version of demo-app");
    }

    private static Run relops(String role, String... args) {
        return relops(Map.of("RELOPS_SERVER", gateway(), "RELOPS_TOKEN", tokens.get(role)), args);
    }

    private static Run relops(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = RelopsCli.run(env, new PrintWriter(out, true), new PrintWriter(err, true), false, args);
        // the transcript, for the failsafe report
        System.out.printf("$ relops %s%n%s%s[exit %d]%n", String.join(" ", args), out, err, exit);
        return new Run(exit, out.toString(), err.toString());
    }

    private static int freePort() {
        return Ports.free();
    }
}
