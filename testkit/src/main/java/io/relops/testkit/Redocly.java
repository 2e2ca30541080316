package io.relops.testkit;

import io.relops.common.codec.EventJson;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Redocly's OpenAPI linter ({@code redocly lint}, npm {@code @redocly/cli}, which .ci/run installs globally) with its
 * {@code recommended} rules (run in the document's directory, where no redocly.yaml changes them). Tests that need it skip with a loud reason where it is absent.
 */
public final class Redocly {

    /** Why a test skips where redocly is absent. */
    public static final String ABSENT = "redocly is not on the PATH (npm install -g @redocly/cli, as .ci/run does):"
            + " the OpenAPI lint is SKIPPED";

    private Redocly() {}

    /** The redocly binary on the PATH, or null. */
    public static @Nullable Path find() {
        return ToolProcess.onPath("redocly");
    }

    /** Lints {@code document} (an OpenAPI file) with the recommended rules: redocly's totals and problems. */
    public static Lint lint(Path document) {
        Path redocly = find();
        if (redocly == null) {
            throw new IllegalStateException(ABSENT);
        }
        List<String> command = new ArrayList<>(
                List.of(redocly.toString(), "lint", document.toAbsolutePath().toString(), "--format=json"));
        // no telemetry, no update check: the lint runs offline
        ToolProcess.Ran ran = ToolProcess.run(
                command,
                document.toAbsolutePath().getParent(),
                Map.of("REDOCLY_TELEMETRY", "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE", "true"),
                null,
                Duration.ofSeconds(120));
        String output = ran.output();
        int start = output.indexOf('{');
        if (start < 0) {
            throw new IllegalStateException(
                    "redocly lint gave no report (exit " + ran.exitCode() + "): " + output + ran.errors());
        }
        JsonNode report = EventJson.mapper().readTree(output.substring(start));
        List<String> problems = new ArrayList<>();
        for (JsonNode problem : report.path("problems")) {
            problems.add(problem.path("severity").asString() + " "
                    + problem.path("ruleId").asString() + " at "
                    + problem.path("location").path(0).path("pointer").asString() + ": "
                    + problem.path("message").asString());
        }
        return new Lint(
                report.path("totals").path("errors").asInt(),
                report.path("totals").path("warnings").asInt(),
                List.copyOf(problems));
    }

    /** Redocly's counts, and each problem as {@code severity rule at pointer: message}. */
    public record Lint(int errors, int warnings, List<String> problems) {

        /** The problems of severity error. */
        public List<String> errorList() {
            return problems.stream().filter(p -> p.startsWith("error ")).toList();
        }
    }
}
