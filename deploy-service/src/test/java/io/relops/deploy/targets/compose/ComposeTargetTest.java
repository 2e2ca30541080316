package io.relops.deploy.targets.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.relops.deploy.catalog.DeployCatalog;
import io.relops.deploy.targets.DeploymentFailedException;
import io.relops.deploy.targets.GuardedTargets;
import io.relops.deploy.targets.Routed;
import io.relops.deploy.targets.TargetContext;
import io.relops.deploy.targets.Traffic;
import io.relops.deploy.targets.TrafficRouter;
import io.relops.deploy.testing.FakeDocker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The compose target against a recording fake {@code docker} ({@link FakeDocker}, a bash script in the test's
 * directory): no Docker engine exists on the machines relops is tested on, CI included. The fake records the
 * arguments and the version variable of each call and starts nothing; the slot's "container" is an HTTP server this
 * test starts on the slot's port.
 */
class ComposeTargetTest {

    @TempDir
    Path work;

    private final List<AutoCloseable> listeners = new ArrayList<>();
    private Path composeFile;
    private int bluePort;
    private int greenPort;

    @BeforeEach
    void composeFile() throws IOException {
        composeFile = work.resolve("compose.yml");
        Files.writeString(composeFile, """
                services:
                  demo-app-blue:
                    image: registry.example.com/demo-app:${VERSION}
                    ports: ["127.0.0.1:9311:8080"]
                  demo-app-green:
                    image: registry.example.com/demo-app:${VERSION}
                    ports: ["127.0.0.1:9312:8080"]
                """);
        bluePort = freePort();
        greenPort = freePort();
    }

    @AfterEach
    void closeListeners() throws Exception {
        for (AutoCloseable listener : listeners) {
            listener.close();
        }
    }

    /** demo-app in staging on the compose target run by {@code docker}, with {@code extra} catalog keys. */
    private TargetContext context(FakeDocker docker, Map<String, String> extra) {
        Map<String, String> properties = new HashMap<>();
        String prefix = "relops.applications.demo-app.target.";
        properties.put(prefix + "type", "compose");
        properties.put(prefix + "compose.command", docker.executable() + ",compose");
        properties.put(prefix + "compose.file", composeFile.toString());
        properties.put(prefix + "compose.project", "demo");
        properties.put(prefix + "compose.slots.blue", "http://127.0.0.1:" + bluePort);
        properties.put(prefix + "compose.slots.green", "http://127.0.0.1:" + greenPort);
        properties.put(prefix + "compose.ready-timeout", "10s");
        properties.put(prefix + "compose.stop-timeout", "7s");
        extra.forEach((key, value) -> properties.put("relops.applications.demo-app." + key, value));
        DeployCatalog catalog = DeployCatalog.of(new MapConfigurationPropertySource(properties));
        return new TargetContext(
                UUID.randomUUID(),
                "demo-app",
                "staging",
                catalog.application("demo-app", "staging").orElseThrow());
    }

    private ComposeTarget target() {
        return new ComposeTarget(work.resolve("logs"));
    }

    @Test
    void deploysTheSlotsServiceWithTheVersionAsItsImageTagAndWaitsUntilItAnswers() throws IOException {
        FakeDocker docker = FakeDocker.recording(work.resolve("bin"), "VERSION");
        answerHttpOn(greenPort);

        String endpoint = target().deploy(context(docker, Map.of()), "green", "1.2.0");

        assertThat(endpoint).isEqualTo("http://127.0.0.1:" + greenPort);
        assertThat(docker.calls())
                .containsExactly(List.of(
                        "1.2.0",
                        "compose",
                        "-f",
                        composeFile.toString(),
                        "-p",
                        "demo",
                        "up",
                        "-d",
                        "--no-deps",
                        "demo-app-green"));
    }

    @Test
    void takesTheServiceNameTemplateAndTheVersionVariableFromTheCatalog() throws IOException {
        FakeDocker docker = FakeDocker.recording(work.resolve("bin"), "DEMO_TAG");
        answerHttpOn(bluePort);
        Map<String, String> catalog = Map.of(
                "target.compose.service", "{application}-{environment}-{slot}",
                "target.compose.version-variable", "DEMO_TAG",
                "target.compose.project", "");

        target().deploy(context(docker, catalog), "blue", "2.0.0-rc.1");

        assertThat(docker.calls())
                .containsExactly(List.of(
                        "2.0.0-rc.1",
                        "compose",
                        "-f",
                        composeFile.toString(),
                        "up",
                        "-d",
                        "--no-deps",
                        "demo-app-staging-blue"));
    }

    @Test
    void stopsTheSlotsServiceWithTheStopTimeout() throws IOException {
        FakeDocker docker = FakeDocker.recording(work.resolve("bin"), "VERSION");

        target().stop(context(docker, Map.of()), "blue");

        assertThat(docker.calls())
                .as("the version variable is set, so that a compose file requiring it (${VERSION:?}) parses")
                .containsExactly(List.of(
                        "stopping",
                        "compose",
                        "-f",
                        composeFile.toString(),
                        "-p",
                        "demo",
                        "stop",
                        "-t",
                        "7",
                        "demo-app-blue"));
    }

    @Test
    void aFailingComposeCommandFailsTheDeployWithItsExitCodeAndItsLastOutputLines() throws IOException {
        String[] output = IntStream.rangeClosed(1, 40)
                .mapToObj(line -> "pull progress line " + line)
                .toArray(String[]::new);
        output[39] = "Error response from daemon: manifest for registry.example.com/demo-app:9.9.9 not found";
        FakeDocker docker = FakeDocker.failing(work.resolve("bin"), "VERSION", 3, output);

        assertThatThrownBy(() -> target().deploy(context(docker, Map.of()), "green", "9.9.9"))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("demo-app 9.9.9 on slot green in staging")
                .hasMessageContaining("up -d --no-deps demo-app-green` exited with code 3")
                .hasMessageContaining("pull progress line 21\n")
                .hasMessageContaining("manifest for registry.example.com/demo-app:9.9.9 not found")
                .hasMessageNotContaining("pull progress line 20\n")
                .hasMessageContaining(
                        work.resolve("logs/demo-app-staging-green.compose.log").toString());
        assertThat(docker.calls()).hasSize(1);
    }

    @Test
    void aSlotThatNeverAnswersFailsTheDeployAtTheReadyTimeout() throws IOException {
        FakeDocker docker = FakeDocker.recording(work.resolve("bin"), "VERSION");
        TargetContext context = context(docker, Map.of("target.compose.ready-timeout", "1500ms"));

        long started = System.nanoTime();
        assertThatThrownBy(() -> target().deploy(context, "green", "1.2.0"))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining(
                        "demo-app 1.2.0 in staging on slot green (service demo-app-green) did not answer at"
                                + " http://127.0.0.1:" + greenPort + " within PT1.5S");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(5));
    }

    /**
     * Docker's userland proxy accepts connections on a published port before the application in the container
     * listens: a port that accepts and closes connections is not ready.
     */
    @Test
    void aPortThatAcceptsConnectionsWithoutAnsweringHttpIsNotReady() throws IOException {
        FakeDocker docker = FakeDocker.recording(work.resolve("bin"), "VERSION");
        acceptAndCloseOn(greenPort);

        assertThatThrownBy(() -> target().deploy(
                                context(docker, Map.of("target.compose.ready-timeout", "1s")), "green", "1.2.0"))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("did not answer at http://127.0.0.1:" + greenPort + " within PT1S");
    }

    @Test
    void killsAComposeCommandThatOutlivesTheReadyTimeoutAndTheProcessesItStarted() throws IOException {
        FakeDocker docker = FakeDocker.hanging(work.resolve("bin"), "VERSION", 120);

        long started = System.nanoTime();
        assertThatThrownBy(() -> target().deploy(
                                context(docker, Map.of("target.compose.ready-timeout", "1s")), "green", "1.2.0"))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("up -d --no-deps demo-app-green` did not finish within PT1S"
                        + " (target.compose.ready-timeout); killed it")
                .hasMessageContaining("pulling...");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));

        long child = docker.childPid();
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(ProcessHandle.of(child)
                                .map(ProcessHandle::isAlive)
                                .orElse(false))
                        .as("the fake's child process (pid %d)", child)
                        .isFalse());
    }

    @Test
    void refusesAVersionWithShellMetacharactersBeforeRunningAnything() throws IOException {
        FakeDocker docker = FakeDocker.recording(work.resolve("bin"), "VERSION");
        ComposeTarget target = target();
        TargetContext context = context(docker, Map.of());

        for (String version : List.of("1.2.0;touch pwned", "$(id)", "1.2.0 --build", "-d", "1.2.0+build.7")) {
            assertThatThrownBy(() -> target.deploy(context, "green", version))
                    .isInstanceOf(DeploymentFailedException.class)
                    .hasMessageContaining("refusing version '" + version + "'");
        }
        assertThat(docker.calls()).as("calls of docker").isEmpty();
    }

    @Test
    void aMissingDockerExecutableIsNamed() throws IOException {
        FakeDocker docker = FakeDocker.recording(work.resolve("bin"), "VERSION");
        Path missing = work.resolve("no-such-dir/docker");

        assertThatThrownBy(() -> target().deploy(
                                context(docker, Map.of("target.compose.command", missing + ",compose")),
                                "green",
                                "1.2.0"))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("cannot run `" + missing + " compose -f " + composeFile)
                .hasMessageContaining("is docker (or podman) installed?");
    }

    @Test
    void aMissingComposeFileIsNamedBeforeDockerRuns() throws IOException {
        FakeDocker docker = FakeDocker.recording(work.resolve("bin"), "VERSION");
        Files.delete(composeFile);

        assertThatThrownBy(() -> target().stop(context(docker, Map.of()), "green"))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("the compose file " + composeFile + " (target.compose.file) does not exist");
        assertThat(docker.calls()).isEmpty();
    }

    @Test
    void anUnknownSlotIsNamed() throws IOException {
        FakeDocker docker = FakeDocker.recording(work.resolve("bin"), "VERSION");

        assertThatThrownBy(() -> target().deploy(context(docker, Map.of()), "purple", "1.2.0"))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("demo-app has no slot 'purple' in staging (target.compose.slots: [blue, green])");
        assertThat(docker.calls()).isEmpty();
    }

    @Test
    void hasNoRoutingOfItsOwnAndSaysWhichRouterItNeeds() throws IOException {
        FakeDocker docker = FakeDocker.recording(work.resolve("bin"), "VERSION");
        ComposeTarget target = target();
        TargetContext context = context(docker, Map.of());
        Traffic traffic = Traffic.all("blue", "http://127.0.0.1:" + bluePort);

        assertThat(target.routerType()).isNull();
        assertThat(target.outlivesDeployService()).isTrue();
        String needed = "application demo-app in staging: the compose target needs router.type nginx or haproxy";
        assertThatThrownBy(() -> target.route(context, traffic)).hasMessageStartingWith(needed);
        // no router.type: the guarded router is the target's route call, which says what it needs (no retry)
        TrafficRouter router = new GuardedTargets(List.of(target), List.of(new NamedRouter("nginx"))).router(context);
        assertThatThrownBy(() -> router.route(context, traffic))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageStartingWith(needed);
        assertThat(router.hostBound()).isFalse();
        // router.type nginx: that router
        TrafficRouter nginx = new GuardedTargets(List.of(target), List.of(new NamedRouter("nginx")))
                .router(context(docker, Map.of("router.type", "nginx", "router.nginx.include-file", "/tmp/x.conf")));
        assertThat(nginx.route(context, traffic).router()).isEqualTo("nginx");
    }

    /** A router that confirms what it is asked (only its type matters here). */
    private record NamedRouter(String type) implements TrafficRouter {
        @Override
        public Routed route(TargetContext context, Traffic traffic) {
            return Routed.exactly(type, traffic);
        }
    }

    private void answerHttpOn(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
        listeners.add(() -> server.stop(0));
    }

    private void acceptAndCloseOn(int port) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", port));
        Thread accepting = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket connection = server.accept()) {
                    // closed at once, as Docker's proxy does when nothing listens in the container
                } catch (IOException e) {
                    return;
                }
            }
        });
        accepting.setDaemon(true);
        accepting.start();
        listeners.add(() -> {
            server.close();
            accepting.join();
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
