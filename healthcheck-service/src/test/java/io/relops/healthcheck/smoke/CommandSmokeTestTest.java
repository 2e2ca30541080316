package io.relops.healthcheck.smoke;

import static io.relops.healthcheck.smoke.SmokeFixtures.command;
import static io.relops.healthcheck.smoke.SmokeFixtures.ready;
import static io.relops.healthcheck.smoke.SmokeFixtures.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.smoke.SmokeRun.Status;
import io.relops.healthcheck.verification.GateOutcome;
import io.relops.healthcheck.verification.GateOutcome.Verdict;
import io.relops.healthcheck.verification.GateRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command smoke tests: real processes (sh, seq, sleep) run as the service runs them. */
class CommandSmokeTestTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final CommandRunner commands = new CommandRunner(4, Duration.ofMillis(500));
    private final SmokeTests smokeTests = new SmokeTests(List.of(commands), meters);

    @TempDir
    Path temp;

    @AfterEach
    void stop() {
        commands.destroy();
    }

    @Test
    void passesWhenTheCommandExitsZero() {
        GateOutcome outcome = only(smokeTests.start(ready(command("checkout", Duration.ofSeconds(20), 20, "true"))));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(outcome.reason()).matches("smoke test 'checkout' passed \\(exit 0, \\d+\\.\\d s\\)");
        ProbeResult evidence = outcome.evidence().get(0);
        assertThat(evidence.probe()).isEqualTo("smoke-test:checkout");
        assertThat(evidence.passed()).isTrue();
        assertThat(evidence.value()).isEqualTo("exit 0");
        assertThat(evidence.threshold()).isNull();
        assertThat(evidence.error()).isNull();
        assertThat(evidence.output()).as("it printed nothing").isNull();
        assertThat(meters.counter(
                                "relops.health.smoke.runs",
                                "application",
                                "demo-app",
                                "test",
                                "checkout",
                                "result",
                                "passed")
                        .count())
                .isEqualTo(1);
        assertThat(meters.timer("relops.health.smoke.duration", "application", "demo-app", "test", "checkout")
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aPassingTestKeepsTheRedactedTailOfItsOutputAsOutputNotAsAnError() {
        GateOutcome outcome = only(smokeTests.start(ready(command(
                "checkout",
                Duration.ofSeconds(20),
                2,
                "sh",
                "-c",
                "echo cart; echo 'POST http://shop:8080/pay?token=s3cret -> 201' >&2; echo 'checkout ok'"))));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        ProbeResult evidence = outcome.evidence().get(0);
        assertThat(evidence.passed()).isTrue();
        assertThat(evidence.error()).isNull();
        assertThat(evidence.inconclusive()).isNull();
        assertThat(evidence.output())
                .as("the last 2 lines, stdout and stderr together, without the URL's secret")
                .isEqualTo("POST http://shop:8080/… -> 201\ncheckout ok");
    }

    @Test
    void failsWithTheRedactedTailOfItsOutputAsEvidenceAndNamesTheTest() {
        GateOutcome outcome = only(smokeTests.start(ready(command(
                "checkout",
                Duration.ofSeconds(20),
                3,
                "sh",
                "-c",
                "echo zero; echo one; echo two >&2; echo 'POST http://shop:8080/pay?token=s3cret -> 402'; exit 3"))));

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(outcome.reason())
                .matches("smoke test 'checkout' failed: exit 3 after \\d+\\.\\d s: .*")
                .endsWith(": POST http://shop:8080/… -> 402");
        ProbeResult evidence = outcome.evidence().get(0);
        assertThat(evidence.passed()).isFalse();
        assertThat(evidence.value()).isEqualTo("exit 3");
        assertThat(evidence.error())
                .as("the last 3 lines, stdout and stderr together, without the URL's secret")
                .isEqualTo("one\ntwo\nPOST http://shop:8080/… -> 402");
        assertThat(evidence.output()).isEqualTo(evidence.error());
        assertThat(meters.counter(
                                "relops.health.smoke.runs",
                                "application",
                                "demo-app",
                                "test",
                                "checkout",
                                "result",
                                "failed")
                        .count())
                .isEqualTo(1);
    }

    @Test
    void givesTheCommandTheSlotTheReleaseAndItsOwnEnvironmentWithArgumentTemplates() {
        GateRun run = step(
                2,
                25,
                command(
                        "env",
                        null,
                        Map.of("SHOP_URL", "{endpoint}/shop"),
                        "sh",
                        "-c",
                        "echo \"$1|$RELOPS_ENDPOINT|$RELOPS_VERSION|$RELOPS_SLOT|$RELOPS_APPLICATION|$RELOPS_ENVIRONMENT"
                                + "|$RELOPS_STEP|$RELOPS_WEIGHT|$SHOP_URL|${PATH:+path}\"",
                        "smoke",
                        "{host}:{port}"));

        SmokeRun ran = commands.start(run.health().smokeTestList().get(0), run).join();

        assertThat(ran.status()).isEqualTo(Status.PASSED);
        assertThat(ran.output())
                .containsExactly("127.0.0.1:18080|http://127.0.0.1:18080/|1.2.0|green|demo-app|prod|2|25"
                        + "|http://127.0.0.1:18080/shop|path");
    }

    @Test
    void runsOnlyTheTestsOfItsTrigger() {
        SmokeTestSpec readyOnly = command("ready-only", Duration.ofSeconds(5), 5, "true");
        SmokeTestSpec everyStep = command("every-step", null, null, "true");

        assertThat(smokeTests.start(ready(readyOnly, everyStep))).hasSize(2);
        assertThat(smokeTests.start(step(1, 10, readyOnly, everyStep)))
                .singleElement()
                .satisfies(outcome -> assertThat(outcome.join().reason()).contains("'every-step'"));
    }

    @Test
    void keepsOnlyTheLastLinesOfAHugeOutputEachCut() {
        GateOutcome outcome = only(smokeTests.start(ready(command(
                "noisy",
                Duration.ofSeconds(20),
                5,
                "sh",
                "-c",
                "seq 1 100000; head -c 100000 /dev/zero | tr '\\0' a; echo; echo last; exit 1"))));

        String[] lines = outcome.evidence().get(0).error().split("\n");
        assertThat(lines).hasSize(5);
        assertThat(lines).startsWith("99998", "99999", "100000").endsWith("last");
        assertThat(lines[3]).hasSize(OutputTail.MAX_LINE + 1).startsWith("aaaa").endsWith("a…");
    }

    @Test
    void aTimeoutFailsTheTestAndKillsTheProcessTree() throws Exception {
        Path pid = temp.resolve("child.pid");
        GateOutcome outcome = only(smokeTests.start(ready(command(
                "hangs",
                Duration.ofSeconds(1),
                5,
                "sh",
                "-c",
                "echo starting; sleep 60 & echo $! > " + pid + "; wait"))));

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(outcome.reason()).isEqualTo("smoke test 'hangs' failed: timed out after 1 s: starting");
        assertThat(outcome.evidence().get(0).value()).isEqualTo("timed out after 1 s");
        ProcessHandle child =
                ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).orElse(null);
        await().atMost(WAIT).until(() -> child == null || !child.isAlive());
        assertThat(meters.counter(
                                "relops.health.smoke.runs",
                                "application",
                                "demo-app",
                                "test",
                                "hangs",
                                "result",
                                "timeout")
                        .count())
                .isEqualTo(1);
    }

    @Test
    void cancellingTheGateKillsTheProcessTree() throws Exception {
        Path pid = temp.resolve("child.pid");
        CompletableFuture<GateOutcome> outcome = smokeTests
                .start(ready(command(
                        "hangs", Duration.ofSeconds(60), 5, "sh", "-c", "sleep 60 & echo $! > " + pid + "; wait")))
                .get(0);
        await().atMost(WAIT)
                .until(() -> Files.exists(pid) && !Files.readString(pid).isBlank());
        ProcessHandle child =
                ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).orElseThrow();
        ProcessHandle shell = child.parent().orElseThrow();

        outcome.cancel(true);

        await().atMost(WAIT).until(() -> !child.isAlive() && !shell.isAlive());
    }

    @Test
    void stoppingTheServiceKillsTheRunningCommandsTrees() throws Exception {
        Path pid = temp.resolve("child.pid");
        smokeTests.start(ready(
                command("hangs", Duration.ofSeconds(60), 5, "sh", "-c", "sleep 60 & echo $! > " + pid + "; wait")));
        await().atMost(WAIT)
                .until(() -> Files.exists(pid) && !Files.readString(pid).isBlank());
        ProcessHandle child =
                ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).orElseThrow();

        commands.destroy();

        await().atMost(WAIT).until(() -> !child.isAlive());
    }

    @Test
    void aChildLeftBehindHoldingTheOutputIsKilledAtExitAndHoldsNoSlot() throws Exception {
        for (int i = 0; i <= 4; i++) { // max-commands + 1 in sequence
            Path pid = temp.resolve("child-" + i + ".pid");
            long started = System.nanoTime();

            GateOutcome outcome = only(smokeTests.start(ready(command(
                    "leaves-a-child",
                    Duration.ofSeconds(30),
                    5,
                    "sh",
                    "-c",
                    "sleep 600 & echo $! > " + pid + "; echo done"))));

            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(outcome.verdict()).as("run %d: %s", i, outcome.reason()).isEqualTo(Verdict.PASSED);
            assertThat(took)
                    .as("the child was killed, its output ended: no wait for the 2 s drain")
                    .isLessThan(Duration.ofSeconds(2));
            ProcessHandle child = ProcessHandle.of(
                            Long.parseLong(Files.readString(pid).trim()))
                    .orElse(null);
            await().atMost(WAIT).until(() -> child == null || !child.isAlive());
        }
    }

    @Test
    void theCommandDoesNotSeeTheServicesOwnEnvironment() {
        Map<String, String> service = Map.of(
                "PATH", System.getenv("PATH"),
                "HOME", "/home/relops",
                "TZ", "UTC",
                "RELOPS_DB_PASSWORD", "hunter2",
                "SECRET_X", "s3cret",
                "KAFKA_SASL_JAAS_CONFIG", "password=\"k\"");
        CommandRunner isolated = new CommandRunner(4, Duration.ofMillis(500), () -> service);
        GateRun run = ready(command("env", null, Map.of("SHOP_URL", "{endpoint}/shop"), "env"));
        try {
            SmokeRun ran =
                    isolated.start(run.health().smokeTestList().get(0), run).join();

            assertThat(ran.status()).isEqualTo(Status.PASSED);
            assertThat(ran.output()).noneMatch(line -> line.contains("hunter2") || line.contains("s3cret"));
            assertThat(ran.output())
                    .contains("PATH=" + System.getenv("PATH"), "HOME=/home/relops", "TZ=UTC")
                    .contains("RELOPS_ENDPOINT=http://127.0.0.1:18080/", "SHOP_URL=http://127.0.0.1:18080/shop");
            assertThat(ran.output().stream().map(line -> line.substring(0, line.indexOf('='))))
                    .containsExactlyInAnyOrder(
                            "PATH",
                            "HOME",
                            "TZ",
                            "SHOP_URL",
                            "RELOPS_ENDPOINT",
                            "RELOPS_VERSION",
                            "RELOPS_SLOT",
                            "RELOPS_APPLICATION",
                            "RELOPS_ENVIRONMENT",
                            "RELOPS_RELEASE_ID",
                            CommandRunner.RUN_VARIABLE);
        } finally {
            isolated.destroy();
        }
    }

    @Test
    void aCommandThatCannotStartFailsNamingIt() {
        GateOutcome outcome = only(smokeTests.start(
                ready(command("missing", Duration.ofSeconds(5), 5, "/nonexistent/smoke-test", "{endpoint}"))));

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(outcome.reason())
                .startsWith("smoke test 'missing' failed: not started after ")
                .contains("command '/nonexistent/smoke-test' could not start");
    }

    @Test
    void runsInItsWorkingDirectoryRelativeToTheServicesAndFailsWhenItIsMissing() throws Exception {
        Files.createDirectories(temp.resolve("scripts"));
        Files.writeString(temp.resolve("scripts/marker"), "x");

        assertThat(only(smokeTests.start(ready(command("here", temp + "/scripts", null, "test", "-f", "marker"))))
                        .verdict())
                .isEqualTo(Verdict.PASSED);
        assertThat(only(smokeTests.start(ready(command("relative", "src/main", null, "test", "-d", "java"))))
                        .verdict())
                .as("relative to the service's working directory (the module when tests run)")
                .isEqualTo(Verdict.PASSED);
        GateOutcome missing = only(smokeTests.start(ready(command("nowhere", temp + "/nowhere", null, "true"))));
        assertThat(missing.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(missing.reason()).contains("working directory " + temp + "/nowhere does not exist");
    }

    @Test
    void moreCommandsThanThePoolHoldsFailWithoutStarting() throws Exception {
        List<CompletableFuture<GateOutcome>> running = IntStream.range(0, 4)
                .mapToObj(i -> smokeTests
                        .start(ready(command("slow-" + i, Duration.ofSeconds(30), 5, "sleep", "30")))
                        .get(0))
                .toList();

        GateOutcome fifth = only(smokeTests.start(ready(command("fifth", Duration.ofSeconds(30), 5, "true"))));

        assertThat(fifth.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(fifth.reason()).contains("4 smoke test commands are already running");
        running.forEach(outcome -> outcome.cancel(true));
    }

    private static GateOutcome only(List<CompletableFuture<GateOutcome>> outcomes) {
        assertThat(outcomes).hasSize(1);
        try {
            return outcomes.get(0).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
