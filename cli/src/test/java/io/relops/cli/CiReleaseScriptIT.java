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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * {@code examples/ci/release.sh}, as a CI system runs it ({@code sh}, {@code SKIP_IMAGE=1}: no Docker engine here;
 * {@code RELOPS} the checkout's {@code ./relops}), against the local suite from its packaged jars over a real Kafka
 * broker and PostgreSQL (testkit). demo-app's {@code staging} and {@code production} are given here, as the catalog
 * declares them (docs/deploy-service.md): production needs an approver and takes only what completed in staging;
 * each environment has its own ports.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CiReleaseScriptIT {

    /** One run of release.sh: its exit code and what it printed. */
    record Script(int exit, String output) {}

    /** release.sh running, printing to {@code log}. */
    record Running(Process process, Path log) {}

    private static LocalSuite suite;
    private static Path home;
    private static Path work;
    private static Map<String, String> tokens;

    @BeforeAll
    static void startSuite() throws IOException {
        home = Path.of(System.getProperty("relops.home", "..")).toAbsolutePath().normalize();
        work = Files.createTempDirectory("relops-ci-it-");
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
                "{\"relops\":{\"applications\":{\"demo-app\":{\"environments\":{"
                        + "\"staging\":{\"approval\":{\"required\":false}," + processTarget() + "},"
                        + "\"production\":{\"approval\":{\"required\":true,\"role\":\"approver\"},"
                        + "\"promotion\":{\"from\":\"staging\"}," + processTarget() + "}}}}}}");
        tokens = Map.of(
                "operator", "ci-operator-" + run,
                "approver", "ci-approver-" + run,
                "auditor", "ci-auditor-" + run,
                "admin", "ci-admin-" + run);
        Postgres.Server db = Postgres.server();
        SuiteOptions options = new SuiteOptions(
                home,
                work.resolve("data"),
                home.resolve("config/catalog.yml"),
                Kafka.bootstrapServers(),
                0,
                Postgres.freshDatabase("relops_ci"),
                db.username(),
                0,
                ports,
                tokens,
                env);
        suite = new LocalSuite(options, line -> System.out.println("[suite] " + line)).start();
    }

    /** An environment's own slots and stable port, so that staging and production never share one. */
    private static String processTarget() {
        return "\"target\":{\"process\":{\"slots\":{\"blue\":" + freePort() + ",\"green\":" + freePort()
                + "},\"stable-port\":" + freePort() + "}}";
    }

    @AfterAll
    static void stopSuite() {
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    @Order(1)
    void releasesToStagingThenPromotesToProductionOnceApproved() throws Exception {
        Running script = releaseScript("1.0.0");

        String production = awaitingApproval(script);
        Run approval = relops("approver", "release", "approve", production, "--comment", "staging looks good");
        assertThat(approval.exit()).as(approval.err()).isZero();
        Script finished = finished(script);

        assertThat(finished.exit()).as(finished.output()).isZero();
        assertThat(finished.output())
                .contains("release.sh: image: skipped (SKIP_IMAGE=1)")
                .contains("release.sh: release demo-app 1.0.0 to staging")
                .contains("release.sh: promote demo-app from staging to production (waits for the approver)")
                .endsWith("release.sh: demo-app 1.0.0 released to staging and production\n");
        JsonNode staging = only(releases("staging", "1.0.0"));
        JsonNode promoted = release(production);
        assertThat(staging.path("status").asString()).isEqualTo("COMPLETED");
        assertThat(promoted.path("environment").asString()).isEqualTo("production");
        assertThat(promoted.path("version").asString()).isEqualTo("1.0.0");
        assertThat(promoted.path("status").asString()).isEqualTo("COMPLETED");
        assertThat(promoted.path("promotedFrom").asString())
                .isEqualTo(staging.path("releaseId").asString());
    }

    @Test
    @Order(2)
    void aVersionThatRollsBackInStagingEndsTheScriptWithOneAndNeverReachesProduction() throws Exception {
        Script finished = finished(releaseScript("2.0.0-broken"));

        assertThat(finished.exit()).as(finished.output()).isEqualTo(1);
        assertThat(finished.output())
                .contains("release.sh: release demo-app 2.0.0-broken to staging failed with exit code 1: the release"
                        + " failed, was rejected or rolled back, or the wait timed out")
                .doesNotContain("release.sh: promote");
        assertThat(only(releases("staging", "2.0.0-broken")).path("status").asString())
                .isEqualTo("ROLLED_BACK");
        assertThat(releases("production", "2.0.0-broken")).isEmpty();
    }

    private static Running releaseScript(String version) throws IOException {
        Path output = work.resolve("release-" + version + ".log");
        ProcessBuilder builder = new ProcessBuilder(
                        "sh", home.resolve("examples/ci/release.sh").toString())
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("RELOPS"));
        env.put("RELOPS_URL", suite.url("gateway-service"));
        env.put("RELOPS_TOKEN", tokens.get("operator"));
        env.put("APP", "demo-app");
        env.put("VERSION", version);
        env.put("SKIP_IMAGE", "1");
        env.put("RELOPS", home.resolve("relops").toString());
        env.put("STAGING_TIMEOUT", "3m");
        env.put("PRODUCTION_TIMEOUT", "4m");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        return new Running(builder.start(), output);
    }

    private static Script finished(Running script) throws Exception {
        assertThat(script.process().waitFor(8, TimeUnit.MINUTES))
                .as("release.sh ended")
                .isTrue();
        String output = Files.readString(script.log());
        int exit = script.process().exitValue();
        System.out.println("$ sh examples/ci/release.sh\n" + output + "[exit " + exit + "]");
        return new Script(exit, output);
    }

    /** The release of demo-app to production waiting for approval, once there is one (the script still waiting). */
    private static String awaitingApproval(Running script) {
        return await().atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(1))
                .failFast("release.sh ended before a production release awaited approval", () -> {
                    if (script.process().isAlive()) {
                        return false;
                    }
                    System.out.println("$ sh examples/ci/release.sh\n" + Files.readString(script.log()));
                    return true;
                })
                .until(
                        () -> {
                            JsonNode waiting = relops(
                                            "approver",
                                            "release",
                                            "list",
                                            "-a",
                                            "demo-app",
                                            "-e",
                                            "production",
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

    private static List<JsonNode> releases(String environment, String version) {
        Run list = relops("auditor", "release", "list", "-a", "demo-app", "-e", environment, "--output", "json");
        assertThat(list.exit()).as(list.err()).isZero();
        return list.json()
                .valueStream()
                .filter(release -> version.equals(release.path("version").asString()))
                .toList();
    }

    private static JsonNode only(List<JsonNode> releases) {
        assertThat(releases).hasSize(1);
        return releases.get(0);
    }

    private static JsonNode release(String releaseId) {
        Run get = relops("auditor", "release", "get", releaseId, "--output", "json");
        assertThat(get.exit()).as(get.err()).isZero();
        return get.json();
    }

    /** One run of the CLI, in-process. */
    record Run(int exit, String out, String err) {

        JsonNode json() {
            return EventJson.mapper().readTree(out);
        }
    }

    private static Run relops(String role, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Map<String, String> env =
                Map.of("RELOPS_SERVER", suite.url("gateway-service"), "RELOPS_TOKEN", tokens.get(role));
        int exit = RelopsCli.run(env, new PrintWriter(out, true), new PrintWriter(err, true), false, args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static int freePort() {
        return Ports.free();
    }
}
