package io.relops.deploy.targets;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.relops.deploy.catalog.DeployCatalog.ApplicationSpec;
import io.relops.deploy.catalog.DeployCatalog.ProcessSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The {@code process} deployment target: each slot of an application's environment is a local OS process started
 * from the catalog's command template (no shell; the request contributes only the validated
 * version), with its output in a log file per slot ({@code <app>-<env>-<slot>.log}). The environment's stable port is
 * served by a {@link StableRouter}. Processes, routers and logs are per application and environment: two environments
 * (each with its own slots and stable port in the catalog) release side by side without touching each other. Processes are stopped gracefully (SIGTERM, then a kill after the catalog's
 * stop timeout), and all of them when deploy-service stops.
 */
@Component
public class ProcessTarget implements DeploymentTarget, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ProcessTarget.class);
    private static final Duration READY_POLL = Duration.ofMillis(100);
    private static final int STOP_ALL_GRACE_SECONDS = 3;
    private static final Duration STOP_ALL_GRACE = Duration.ofSeconds(STOP_ALL_GRACE_SECONDS);

    private final Path logDirectory;
    private final Map<String, Process> processes = new ConcurrentHashMap<>();
    private final Map<String, StableRouter> routers = new ConcurrentHashMap<>();
    private final Object slots = new Object();
    private volatile BooleanSupplier mayRun = () -> true;

    public ProcessTarget(@Value("${relops.deploy.log-dir}") Path logDirectory) {
        this.logDirectory = logDirectory;
    }

    /**
     * Whether this instance may run slots now (the {@link ProcessHost} sets it): a deploy or route that finds it false
     * fails instead of starting a process or a stable router that nothing would stop.
     */
    void guardedBy(BooleanSupplier mayRun) {
        this.mayRun = mayRun;
    }

    private void requireHost(TargetContext context) {
        if (!mayRun.getAsBoolean()) {
            throw new DeploymentFailedException("this instance is not the process host (any more): it runs no slot of "
                    + context.application() + " in " + context.environment());
        }
    }

    @Override
    public String type() {
        return "process";
    }

    /**
     * Its processes are deploy-service's children: a graceful stop stops them. A deploy-service killed with SIGKILL
     * (or by the OOM killer) can leave them running with their ports; {@link #deploy} then refuses to start a slot
     * whose port is taken rather than take the leftover for the new version.
     */
    @Override
    public boolean outlivesDeployService() {
        return false;
    }

    @Override
    public List<String> slots(TargetContext context) {
        return List.copyOf(spec(context).slots().keySet());
    }

    @Override
    public String deploy(TargetContext context, String slot, String version) {
        String application = context.application();
        String environment = context.environment();
        ProcessSpec process = spec(context);
        SafeVersion.require(version);
        Integer port = process.slots().get(slot);
        if (port == null) {
            throw new DeploymentFailedException(
                    application + " has no slot '" + slot + "' in " + environment + " in the catalog");
        }
        if (builtin(context)) {
            router(context, process); // the stable URL answers (503) before the first version is live
        } else {
            requireHost(context);
        }
        stop(context, slot);
        stopLeftover(context, slot, process.stopTimeout());
        requireFree(application, environment, slot, port);
        List<String> command = new ArrayList<>();
        for (String part : process.command()) {
            command.add(part.replace("{java}", javaExecutable())
                    .replace("{version}", version)
                    .replace("{port}", Integer.toString(port))
                    .replace("{slot}", slot)
                    .replace("{application}", application)
                    .replace("{environment}", environment));
        }
        Path logFile = logDirectory.resolve(application + "-" + environment + "-" + slot + ".log");
        Process started;
        try {
            Files.createDirectories(logDirectory);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(Path.of(process.workingDirectory()).toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            if (process.environment() != null) {
                builder.environment().putAll(process.environment());
            }
            started = builder.start();
        } catch (IOException e) {
            throw new DeploymentFailedException(
                    "cannot start " + application + " " + version + " on slot " + slot + " (" + command.get(0) + "): "
                            + e.getMessage(),
                    e);
        }
        synchronized (slots) {
            if (!mayRun.getAsBoolean()) {
                started.destroyForcibly();
                requireHost(context);
            }
            processes.put(key(context, slot), started);
        }
        writePidFile(context, slot, started);
        log.info(
                "started {} {} in {} on slot {} (pid {}, port {}, log {})",
                application,
                version,
                environment,
                slot,
                started.pid(),
                port,
                logFile);
        awaitReady(application, slot, version, port, started, process.readyTimeout(), logFile);
        return "http://127.0.0.1:" + port;
    }

    /**
     * A slot's process as a file ({@code <app>-<env>-<slot>.pid} beside its log: pid and start time), so that one left
     * running by a deploy-service killed with SIGKILL is stopped by the next instance that deploys the slot. The start
     * time guards against a reused pid: a process that is not the one recorded is never touched.
     */
    private void writePidFile(TargetContext context, String slot, Process process) {
        long started = process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        try {
            Files.writeString(
                    pidFile(context.application(), context.environment(), slot), process.pid() + " " + started + "\n");
        } catch (IOException e) {
            log.warn("cannot record the pid of {} on slot {}: {}", context.application(), slot, e.getMessage());
        }
    }

    private void deletePidFile(String application, String environment, String slot) {
        try {
            Files.deleteIfExists(pidFile(application, environment, slot));
        } catch (IOException e) {
            log.warn("cannot delete the pid file of {} on slot {}: {}", application, slot, e.getMessage());
        }
    }

    private Path pidFile(String application, String environment, String slot) {
        return logDirectory.resolve(application + "-" + environment + "-" + slot + ".pid");
    }

    /** Stops the slot's process recorded by an earlier deploy-service that did not stop it (killed). */
    private void stopLeftover(TargetContext context, String slot, Duration grace) {
        Path file = pidFile(context.application(), context.environment(), slot);
        Optional<ProcessHandle> leftover;
        try {
            leftover = Files.exists(file) ? recorded(Files.readString(file)) : Optional.empty();
        } catch (IOException e) {
            leftover = Optional.empty();
        }
        leftover.ifPresent(process -> {
            log.warn(
                    "{} in {}: slot {} still runs pid {}, left by a deploy-service that did not stop it; stopping it",
                    context.application(),
                    context.environment(),
                    slot,
                    process.pid());
            process.destroy();
            try {
                process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        });
        deletePidFile(context.application(), context.environment(), slot);
    }

    /** The live process a pid file names, when its start time is the one recorded (no reused pid). */
    private static Optional<ProcessHandle> recorded(String line) {
        String[] parts = line.strip().split(" ");
        if (parts.length != 2) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(parts[0]);
            long started = Long.parseLong(parts[1]);
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(handle -> handle.info()
                                    .startInstant()
                                    .map(Instant::toEpochMilli)
                                    .orElse(-1L)
                            == started);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Readiness is "something accepts connections on the port": a process left over by a killed deploy-service would
     * pass it for the version being deployed. So a slot starts only on a port nobody listens on.
     */
    private static void requireFree(String application, String environment, String slot, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress("127.0.0.1", port));
        } catch (IOException e) {
            throw new DeploymentFailedException(application + " (" + environment + "): port " + port + " of slot "
                    + slot + " is in use by a process deploy-service did not start (a slot left over by a"
                    + " deploy-service that was killed?); stop it, e.g. `fuser -k " + port + "/tcp`, and retry");
        }
    }

    private void awaitReady(
            String application,
            String slot,
            String version,
            int port,
            Process process,
            Duration timeout,
            Path logFile) {
        int attempts = (int) Math.max(1, timeout.toMillis() / READY_POLL.toMillis());
        Retry retry = Retry.of(
                "ready-" + application + "-" + slot,
                RetryConfig.custom()
                        .maxAttempts(attempts)
                        .intervalFunction(IntervalFunction.of(READY_POLL))
                        .retryExceptions(IOException.class, UncheckedIOException.class)
                        .build());
        try {
            retry.executeCallable(() -> {
                if (!process.isAlive()) {
                    throw new DeploymentFailedException(application + " " + version + " on slot " + slot
                            + " exited with code " + process.exitValue() + " before it was ready; see " + logFile);
                }
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                }
                return null;
            });
        } catch (DeploymentFailedException e) {
            throw e;
        } catch (Exception e) {
            process.destroyForcibly();
            throw new DeploymentFailedException(application + " " + version + " on slot " + slot
                    + " did not accept connections on port " + port + " within " + timeout + "; see " + logFile);
        }
    }

    @Override
    public String routerType() {
        return "builtin";
    }

    /** The {@code builtin} router: deploy-service's own proxy on the environment's stable port. */
    @Override
    public Routed route(TargetContext context, Traffic traffic) {
        router(context, spec(context)).route(traffic, context.spec().router().match());
        if (traffic.canaryWeight() == 0) {
            log.info(
                    "{} in {}: all traffic to slot {} ({})",
                    context.application(),
                    context.environment(),
                    traffic.stableSlot(),
                    traffic.stableEndpoint());
        } else {
            log.info(
                    "{} in {}: {}% of traffic to slot {}, the rest to slot {}",
                    context.application(),
                    context.environment(),
                    traffic.canaryWeight(),
                    traffic.canarySlot(),
                    traffic.stableSlot());
        }
        return Routed.exactly(routerType(), traffic);
    }

    @Override
    public void stop(TargetContext context, String slot) {
        Process process = processes.remove(key(context, slot));
        if (process != null) {
            deletePidFile(context.application(), context.environment(), slot);
            terminate(process, spec(context).stopTimeout());
            log.info(
                    "stopped {} in {} on slot {} (pid {})",
                    context.application(),
                    context.environment(),
                    slot,
                    process.pid());
        }
    }

    private static void terminate(Process process, Duration grace) {
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The stable URL of the context's application and environment. */
    private StableRouter router(TargetContext context, ProcessSpec process) {
        synchronized (slots) {
            requireHost(context);
            return routerOf(context, process);
        }
    }

    /** Whether the application's router is this target's own proxy (not nginx, HAProxy, ...). */
    private boolean builtin(TargetContext context) {
        return routerType().equals(context.spec().router().typeFor(type()));
    }

    private StableRouter routerOf(TargetContext context, ProcessSpec process) {
        return routers.computeIfAbsent(key(context, ""), key -> {
            String name = context.application() + " in " + context.environment();
            if (process.stablePort() == null) {
                throw new DeploymentFailedException(name + " has no target.process.stable-port in the catalog:"
                        + " the builtin router needs one (or set router.type: nginx or haproxy)");
            }
            StableRouter router = new StableRouter(name, process.stablePort());
            router.start();
            log.info("{}: stable URL http://127.0.0.1:{}/", name, router.port());
            return router;
        });
    }

    private static ProcessSpec spec(TargetContext context) {
        ApplicationSpec spec = context.spec();
        if (spec.target() == null || spec.target().process() == null) {
            throw new DeploymentFailedException("application " + context.application() + " has no target.process in "
                    + context.environment() + " in the catalog");
        }
        return spec.target().process();
    }

    private static String javaExecutable() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Processes by application, environment and slot; routers by application and environment (no slot). */
    private static String key(TargetContext context, String slot) {
        return context.application() + "/" + context.environment() + "/" + slot;
    }

    /**
     * The slots ({@code <application>/<environment>/<slot>}) and stable routers ({@code
     * <application>/<environment>/router}) this instance runs now.
     */
    public Set<String> running() {
        Set<String> running = new TreeSet<>();
        processes.forEach((key, process) -> {
            if (process.isAlive()) {
                running.add(key);
            }
        });
        routers.keySet().forEach(key -> running.add(key + "router"));
        return running;
    }

    /**
     * Stops every slot and stable router this instance runs: when deploy-service stops, and when this instance is
     * no longer the process host ({@link ProcessHost}), whose new holder starts the live versions again. The routers
     * close first; the processes get SIGTERM together and those still alive {@value #STOP_ALL_GRACE_SECONDS} s later
     * are killed, so stopping takes less than the margin the host keeps before its lease ends (a third of the
     * default 15 s lease).
     */
    public void stopAll() {
        List<Process> stopping;
        List<StableRouter> closing;
        synchronized (slots) {
            stopping = List.copyOf(processes.values());
            processes.clear();
            closing = List.copyOf(routers.values());
            routers.clear();
        }
        closing.forEach(StableRouter::stop);
        // SIGTERM to all at once, then one grace period for all of them, then a kill
        stopping.forEach(Process::destroy);
        long deadline = System.nanoTime() + STOP_ALL_GRACE.toNanos();
        try {
            for (Process process : stopping) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.waitFor(left, TimeUnit.NANOSECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            stopping.forEach(Process::destroyForcibly);
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void destroy() {
        stopAll();
    }
}
