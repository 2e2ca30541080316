package io.relops.deploy.targets.nginx;

import io.relops.deploy.catalog.DeployCatalog.NginxRouterSpec;
import io.relops.deploy.targets.DeploymentFailedException;
import io.relops.deploy.targets.Routed;
import io.relops.deploy.targets.TargetContext;
import io.relops.deploy.targets.TargetUnavailableException;
import io.relops.deploy.targets.Traffic;
import io.relops.deploy.targets.TrafficRouter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The {@code nginx} router (docs/deploy-targets.md, "Routers"): the application's upstreams ({@link NginxInclude}) in
 * the include file the user's nginx configuration includes, checked with the catalog's {@code test-command} ({@code
 * nginx -t}) and applied with its {@code reload-command} ({@code nginx -s reload}: nginx starts new worker processes
 * with the new upstreams, the old ones finish the requests in flight and exit, so none fails). The commands run
 * without a shell, each bounded by {@code timeout}, their output kept for the error message.
 *
 * <p>The file is replaced atomically (a temporary file beside it, then a rename). A failed test or reload puts the
 * previous content back, so the file on disk stays the one nginx runs: a failed test is a verdict ({@link
 * DeploymentFailedException}, naming the command, its exit code and nginx's message); a reload that finds no running
 * nginx (no pid file, or no such process) is transient ({@link TargetUnavailableException}, retried), any other failed
 * reload a verdict.
 *
 * <p>Idempotent: the same traffic writes the same file. When the file already holds it and this instance has tested
 * and reloaded it before, nothing runs; after a deploy-service restart the first route call tests and reloads again
 * even when the file is unchanged (nginx may have been started or reloaded with another file meanwhile).
 *
 * <p>One nginx configuration is tested and reloaded as a whole, so the calls of every application are made one at a
 * time.
 */
@Component
public class NginxRouter implements TrafficRouter {

    private static final Logger log = LoggerFactory.getLogger(NginxRouter.class);
    private static final int OUTPUT_LIMIT = 64 * 1024;
    private static final int EXCERPT_LIMIT = 1_000;
    private static final Pattern NGINX_PROBLEM = Pattern.compile("\\[(emerg|alert|crit|error)]");
    /** What {@code nginx -s reload} says when no nginx runs for the configuration. */
    private static final Pattern NOT_RUNNING = Pattern.compile(
            "\\.pid\" failed \\(2: No such file or directory\\)|invalid PID number|failed \\(3: No such process\\)");

    private final ReentrantLock oneAtATime = new ReentrantLock();
    /** The content each include file had when this instance last tested and reloaded it successfully. */
    private final Map<Path, String> applied = new ConcurrentHashMap<>();

    private final Supplier<Map<Long, NginxWorkers.Worker>> workers;

    public NginxRouter() {
        this(NginxWorkers::now);
    }

    /** With {@code workers} (tests: the nginx worker processes seen, none to skip waiting for a reload). */
    NginxRouter(Supplier<Map<Long, NginxWorkers.Worker>> workers) {
        this.workers = workers;
    }

    @Override
    public String type() {
        return "nginx";
    }

    /** The include file and the commands are on this host. */
    @Override
    public boolean hostBound() {
        return true;
    }

    @Override
    public Routed route(TargetContext context, Traffic traffic) {
        NginxRouterSpec spec = spec(context);
        NginxInclude include = include(context, spec);
        String content = include.render(traffic);
        Path file = Path.of(spec.includeFile()).toAbsolutePath().normalize();
        Routed routed = new Routed(type(), Routed.weightsOf(traffic), note(include, traffic));
        oneAtATime.lock();
        try {
            Optional<String> previous = read(context, file);
            if (previous.equals(Optional.of(content)) && content.equals(applied.get(file))) {
                log.info(
                        "{} in {}: nginx upstream {} in {} already routes {}; no reload",
                        context.application(),
                        context.environment(),
                        include.upstream(),
                        file,
                        describe(traffic));
                return routed;
            }
            write(context, file, content);
            boolean seen;
            try {
                test(context, spec, file);
                seen = reload(context, spec, file);
            } catch (RuntimeException e) {
                applied.remove(file);
                restore(context, file, previous);
                throw e;
            }
            applied.put(file, content);
            if (!seen) {
                String unseen = "nginx was signalled to reload, but no worker process of a reloaded nginx was seen on"
                        + " this host within " + spec.timeout();
                log.warn("{} in {}: {}", context.application(), context.environment(), unseen);
                routed = new Routed(
                        type(), routed.weights(), routed.note() == null ? unseen : routed.note() + "; " + unseen);
            }
            log.info(
                    "{} in {}: nginx upstream {} in {} routes {}{} (tested, reloaded)",
                    context.application(),
                    context.environment(),
                    include.upstream(),
                    file,
                    describe(traffic),
                    routed.note() == null ? "" : "; " + routed.note());
            return routed;
        } finally {
            oneAtATime.unlock();
        }
    }

    static NginxInclude include(TargetContext context, NginxRouterSpec spec) {
        String upstream = spec.upstream() == null || spec.upstream().isBlank()
                ? NginxInclude.defaultUpstream(context.application(), context.environment())
                : spec.upstream();
        return new NginxInclude(
                context.application(),
                context.environment(),
                upstream,
                context.spec().router().match());
    }

    private static NginxRouterSpec spec(TargetContext context) {
        NginxRouterSpec spec = context.spec().router().nginx();
        if (spec == null || spec.includeFile() == null || spec.includeFile().isBlank()) {
            throw new DeploymentFailedException("application " + context.application() + " in " + context.environment()
                    + " uses router 'nginx' but the catalog has no router.nginx.include-file");
        }
        if (spec.testCommand().isEmpty() || spec.reloadCommand().isEmpty()) {
            throw new DeploymentFailedException("application " + context.application() + " in " + context.environment()
                    + ": router.nginx.test-command and reload-command must not be empty");
        }
        return spec;
    }

    private static @Nullable String note(NginxInclude include, Traffic traffic) {
        String match = include.matchDescription();
        if (match == null || traffic.canarySlot() == null) {
            return null;
        }
        return "requests with " + match + " go to slot " + traffic.canarySlot();
    }

    private static String describe(Traffic traffic) {
        if (traffic.canarySlot() == null || traffic.canaryWeight() == 0) {
            return "all traffic to slot " + traffic.stableSlot();
        }
        if (traffic.canaryWeight() == 100) {
            return "all traffic to slot " + traffic.canarySlot();
        }
        return traffic.canaryWeight() + "% to slot " + traffic.canarySlot() + ", " + (100 - traffic.canaryWeight())
                + "% to slot " + traffic.stableSlot();
    }

    private static void test(TargetContext context, NginxRouterSpec spec, Path file) {
        Result result = run(context, spec.testCommand(), spec.timeout(), "test");
        if (result.exitCode() != 0) {
            throw new DeploymentFailedException(context.application() + " in " + context.environment()
                    + ": nginx refused the upstreams written to " + file + ": `" + String.join(" ", spec.testCommand())
                    + "` exited with code " + result.exitCode() + ": " + result.excerpt()
                    + " (previous file restored)");
        }
    }

    /**
     * Reloads nginx and waits until it applied the reload: the old worker processes shutting down (they take no new
     * request), a new one running ({@link NginxWorkers}; at once when this host sees no nginx worker).
     *
     * @return whether nginx was seen applying it
     */
    private boolean reload(TargetContext context, NginxRouterSpec spec, Path file) {
        Map<Long, NginxWorkers.Worker> before = workers.get();
        Result result = run(context, spec.reloadCommand(), spec.timeout(), "reload");
        if (result.exitCode() == 0) {
            return NginxWorkers.awaitReload(before, workers, spec.timeout());
        }
        String message = context.application() + " in " + context.environment() + ": `"
                + String.join(" ", spec.reloadCommand()) + "` exited with code " + result.exitCode() + ": "
                + result.excerpt() + " (" + file + " restored)";
        if (NOT_RUNNING.matcher(result.output()).find()) {
            throw new TargetUnavailableException("nginx is not running: " + message, new IOException(result.excerpt()));
        }
        throw new DeploymentFailedException(message);
    }

    /** Runs {@code command} (no shell) within {@code timeout}, its output (stdout and stderr) kept, bounded. */
    private static Result run(TargetContext context, List<String> command, Duration timeout, String purpose) {
        String shown = String.join(" ", command);
        @Nullable Path output = null;
        @Nullable Process process = null;
        try {
            output = Files.createTempFile("relops-nginx-" + purpose + "-", ".out");
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new TargetUnavailableException(
                        context.application() + " in " + context.environment() + ": `" + shown
                                + "` did not finish within " + timeout + " (router.nginx.timeout)",
                        new TimeoutException(shown));
            }
            return new Result(process.exitValue(), read(output));
        } catch (IOException e) {
            throw new DeploymentFailedException(
                    context.application() + " in " + context.environment() + ": cannot run `" + shown + "` (" + purpose
                            + " command of router.nginx): " + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            if (process != null) {
                process.destroyForcibly();
            }
            Thread.currentThread().interrupt();
            throw new DeploymentFailedException(
                    context.application() + " in " + context.environment() + ": interrupted while `" + shown + "` ran",
                    e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException e) {
                    log.debug("cannot delete {}: {}", output, e.getMessage());
                }
            }
        }
    }

    private static String read(Path output) throws IOException {
        try (InputStream in = Files.newInputStream(output)) {
            return new String(in.readNBytes(OUTPUT_LIMIT), StandardCharsets.UTF_8);
        }
    }

    private static Optional<String> read(TargetContext context, Path file) {
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        } catch (IOException e) {
            throw new DeploymentFailedException(
                    context.application() + " in " + context.environment() + ": cannot read the nginx include file "
                            + file + ": " + e.getMessage(),
                    e);
        }
    }

    /** Replaces {@code file} atomically: nginx (or a person) never reads half a file. */
    private static void write(TargetContext context, Path file, String content) {
        Path directory = Objects.requireNonNull(file.getParent());
        Path temporary = null;
        try {
            Files.createDirectories(directory);
            temporary = Files.createTempFile(directory, "." + file.getFileName(), ".tmp");
            Files.writeString(temporary, content);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                // readable by an nginx master that runs as another user, like any configuration file
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // the write failed already; that error is the one reported
                }
            }
            throw new DeploymentFailedException(
                    context.application() + " in " + context.environment() + ": cannot write the nginx include file "
                            + file + ": " + e.getMessage(),
                    e);
        }
    }

    private static void restore(TargetContext context, Path file, Optional<String> previous) {
        try {
            if (previous.isPresent()) {
                write(context, file, previous.get());
            } else {
                Files.deleteIfExists(file);
            }
        } catch (IOException | DeploymentFailedException e) {
            log.error(
                    "{} in {}: cannot restore the previous nginx include file {}: {}",
                    context.application(),
                    context.environment(),
                    file,
                    e.getMessage());
        }
    }

    /** A command's exit code and output. */
    private record Result(int exitCode, String output) {

        /** nginx's complaints ({@code [emerg]}, {@code [error]}...), else the whole output; bounded. */
        String excerpt() {
            List<String> lines = output.lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty())
                    .toList();
            List<String> problems = lines.stream()
                    .filter(line -> NGINX_PROBLEM.matcher(line).find())
                    .toList();
            String text = (problems.isEmpty() ? lines : problems).stream().collect(Collectors.joining(" / "));
            if (text.isEmpty()) {
                return "(no output)";
            }
            return text.length() <= EXCERPT_LIMIT ? text : text.substring(0, EXCERPT_LIMIT) + " ...";
        }
    }
}
