package io.relops.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            if (stdin != null) {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("promtool " + args[0] + " did not finish in 60 s");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** promtool's exit code and its combined output. */
    public record Result(int exitCode, String output) {}
}
