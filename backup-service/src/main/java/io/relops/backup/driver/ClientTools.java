package io.relops.backup.driver;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Locates and runs external client tools ({@code pg_dump}, {@code pg_restore}): from a configured directory, or
 * else the {@code PATH}. Secrets go in the environment, never on the command line; stderr is kept for the error
 * message.
 */
public final class ClientTools {

    private final @Nullable Path binDirectory;

    public ClientTools(@Nullable Path binDirectory) {
        this.binDirectory = binDirectory;
    }

    /** The executable {@code tool}, or a {@link BackupException} saying where it was looked for. */
    public Path locate(String tool) {
        List<Path> searched = new ArrayList<>();
        if (binDirectory != null) {
            searched.add(binDirectory);
        } else {
            String path = System.getenv("PATH");
            if (path != null) {
                for (String dir : path.split(File.pathSeparator)) {
                    if (!dir.isBlank()) {
                        searched.add(Path.of(dir));
                    }
                }
            }
        }
        for (Path dir : searched) {
            Path candidate = dir.resolve(tool);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new BackupException(tool + " not found (searched "
                + (binDirectory != null ? "relops.backup.postgres.bin-dir=" + binDirectory : "PATH " + searched)
                + "): install the PostgreSQL client tools or set relops.backup.postgres.bin-dir");
    }

    /**
     * Runs a command to completion.
     *
     * @param stdin fed to the process, or null for none
     * @param stdout receives the process's output, or null to discard it
     * @return what the process printed on stdout when {@code stdout} is null and {@code captureOut} is set
     */
    public Result run(
            List<String> command,
            Map<String, String> environment,
            @Nullable InputStream stdin,
            @Nullable OutputStream stdout,
            boolean captureOut)
            throws IOException {
        Path errors = Files.createTempFile("relops-tool-", ".err");
        Path captured = captureOut ? Files.createTempFile("relops-tool-", ".out") : null;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(errors.toFile());
            builder.environment().putAll(environment);
            if (stdin == null) {
                builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            }
            if (stdout == null) {
                builder.redirectOutput(
                        captured != null
                                ? ProcessBuilder.Redirect.to(captured.toFile())
                                : ProcessBuilder.Redirect.DISCARD);
            }
            Process process = builder.start();
            try {
                if (stdin != null) {
                    try (OutputStream in = process.getOutputStream()) {
                        stdin.transferTo(in);
                    }
                }
                if (stdout != null) {
                    try (InputStream out = process.getInputStream()) {
                        out.transferTo(stdout);
                    }
                }
                int exit = process.waitFor();
                String err = Files.readString(errors, StandardCharsets.UTF_8).strip();
                String out = captured == null ? "" : Files.readString(captured, StandardCharsets.UTF_8);
                return new Result(exit, out, err);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(command.get(0) + " interrupted", e);
            } finally {
                if (process.isAlive()) {
                    process.destroy();
                    try {
                        process.waitFor(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    process.destroyForcibly();
                }
            }
        } finally {
            Files.deleteIfExists(errors);
            if (captured != null) {
                Files.deleteIfExists(captured);
            }
        }
    }

    /** How a tool ended: its exit code, captured stdout (if asked for) and stderr. */
    public record Result(int exitCode, String stdout, String stderr) {

        public boolean ok() {
            return exitCode == 0;
        }

        /** The tool's own words, trimmed to what fits in an event. */
        public String reason() {
            String text = stderr.isBlank() ? "exit code " + exitCode : stderr;
            return text.length() > 1000 ? text.substring(0, 1000) + "…" : text;
        }
    }
}
