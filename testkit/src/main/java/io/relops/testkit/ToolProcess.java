package io.relops.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.springframework.util.FileSystemUtils;

/**
 * A real tool's server for tests ({@link RealPrometheus}, {@link RealAlertmanager}): its Debian binary started with a
 * temporary directory of its own, its output logged to a file there; closing it stops the process and removes the
 * directory.
 */
final class ToolProcess implements AutoCloseable {

    private final Process process;
    private final Path workDir;
    private final Path logFile;

    private ToolProcess(Process process, Path workDir, Path logFile) {
        this.process = process;
        this.workDir = workDir;
        this.logFile = logFile;
    }

    /** The executable {@code binary} in a directory of the PATH, or null. */
    static @Nullable Path onPath(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, binary);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** The binary on the PATH; where it is absent, the calling test is skipped with a message naming the package. */
    static String require(String binary, String debianPackage) {
        Path found = onPath(binary);
        if (found != null) {
            return found.toString();
        }
        return Assumptions.abort("the " + binary + " binary is not installed (apt-get install " + debianPackage
                + "; .ci/run does it): skipping");
    }

    /** A local port nobody listens on now. */
    static int freePort() {
        return Ports.free();
    }

    /** Starts {@code command} (output to {@code name}.log in {@code workDir}, which the process then owns). */
    static ToolProcess start(String name, Path workDir, List<String> command) throws IOException {
        Path logFile = workDir.resolve(name + ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
        return new ToolProcess(process, workDir, logFile);
    }

    /** What the process has logged so far. */
    String log() {
        try {
            return Files.readString(logFile);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        FileSystemUtils.deleteRecursively(workDir.toFile());
    }

    /** What a command printed, and how it ended. */
    record Ran(int exitCode, String output, String errors) {}

    /**
     * Runs {@code command} to its end (in {@code directory} when not null, with {@code environment} added, {@code
     * stdin} fed when not null), its output and errors kept in files, so a command that hangs is killed after {@code
     * timeout} rather than blocking the test on its output.
     */
    static Ran run(
            List<String> command,
            @Nullable Path directory,
            Map<String, String> environment,
            @Nullable String stdin,
            Duration timeout) {
        Path output = null;
        Path errors = null;
        Process process = null;
        try {
            output = Files.createTempFile("relops-tool", ".out");
            errors = Files.createTempFile("relops-tool", ".err");
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectOutput(output.toFile()).redirectError(errors.toFile());
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            builder.environment().putAll(environment);
            process = builder.start();
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(Path.of(command.get(0)).getFileName() + " " + command.get(1)
                        + " did not finish in " + timeout.toSeconds() + " s");
            }
            return new Ran(process.exitValue(), Files.readString(output), Files.readString(errors));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
            deleteQuietly(output);
            deleteQuietly(errors);
        }
    }

    private static void deleteQuietly(@Nullable Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file left behind
            }
        }
    }
}
