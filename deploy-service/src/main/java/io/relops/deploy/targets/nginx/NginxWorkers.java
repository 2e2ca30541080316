package io.relops.deploy.targets.nginx;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The nginx worker processes this host runs, as {@code /proc} shows them (Linux): {@code nginx -s reload} only signals
 * nginx's master, which then reads the configuration, starts new workers and tells the old ones to stop ("worker
 * process is shutting down": they close their listening sockets and idle connections and finish the requests in
 * flight). Until then the old workers still take new requests with the old upstreams. {@link #awaitReload} waits for
 * that moment, so that the weights the router reports are the ones nginx applies.
 */
final class NginxWorkers {

    private static final Path PROC = Path.of("/proc");
    private static final String WORKER = "nginx: worker process";
    private static final String SHUTTING_DOWN = "nginx: worker process is shutting down";
    private static final Duration POLL = Duration.ofMillis(20);

    private NginxWorkers() {}

    /** A worker's pid, its master's and whether it is shutting down. */
    record Worker(long pid, long master, boolean shuttingDown) {}

    /** The workers running now, by pid (none where there is no {@code /proc}). */
    static Map<Long, Worker> now() {
        Map<Long, Worker> workers = new HashMap<>();
        if (!Files.isDirectory(PROC)) {
            return workers;
        }
        try (Stream<Path> entries = Files.list(PROC)) {
            entries.map(path -> path.getFileName().toString())
                    .filter(name -> name.chars().allMatch(Character::isDigit))
                    .forEach(name -> worker(Long.parseLong(name)).ifPresent(w -> workers.put(w.pid(), w)));
        } catch (IOException | RuntimeException e) {
            return workers;
        }
        return workers;
    }

    private static Optional<Worker> worker(long pid) {
        String title;
        try {
            byte[] cmdline = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
            title = new String(cmdline, StandardCharsets.UTF_8)
                    .replace('\0', ' ')
                    .strip();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // gone meanwhile, or not readable
        }
        if (!title.startsWith(WORKER)) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid)
                .flatMap(ProcessHandle::parent)
                .map(parent -> new Worker(pid, parent.pid(), title.startsWith(SHUTTING_DOWN)));
    }

    /**
     * Waits, up to {@code timeout}, until one of the masters of the workers {@code before} (taken before the reload)
     * has applied a reload: each of its workers of {@code before} is gone or shutting down, and it runs a new one.
     *
     * @return whether a reload was seen; {@code true} at once when {@code before} has no worker (nginx runs where this
     *     host cannot see it: nothing to wait for)
     */
    static boolean awaitReload(Map<Long, Worker> before, Supplier<Map<Long, Worker>> now, Duration timeout) {
        if (before.isEmpty()) {
            return true;
        }
        // bounded by the deadline, however long each look at /proc takes
        long deadline = System.nanoTime() + timeout.toNanos();
        Retry retry = Retry.of(
                "nginx-reload",
                RetryConfig.<Boolean>custom()
                        .maxAttempts(Integer.MAX_VALUE)
                        .intervalFunction(IntervalFunction.of(POLL))
                        .retryOnResult(reloaded -> !reloaded && System.nanoTime() - deadline < 0)
                        .failAfterMaxAttempts(false)
                        .build());
        return retry.executeSupplier(() -> reloaded(before, now.get()));
    }

    static boolean reloaded(Map<Long, Worker> before, Map<Long, Worker> now) {
        return before.values().stream().map(Worker::master).distinct().anyMatch(master -> {
            boolean oldStopping = workersOf(before.values(), master).stream()
                    .allMatch(old ->
                            now.get(old.pid()) == null || now.get(old.pid()).shuttingDown());
            boolean newRunning = workersOf(now.values(), master).stream()
                    .anyMatch(worker -> !before.containsKey(worker.pid()) && !worker.shuttingDown());
            return oldStopping && newRunning;
        });
    }

    private static List<Worker> workersOf(Collection<Worker> workers, long master) {
        return workers.stream().filter(w -> w.master() == master).toList();
    }
}
