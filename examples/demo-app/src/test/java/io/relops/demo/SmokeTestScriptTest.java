package io.relops.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code examples/demo-app/smoke-test} run as a gate runs it: the executable itself, with its environment. */
class SmokeTestScriptTest {

    private static final Path SCRIPT = Path.of("smoke-test").toAbsolutePath();

    private record Run(int exitCode, String output) {}

    @BeforeAll
    static void needsBashAndCurl() {
        assumeTrue(onPath("bash") && onPath("curl"), "bash and curl are needed to run the smoke test");
    }

    @Test
    void passesAGoodVersionPrintingEachCheck() throws Exception {
        try (DemoApp app = DemoApp.start("1.1.0", 0)) {
            String endpoint = "http://127.0.0.1:" + app.port();

            Run run = run(Map.of("RELOPS_ENDPOINT", endpoint, "RELOPS_VERSION", "1.1.0"));

            assertThat(run.exitCode()).as(run.output()).isZero();
            assertThat(run.output())
                    .contains("smoke-test: GET " + endpoint + "/ → 200 version 1.1.0")
                    .containsPattern("smoke-test: POST " + endpoint + "/checkout → 200 order [0-9a-f-]{36}");
        }
    }

    @Test
    void failsABadCheckoutVersionNamingWhatItGot() throws Exception {
        try (DemoApp app = DemoApp.start("2.1.0-badcheckout", 0)) {
            String endpoint = "http://127.0.0.1:" + app.port();

            Run run = run(Map.of("RELOPS_ENDPOINT", endpoint, "RELOPS_VERSION", "2.1.0-badcheckout"));

            assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
            assertThat(run.output())
                    .contains("smoke-test: GET " + endpoint + "/ → 200 version 2.1.0-badcheckout")
                    .contains("smoke-test: FAILED POST " + endpoint + "/checkout → 500 {\"error\":\"checkout failed: ");
        }
    }

    @Test
    void failsAnotherVersionThanTheOneReleased() throws Exception {
        try (DemoApp app = DemoApp.start("1.0.0", 0)) {
            Run run = run(Map.of("RELOPS_ENDPOINT", "http://127.0.0.1:" + app.port(), "RELOPS_VERSION", "1.1.0"));

            assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
            assertThat(run.output()).contains("(expected version 1.1.0)").contains("\"version\":\"1.0.0\"");
        }
    }

    @Test
    void failsWhenNothingAnswers() throws Exception {
        int port;
        try (DemoApp app = DemoApp.start("1.0.0", 0)) {
            port = app.port();
        }

        Run run = run(Map.of("RELOPS_ENDPOINT", "http://127.0.0.1:" + port));

        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("smoke-test: FAILED GET http://127.0.0.1:" + port + "/ → no answer");
    }

    @Test
    void refusesToRunWithoutAnEndpoint() throws Exception {
        Run run = run(Map.of());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.output()).contains("RELOPS_ENDPOINT is not set");
    }

    private static Run run(Map<String, String> environment) throws Exception {
        assertThat(SCRIPT).isExecutable();
        ProcessBuilder builder = new ProcessBuilder(SCRIPT.toString()).redirectErrorStream(true);
        builder.environment().remove("RELOPS_ENDPOINT");
        builder.environment().remove("RELOPS_VERSION");
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS))
                .as("the smoke test ends (output: %s)", output)
                .isTrue();
        return new Run(process.exitValue(), output);
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }
}
