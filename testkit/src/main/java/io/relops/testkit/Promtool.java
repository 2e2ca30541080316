package io.relops.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Prometheus' {@code promtool} (Debian package {@code prometheus}, which .ci/run installs): {@code check rules},
 * {@code test rules}, {@code check metrics}. Tests that need it skip with a loud reason where it is absent.
 */
public final class Promtool {

    /** Why a test skips where promtool is absent. */
    public static final String ABSENT =
            "promtool is not on the PATH (install the Debian package 'prometheus', as .ci/run does): "
                    + "the promtool checks are SKIPPED";

    private Promtool() {}

    /** The promtool binary on the PATH, or null. */
    public static @Nullable Path find() {
        return ToolProcess.onPath("promtool");
    }

    /**
     * Runs promtool with the arguments, feeding {@code stdin} when not null, and returns its exit code and output.
     */
    public static Result run(@Nullable String stdin, String... args) {
        Path promtool = find();
        if (promtool == null) {
            throw new IllegalStateException(ABSENT);
        }
        List<String> command = new ArrayList<>();
        command.add(promtool.toString());
        command.addAll(List.of(args));
        ToolProcess.Ran ran = ToolProcess.run(command, null, Map.of(), stdin, Duration.ofSeconds(60));
        return new Result(ran.exitCode(), ran.output() + ran.errors());
    }

    /** promtool's exit code and its combined output. */
    public record Result(int exitCode, String output) {}
}
