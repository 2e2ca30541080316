package io.relops.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Alertmanager's {@code amtool} (Debian package {@code prometheus-alertmanager}, which .ci/run installs) pointed at
 * an Alertmanager API v2 ({@code --alertmanager.url}) with a bearer token (an HTTP client file, {@code
 * --http.config.file}, as amtool 0.25 reads it). Tests that need it skip with {@link #ABSENT} where it is absent.
 */
public final class Amtool {

    /** Why a test skips where amtool is absent. */
    public static final String ABSENT =
            "amtool is not on the PATH (install the Debian package 'prometheus-alertmanager', as .ci/run does): "
                    + "the amtool tests are SKIPPED";

    private static final long TIMEOUT_SECONDS = 60;

    private final Path binary;
    private final String url;
    private final Path httpConfig;

    private Amtool(Path binary, String url, Path httpConfig) {
        this.binary = binary;
        this.url = url;
        this.httpConfig = httpConfig;
    }

    /** The amtool binary on the PATH, or null. */
    public static @Nullable Path find() {
        return ToolProcess.onPath("amtool");
    }

    /**
     * amtool against {@code url} (e.g. {@code http://127.0.0.1:8084}) sending {@code Authorization: Bearer
     * <token>}; the HTTP client file is written into {@code workDir}.
     */
    public static Amtool against(String url, String token, Path workDir) {
        Path binary = find();
        if (binary == null) {
            throw new IllegalStateException(ABSENT);
        }
        try {
            Path config = Files.writeString(
                    workDir.resolve("amtool-http.yml"),
                    "authorization:\n  type: Bearer\n  credentials: '" + token.replace("'", "''") + "'\n");
            return new Amtool(binary, url, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code amtool <args>} (e.g. {@code silence query}) and returns its exit code and output. */
    public Result run(String... args) {
        List<String> command = new ArrayList<>(List.of(
                binary.toString(), "--alertmanager.url=" + url, "--http.config.file=" + httpConfig, "--timeout=30s"));
        command.addAll(List.of(args));
        ToolProcess.Ran ran = ToolProcess.run(command, null, Map.of(), null, Duration.ofSeconds(TIMEOUT_SECONDS));
        return new Result(String.join(" ", args), ran.exitCode(), ran.output(), ran.errors());
    }

    /** Runs {@code amtool <args>} and returns its standard output; fails naming the command when it exits non-zero. */
    public String ok(String... args) {
        Result result = run(args);
        if (result.exitCode() != 0) {
            throw new AssertionError(result.toString());
        }
        return result.output();
    }

    /** What amtool printed: {@code output} on standard output, {@code errors} on standard error. */
    public record Result(String command, int exitCode, String output, String errors) {

        @Override
        public String toString() {
            return "amtool " + command + " exited " + exitCode + "\n--- stdout\n" + output + "--- stderr\n" + errors;
        }
    }
}
