package io.relops.deploy.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;

/**
 * A recording fake of the {@code docker} executable, for tests only: no machine relops is tested on (CI included) has
 * a Docker engine. The fake is a bash script in the test's directory that appends each call to {@link #calls()} (the
 * value of the environment variable it is told to watch, then its arguments) and then behaves as the test chose:
 * exits 0 having started nothing ({@link #recording}), prints lines and exits with a code ({@link #failing}), or
 * hangs ({@link #hanging}). Whatever "runs" the slot (a listening port) is the test's.
 */
public final class FakeDocker {

    private final Path executable;
    private final Path calls;
    private final String variable;

    private FakeDocker(Path executable, Path calls, String variable) {
        this.executable = executable;
        this.calls = calls;
        this.variable = variable;
    }

    /** A fake that records each call and exits 0. */
    public static FakeDocker recording(Path directory, String variable) throws IOException {
        return write(directory, variable, "exit 0");
    }

    /** A fake that records each call, prints {@code output} (one line each) and exits with {@code code}. */
    public static FakeDocker failing(Path directory, String variable, int code, String... output) throws IOException {
        StringBuilder body = new StringBuilder();
        for (String line : output) {
            body.append("printf '%s\\n' '").append(line.replace("'", "'\\''")).append("'\n");
        }
        return write(directory, variable, body + "exit " + code);
    }

    /**
     * A fake that records each call, prints a line and then waits for a child process (as the {@code docker} CLI waits
     * for its compose plugin) that sleeps {@code seconds}; the child's pid is in {@link #childPid()}.
     */
    public static FakeDocker hanging(Path directory, String variable, int seconds) throws IOException {
        return write(
                directory,
                variable,
                "echo 'pulling...'\nsleep " + seconds + " &\necho $! > '" + directory.resolve("docker-child.pid")
                        + "'\nwait");
    }

    /** The pid of the child a {@link #hanging} fake started. */
    public long childPid() throws IOException {
        return Long.parseLong(
                Files.readString(executable.resolveSibling("docker-child.pid")).strip());
    }

    private static FakeDocker write(Path directory, String variable, String behaviour) throws IOException {
        Files.createDirectories(directory);
        Path calls = directory.resolve("docker-calls.txt");
        Path executable = directory.resolve("docker");
        // one line per call: <variable's value or "unset"> TAB <argument> TAB <argument> ...
        Files.writeString(executable, """
                #!/usr/bin/env bash
                {
                  printf '%%s' "${%s-unset}"
                  printf '\\t%%s' "$@"
                  printf '\\n'
                } >> '%s'
                %s
                """.formatted(variable, calls, behaviour));
        Files.setPosixFilePermissions(executable, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new FakeDocker(executable, calls, variable);
    }

    /** The fake's path, for {@code target.compose.command}. */
    public Path executable() {
        return executable;
    }

    /** One entry per call, in order: the watched variable's value (or {@code unset}) followed by the arguments. */
    public List<List<String>> calls() throws IOException {
        if (!Files.exists(calls)) {
            return List.of();
        }
        return Files.readAllLines(calls).stream()
                .map(line -> Arrays.asList(line.split("\t", -1)))
                .toList();
    }

    /** The environment variable whose value each call records. */
    public String variable() {
        return variable;
    }
}
