package io.relops.deploy.targets.compose;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.relops.deploy.catalog.DeployCatalog.ComposeSpec;
import io.relops.deploy.targets.DeploymentFailedException;
import io.relops.deploy.targets.DeploymentTarget;
import io.relops.deploy.targets.Routed;
import io.relops.deploy.targets.SafeVersion;
import io.relops.deploy.targets.TargetContext;
import io.relops.deploy.targets.Traffic;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The {@code compose} deployment target: each slot of an application's environment is a service of the user's compose
 * file ({@code target.compose.service}, by default {@code <application>-<slot>}), driven with {@code docker compose}
 * (or {@code podman compose}: {@code target.compose.command}) on this host, without a shell:
 *
 * <ul>
 *   <li>deploy: {@code <command> -f <file> [-p <project>] up -d --no-deps <service>} with the version in the environment
 *       variable {@code version-variable} (the compose file's image tag, e.g. {@code image: ...:${VERSION}}), then the
 *       slot's URL ({@code target.compose.slots}) must answer HTTP (any status); both within {@code ready-timeout};
 *   <li>stop: {@code <command> -f <file> [-p <project>] stop -t <stop-timeout> <service>}.
 * </ul>
 *
 * <p>Readiness is an HTTP answer, not an accepted TCP connection: Docker's userland proxy accepts connections on a
 * published port as soon as the container starts, before the application in it listens. The commands' output is
 * appended to {@code <application>-<environment>-<slot>.compose.log} in the log directory; a command that fails
 * (cannot start, exits non-zero, outlives its bound and is killed) fails the call with its last lines.
 *
 * <p>The target has no routing of its own ({@link #routerType()} is {@code null}): the catalog's {@code router.type}
 * is {@code nginx} or {@code haproxy}, whose proxy forwards the stable URL to the slots' URLs. The containers outlive
 * deploy-service.
 */
@Component
public class ComposeTarget implements DeploymentTarget {

    public static final String TYPE = "compose";

    private static final Logger log = LoggerFactory.getLogger(ComposeTarget.class);
    private static final Duration READY_POLL = Duration.ofMillis(250);
    /** The longest a single readiness request may take. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    /** What {@code compose stop} may take beyond the containers' own stop timeout (the CLI, the engine's API). */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(30);
    /** How long a command that outlived its bound gets after SIGTERM before it is killed. */
    private static final Duration KILL_GRACE = Duration.ofSeconds(5);
    /** A failed command's output in the error: its last lines, from at most its last bytes. */
    private static final int OUTPUT_LINES = 20;

    private static final int OUTPUT_BYTES = 16 * 1024;

    private final Path logDirectory;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(PROBE_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    public ComposeTarget(@Value("${relops.deploy.log-dir}") Path logDirectory) {
        this.logDirectory = logDirectory;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> slots(TargetContext context) {
        return List.copyOf(spec(context).slots().keySet());
    }

    @Override
    public String deploy(TargetContext context, String slot, String version) {
        SafeVersion.requireImageTag(version);
        ComposeSpec compose = spec(context);
        String url = url(context, compose, slot);
        String service = service(context, compose, slot);
        long deadline = System.nanoTime() + compose.readyTimeout().toNanos();
        Map<String, String> environment = new LinkedHashMap<>();
        if (compose.environment() != null) {
            environment.putAll(compose.environment());
        }
        environment.put(compose.versionVariable(), version);
        run(
                context,
                compose,
                slot,
                List.of("up", "-d", "--no-deps", service),
                environment,
                compose.readyTimeout(),
                version + " on slot " + slot);
        log.info(
                "{} in {}: started service {} ({}={}) for slot {}; waiting for {}",
                context.application(),
                context.environment(),
                service,
                compose.versionVariable(),
                version,
                slot,
                url);
        awaitAnswer(context, compose, slot, version, service, url, deadline);
        log.info(
                "{} {} in {} ready on slot {} (service {}, {})",
                context.application(),
                version,
                context.environment(),
                slot,
                service,
                url);
        return url;
    }

    /** None: a compose application's traffic is split by the {@code nginx} or {@code haproxy} router. */
    @Override
    public @Nullable String routerType() {
        return null;
    }

    @Override
    public Routed route(TargetContext context, Traffic traffic) {
        throw new DeploymentFailedException("application " + context.application() + " in " + context.environment()
                + ": the compose target needs router.type nginx or haproxy in the catalog (it has no routing of its"
                + " own; docs/deploy-targets.md, compose)");
    }

    /**
     * The environment of {@code stop}: the catalog's, and the version variable set (to {@code stopping}) so that a
     * compose file requiring it ({@code ${VERSION:?}}) still parses; {@code stop} starts no image.
     */
    private static Map<String, String> stopEnvironment(ComposeSpec compose) {
        Map<String, String> environment = new LinkedHashMap<>();
        if (compose.environment() != null) {
            environment.putAll(compose.environment());
        }
        environment.putIfAbsent(compose.versionVariable(), "stopping");
        return environment;
    }

    @Override
    public void stop(TargetContext context, String slot) {
        ComposeSpec compose = spec(context);
        String service = service(context, compose, slot);
        long seconds = (compose.stopTimeout().toMillis() + 999) / 1000;
        run(
                context,
                compose,
                slot,
                List.of("stop", "-t", Long.toString(seconds), service),
                stopEnvironment(compose),
                compose.stopTimeout().plus(STOP_MARGIN),
                "stopping slot " + slot);
        log.info(
                "{} in {}: stopped service {} of slot {}", context.application(), context.environment(), service, slot);
    }

    /** The containers are the engine's: they keep running when deploy-service stops. */
    @Override
    public boolean outlivesDeployService() {
        return true;
    }

    /**
     * The slots' URLs are this host's ports and the commands reach this host's engine: every call of a release runs
     * on the instance that holds the process host's lease, so a slot is started, probed and stopped on one host.
     */
    @Override
    public boolean hostBound() {
        return true;
    }

    /**
     * Runs {@code <command> -f <file> [-p <project>] <action>} with {@code environment} added to deploy-service's own,
     * within {@code bound}; its output appended to the slot's compose log.
     */
    private void run(
            TargetContext context,
            ComposeSpec compose,
            String slot,
            List<String> action,
            Map<String, String> environment,
            Duration bound,
            String what) {
        String where = context.application() + " " + what + " in " + context.environment();
        if (!Files.isRegularFile(Path.of(compose.file()))) {
            throw new DeploymentFailedException(where + ": the compose file " + compose.file()
                    + " (target.compose.file) does not exist or is not a file");
        }
        List<String> command = new ArrayList<>(compose.command());
        command.addAll(List.of("-f", compose.file()));
        if (compose.project() != null && !compose.project().isBlank()) {
            command.addAll(List.of("-p", compose.project()));
        }
        command.addAll(action);
        String shown = "`" + String.join(" ", command) + "`";
        Path logFile =
                logDirectory.resolve(context.application() + "-" + context.environment() + "-" + slot + ".compose.log");
        log.info("{} in {}: running {} (output in {})", context.application(), context.environment(), shown, logFile);
        long from;
        Process process;
        try {
            Files.createDirectories(logDirectory);
            from = Files.exists(logFile) ? Files.size(logFile) : 0;
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new DeploymentFailedException(
                    where + ": cannot run " + shown + " (" + e.getMessage()
                            + "): is docker (or podman) installed? (target.compose.command)",
                    e);
        }
        boolean exited;
        try {
            exited = process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new DeploymentFailedException(where + ": interrupted while " + shown + " ran; killed it", e);
        }
        if (!exited) {
            kill(process);
            throw new DeploymentFailedException(where + ": " + shown + " did not finish within " + bound
                    + (action.get(0).equals("stop")
                            ? " (target.compose.stop-timeout + " + STOP_MARGIN.toSeconds() + "s)"
                            : " (target.compose.ready-timeout)")
                    + "; killed"
                    + " it. Its last output:" + lastLines(logFile, from) + "\n(all of it in " + logFile + ")");
        }
        if (process.exitValue() != 0) {
            throw new DeploymentFailedException(where + ": " + shown + " exited with code " + process.exitValue()
                    + ". Its last output:" + lastLines(logFile, from) + "\n(all of it in " + logFile + ")");
        }
    }

    /** SIGTERM to the command and its children (the compose plugin runs as the CLI's child), then a kill. */
    private static void kill(Process process) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        try {
            process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** The last lines {@code file} got since {@code from}, each indented on its own line. */
    private static String lastLines(Path file, long from) {
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            long start = Math.max(from, channel.size() - OUTPUT_BYTES);
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(0, channel.size() - start));
            channel.position(start);
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // until the buffer is full or the file ends
            }
            List<String> lines = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(line -> !line.isBlank())
                    .toList();
            if (start > from && !lines.isEmpty()) {
                lines = lines.subList(1, lines.size()); // the first one was cut
            }
            if (lines.isEmpty()) {
                return " (none)";
            }
            return "\n  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - OUTPUT_LINES), lines.size()));
        } catch (IOException e) {
            return " (unreadable: " + e.getMessage() + ")";
        }
    }

    /** Until {@code url} answers HTTP (any status), or {@code deadline} ({@link System#nanoTime()}) passes. */
    private void awaitAnswer(
            TargetContext context,
            ComposeSpec compose,
            String slot,
            String version,
            String service,
            String url,
            long deadline) {
        Retry retry = Retry.of(
                "compose-ready-" + context.application() + "-" + context.environment() + "-" + slot,
                RetryConfig.custom()
                        .maxAttempts(Integer.MAX_VALUE)
                        .intervalFunction(IntervalFunction.of(READY_POLL))
                        .retryOnException(e -> e instanceof IOException && System.nanoTime() < deadline)
                        .build());
        try {
            retry.executeCallable(() -> {
                Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), 0));
                Duration timeout = left.compareTo(PROBE_TIMEOUT) < 0 ? left : PROBE_TIMEOUT;
                HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                        .timeout(timeout.isZero() ? Duration.ofMillis(100) : timeout)
                        .GET()
                        .build();
                return http.send(request, HttpResponse.BodyHandlers.discarding())
                        .statusCode();
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeploymentFailedException(
                    context.application() + " " + version + " in " + context.environment()
                            + ": interrupted while waiting for slot " + slot,
                    e);
        } catch (Exception e) {
            throw new DeploymentFailedException(context.application() + " " + version + " in "
                    + context.environment() + " on slot " + slot + " (service " + service + ") did not answer at "
                    + url + " within " + compose.readyTimeout() + " (target.compose.ready-timeout; last: " + e
                    + "); see `" + String.join(" ", compose.command()) + " -f " + compose.file() + " logs " + service
                    + "`");
        }
    }

    private static String url(TargetContext context, ComposeSpec compose, String slot) {
        String url = compose.slots().get(slot);
        if (url == null) {
            throw new DeploymentFailedException(
                    context.application() + " has no slot '" + slot + "' in " + context.environment()
                            + " (target.compose.slots: " + compose.slots().keySet() + ")");
        }
        return url;
    }

    private static String service(TargetContext context, ComposeSpec compose, String slot) {
        return compose.service()
                .replace("{application}", context.application())
                .replace("{environment}", context.environment())
                .replace("{slot}", slot);
    }

    private static ComposeSpec spec(TargetContext context) {
        if (context.spec().target() == null || context.spec().target().compose() == null) {
            throw new DeploymentFailedException("application " + context.application() + " has no target.compose in "
                    + context.environment() + " in the catalog");
        }
        return context.spec().target().compose();
    }
}
