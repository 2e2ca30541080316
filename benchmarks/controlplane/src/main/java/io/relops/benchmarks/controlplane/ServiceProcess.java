package io.relops.benchmarks.controlplane;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** A relops service as its own JVM process, on a port of its own, its output in a log file. */
final class ServiceProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Path log;
    private final Process process;

    private ServiceProcess(String name, int port, Path log, Process process) {
        this.name = name;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /** Starts {@code java <jvmOptions> <launch...> <args> --server.port=<free port>}; {@link #awaitReady} waits for it. */
    static ServiceProcess start(String name, List<String> jvmOptions, List<String> launch, List<String> args)
            throws IOException {
        int port = freePort();
        Path log = Files.createTempFile("relops-bench-" + name + "-", ".log");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.addAll(launch);
        command.addAll(args);
        command.add("--server.port=" + port);
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // the service stops by itself when the benchmark's JVM ends, however it ends (platform's ParentWatch)
        builder.environment()
                .put("RELOPS_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
        Process process = builder.start();
        return new ServiceProcess(name, port, log, process);
    }

    /** Returns once its readiness group is UP (database and Kafka binder included). */
    void awaitReady() {
        URI readiness = URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness");
        try {
            Awaitility.await()
                    .atMost(START_TIMEOUT)
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(() -> !process.isAlive()
                            || HTTP.send(
                                                    HttpRequest.newBuilder(readiness)
                                                            .timeout(Duration.ofSeconds(5))
                                                            .build(),
                                                    HttpResponse.BodyHandlers.discarding())
                                            .statusCode()
                                    == 200);
        } catch (ConditionTimeoutException e) {
            close();
            throw new IllegalStateException(name + " not ready within " + START_TIMEOUT + "; its log: " + log);
        }
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + "; its log: " + log);
        }
    }

    /** The process's CPU time so far (user + system), if the platform reports it. */
    Duration cpu() {
        return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
