package io.relops.healthcheck.smoke;

import io.relops.healthcheck.verification.GateRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * A smoke test that is a command of the catalog, run on the healthcheck-service host: its argument list (templates
 * expanded in each argument, no shell), in its working directory (relative to the service's). The command does not
 * see the service's own environment (its database password, its Kafka credentials): it gets only {@link #KEPT} of
 * it, then the test's {@code environment}, {@link SmokeEnvironment}'s variables and {@link #RUN_VARIABLE}, the mark
 * by which the processes it leaves behind are found. Its stdin is closed, stdout and stderr are read together and
 * only the last lines are kept. At most {@code relops.health.smoke.max-commands} commands run at once (one more fails
 * without starting); a command counts until its result is known. Exit 0 passes; once the command exited, the
 * processes it left behind (a {@code sleep 600 &} holding its output open) are asked to end and killed after {@code
 * relops.health.smoke.kill-grace}. At its timeout, or when cancelled, the process and every descendant are stopped the
 * same way. Commands still running when the service stops are killed with their descendants (the verification
 * resumes at the next start and runs them again).
 */
@Component
class CommandRunner implements SmokeRunner, DisposableBean {

    /** The variables of the service's environment a command is given, when the service has them. */
    static final List<String> KEPT = List.of("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR");

    /**
     * Set to an id of its own in each command's environment: a descendant inherits it, so the processes of a run are
     * found (in {@code /proc/<pid>/environ}) even once the command exited and they were given to another parent.
     */
    static final String RUN_VARIABLE = "RELOPS_SMOKE_RUN";

    /** How long the output of an exited process may still be read (a process it left behind may hold the pipe). */
    private static final Duration DRAIN = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(CommandRunner.class);

    /** Reads the outputs: one thread per command, which a stuck read keeps but which limits nothing. */
    private final ExecutorService readers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "smoke-command-output");
        thread.setDaemon(true);
        return thread;
    });

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "smoke-command-timers");
        thread.setDaemon(true);
        return thread;
    });
    private final int maxCommands;
    private final Semaphore permits;
    private final Duration killGrace;
    private final Supplier<Map<String, String>> serviceEnvironment;
    private final Map<Process, String> running = new ConcurrentHashMap<>();

    @Autowired
    CommandRunner(
            @Value("${relops.health.smoke.max-commands:8}") int maxCommands,
            @Value("${relops.health.smoke.kill-grace:5s}") Duration killGrace) {
        this(maxCommands, killGrace, System::getenv);
    }

    /** With {@code serviceEnvironment} read in place of the service's own environment (tests). */
    CommandRunner(int maxCommands, Duration killGrace, Supplier<Map<String, String>> serviceEnvironment) {
        this.maxCommands = maxCommands;
        this.permits = new Semaphore(maxCommands);
        this.killGrace = killGrace;
        this.serviceEnvironment = serviceEnvironment;
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
        String id = UUID.randomUUID().toString();
        Map<String, String> environment = builder.environment();
        environment.clear();
        Map<String, String> service = serviceEnvironment.get();
        for (String name : KEPT) {
            if (service.get(name) != null) {
                environment.put(name, service.get(name));
            }
        }
        if (spec.environment() != null) {
            spec.environment()
                    .forEach((name, value) -> environment.put(name, run.target().expand(value)));
        }
        environment.putAll(SmokeEnvironment.of(run));
        environment.put(RUN_VARIABLE, id);
        if (!permits.tryAcquire()) {
            return CompletableFuture.completedFuture(SmokeRun.failed(
                    "not started",
                    List.of(maxCommands
                            + " smoke test commands are already running (relops.health.smoke.max-commands)")));
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            permits.release();
            return CompletableFuture.completedFuture(SmokeRun.failed(
                    "not started", List.of("command '" + command.get(0) + "' could not start: " + e.getMessage())));
        }
        CompletableFuture<SmokeRun> result = new CompletableFuture<>();
        result.whenComplete((ended, failure) -> permits.release());
        running.put(process, id);
        OutputTail tail = new OutputTail(spec.outputLines());
        CompletableFuture<Void> read;
        try {
            process.getOutputStream().close(); // stdin: nothing to read
            read = CompletableFuture.runAsync(() -> tail.readFrom(process.getInputStream()), readers);
        } catch (IOException | RejectedExecutionException e) {
            stop(process, id);
            result.complete(SmokeRun.failed("not started", List.of("output not read: " + e.getMessage())));
            return result;
        }
        ScheduledFuture<?> timeout = timers.schedule(
                () -> {
                    // decided before the process is stopped (its exit code is not the test's verdict)
                    if (result.complete(SmokeRun.timedOut(spec.timeout(), tail.lines()))) {
                        stop(process, id);
                    }
                },
                spec.timeout().toMillis(),
                TimeUnit.MILLISECONDS);
        process.onExit()
                .thenCompose(exited -> {
                    running.remove(process);
                    // what it left behind holds the output open: once gone, the rest of the output is read at once
                    stop(process, id);
                    return read.completeOnTimeout(null, DRAIN.toMillis(), TimeUnit.MILLISECONDS);
                })
                .thenRun(() -> {
                    int exit = process.exitValue();
                    String value = "exit " + exit;
                    result.complete(
                            exit == 0 ? SmokeRun.passed(value, tail.lines()) : SmokeRun.failed(value, tail.lines()));
                });
        result.whenComplete((ended, failure) -> {
            timeout.cancel(false);
            if (result.isCancelled()) {
                stop(process, id);
            }
        });
        return result;
    }

    /**
     * Asks the process and every process of its run to end (SIGTERM) and kills whichever is still alive after the
     * grace.
     */
    private void stop(Process process, String id) {
        List<ProcessHandle> tree = tree(process, id);
        if (tree.isEmpty()) {
            return;
        }
        tree.forEach(ProcessHandle::destroy);
        try {
            timers.schedule(
                    () -> tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly),
                    killGrace.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            tree.forEach(ProcessHandle::destroyForcibly); // the service is stopping
        }
    }

    /**
     * The process (while alive), its descendants, and the processes marked with its run's id that are no longer its
     * descendants (their parent exited). The mark is read where the system shows it ({@code /proc}, Linux).
     */
    private static List<ProcessHandle> tree(Process process, String id) {
        Set<ProcessHandle> tree = new LinkedHashSet<>();
        process.descendants().forEach(tree::add);
        String mark = RUN_VARIABLE + "=" + id;
        long self = ProcessHandle.current().pid();
        ProcessHandle.allProcesses()
                .filter(handle -> handle.pid() != self && marked(handle, mark))
                .forEach(tree::add);
        if (process.isAlive()) {
            tree.add(process.toHandle());
        }
        return List.copyOf(tree);
    }

    private static boolean marked(ProcessHandle handle, String mark) {
        Path environ = Path.of("/proc", Long.toString(handle.pid()), "environ");
        try {
            // NUL-separated NAME=value entries, the id is unique: ISO-8859-1 keeps every byte as one character
            String environment = "\0" + new String(Files.readAllBytes(environ), StandardCharsets.ISO_8859_1);
            return environment.contains("\0" + mark + "\0");
        } catch (IOException | RuntimeException e) {
            return false; // another user's process, one that ended, or no /proc
        }
    }

    @Override
    public void destroy() {
        running.forEach((process, id) -> {
            log.info("smoke test command {} killed: the service is stopping", process.pid());
            tree(process, id).forEach(ProcessHandle::destroyForcibly);
        });
        running.clear();
        readers.shutdownNow();
        timers.shutdownNow();
    }
}
