package io.relops.healthcheck.smoke;

import io.relops.healthcheck.verification.GateRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * A smoke test that is a command of the catalog, run on the healthcheck-service host: its argument list (templates
 * expanded in each argument, no shell), in its working directory (relative to the service's), with the service's
 * environment plus the test's {@code environment} and {@link SmokeEnvironment}'s variables. Its stdin is closed,
 * stdout and stderr are read together on a bounded pool ({@code relops.health.smoke.max-commands} commands at once;
 * one more fails without starting) and only the last lines are kept. Exit 0 passes. At its timeout, or when
 * cancelled, the process and every descendant are asked to end and, after {@code relops.health.smoke.kill-grace},
 * killed. Commands still running when the service stops are killed with their descendants (the verification
 * resumes at the next start and runs them again).
 */
@Component
class CommandRunner implements SmokeRunner, DisposableBean {

    /** How long the output of an exited process may still be read (a descendant may hold the pipe open). */
    private static final Duration DRAIN = Duration.ofSeconds(2);

    private final ThreadPoolExecutor readers;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "smoke-command-timers");
        thread.setDaemon(true);
        return thread;
    });
    private final Duration killGrace;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();

    CommandRunner(
            @Value("${relops.health.smoke.max-commands:8}") int maxCommands,
            @Value("${relops.health.smoke.kill-grace:5s}") Duration killGrace) {
        this.readers =
                new ThreadPoolExecutor(0, maxCommands, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "smoke-command-output");
                    thread.setDaemon(true);
                    return thread;
                });
        this.killGrace = killGrace;
    }

    @Override
    public String kind() {
        return "command";
    }

    @Override
    public CompletableFuture<SmokeRun> start(SmokeTestSpec spec, GateRun run) {
        List<String> command = Objects.requireNonNull(spec.command()).stream()
                .map(argument -> run.target().expand(argument))
                .toList();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (spec.workingDirectory() != null) {
            Path directory = Path.of("")
                    .toAbsolutePath()
                    .resolve(spec.workingDirectory())
                    .normalize();
            if (!Files.isDirectory(directory)) {
                return CompletableFuture.completedFuture(
                        SmokeRun.failed("not started", List.of("working directory " + directory + " does not exist")));
            }
            builder.directory(directory.toFile());
        }
        if (spec.environment() != null) {
            spec.environment()
                    .forEach((name, value) ->
                            builder.environment().put(name, run.target().expand(value)));
        }
        builder.environment().putAll(SmokeEnvironment.of(run));
        Process process;
        try {
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.completedFuture(SmokeRun.failed(
                    "not started", List.of("command '" + command.get(0) + "' could not start: " + e.getMessage())));
        }
        running.add(process);
        process.onExit().thenRun(() -> running.remove(process));
        OutputTail tail = new OutputTail(spec.outputLines());
        CompletableFuture<Void> read;
        try {
            process.getOutputStream().close(); // stdin: nothing to read
            read = CompletableFuture.runAsync(() -> tail.readFrom(process.getInputStream()), readers);
        } catch (IOException | RejectedExecutionException e) {
            stop(process);
            return CompletableFuture.completedFuture(SmokeRun.failed(
                    "not started",
                    List.of(readers.getMaximumPoolSize()
                            + " smoke test commands are already running (relops.health.smoke.max-commands)")));
        }
        CompletableFuture<SmokeRun> result = new CompletableFuture<>();
        ScheduledFuture<?> timeout = timers.schedule(
                () -> {
                    // decided before the process is stopped (its exit code is not the test's verdict)
                    if (result.complete(SmokeRun.timedOut(spec.timeout(), tail.lines()))) {
                        stop(process);
                    }
                },
                spec.timeout().toMillis(),
                TimeUnit.MILLISECONDS);
        process.onExit()
                .thenCompose(exited -> read.completeOnTimeout(null, DRAIN.toMillis(), TimeUnit.MILLISECONDS))
                .thenRun(() -> {
                    int exit = process.exitValue();
                    String value = "exit " + exit;
                    result.complete(
                            exit == 0 ? SmokeRun.passed(value, tail.lines()) : SmokeRun.failed(value, tail.lines()));
                });
        result.whenComplete((ended, failure) -> {
            timeout.cancel(false);
            if (result.isCancelled()) {
                stop(process);
            }
        });
        return result;
    }

    /**
     * Asks the process and every descendant to end (SIGTERM) and kills whichever is still alive after the grace.
     */
    private void stop(Process process) {
        List<ProcessHandle> tree = Stream.concat(process.descendants(), Stream.of(process.toHandle()))
                .toList();
        tree.forEach(ProcessHandle::destroy);
        timers.schedule(
                () -> tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly),
                killGrace.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void destroy() {
        for (Process process : running) {
            Stream.concat(process.descendants(), Stream.of(process.toHandle()))
                    .toList()
                    .forEach(ProcessHandle::destroyForcibly);
        }
        readers.shutdownNow();
        timers.shutdownNow();
    }
}
