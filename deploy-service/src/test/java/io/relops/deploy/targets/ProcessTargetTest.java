package io.relops.deploy.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relops.deploy.catalog.DeployCatalog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The process target with real OS processes (a one-file Java program that listens on its port): what a
 * deploy-service killed with SIGKILL leaves behind is stopped by the next instance that deploys the slot, and a port
 * taken by a process relops did not start is refused instead of being taken for the new version.
 */
class ProcessTargetTest {

    private static final String LISTENER = """
            import java.net.*;
            class Listen {
                public static void main(String[] args) throws Exception {
                    try (ServerSocket server = new ServerSocket()) {
                        server.bind(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])));
                        while (true) {
                            server.accept().close();
                        }
                    }
                }
            }
            """;

    @TempDir
    Path work;

    private ProcessTarget first;
    private ProcessTarget second;
    private int port;
    private TargetContext context;

    @BeforeEach
    void catalog() throws IOException {
        Files.writeString(work.resolve("Listen.java"), LISTENER);
        port = freePort();
        context = context(freePort());
        first = new ProcessTarget(work.resolve("logs"));
        second = new ProcessTarget(work.resolve("logs"));
    }

    /** The slot on {@code port}; the stable URL on {@code stablePort}. */
    private TargetContext context(int stablePort) {
        Map<String, String> properties = new HashMap<>();
        String prefix = "relops.applications.shop.target.";
        properties.put(prefix + "type", "process");
        properties.put(prefix + "process.command", "{java},Listen.java,{port}");
        properties.put(prefix + "process.working-directory", work.toString());
        properties.put(prefix + "process.slots.blue", Integer.toString(port));
        properties.put(prefix + "process.stable-port", Integer.toString(stablePort));
        properties.put(prefix + "process.ready-timeout", "30s");
        properties.put(prefix + "process.stop-timeout", "5s");
        DeployCatalog catalog = DeployCatalog.of(new MapConfigurationPropertySource(properties));
        return new TargetContext(
                UUID.randomUUID(),
                "shop",
                "staging",
                catalog.application("shop").orElseThrow());
    }

    @AfterEach
    void stop() {
        first.destroy();
        second.destroy();
    }

    @Test
    void stopsTheSlotProcessAKilledDeployServiceLeftBehindBeforeStartingTheSlotAgain() throws IOException {
        first.deploy(context, "blue", "1.0.0");
        ProcessHandle leftover = onlyChild();
        // deploy-service killed: its successor (a new ProcessTarget) never started that process; the killed JVM's
        // stable URL went with it, which this test's first target still holds: the successor's is on another port
        second.deploy(context(freePort()), "blue", "1.0.1");

        assertThat(leftover.isAlive())
                .as("the process left by the killed instance")
                .isFalse();
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive))
                .as("the slot's process now")
                .hasSize(1)
                .noneMatch(process -> process.pid() == leftover.pid());
    }

    @Test
    void refusesAPortTakenByAProcessItDidNotStart() throws IOException {
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress("127.0.0.1", port));

            assertThatThrownBy(() -> first.deploy(context, "blue", "1.0.0"))
                    .isInstanceOf(DeploymentFailedException.class)
                    .hasMessageContaining("port " + port + " of slot blue is in use");
        }
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive))
                .as("nothing started")
                .isEmpty();
    }

    private static ProcessHandle onlyChild() {
        Optional<ProcessHandle> child = ProcessHandle.current()
                .children()
                .filter(ProcessHandle::isAlive)
                .findFirst();
        assertThat(child).as("the slot's process").isPresent();
        return child.get();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
