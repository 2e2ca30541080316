package io.relops.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's supervision and replicas with real processes: a small {@link FakeService} jar stands in for
 * deploy-service (no Kafka, no PostgreSQL: the options name existing ones, which the fake never calls).
 */
class LocalSuiteSupervisionTest {

    static final RestartPolicy FAST =
            new RestartPolicy(Duration.ofMillis(200), Duration.ofMillis(800), Duration.ofSeconds(20), 3);

    @TempDir
    Path home;

    final List<String> said = new CopyOnWriteArrayList<>();
    LocalSuite suite;
    int port;

    @BeforeEach
    void fakeServiceJar() throws IOException {
        Path jar = home.resolve("deploy-service/target/deploy-service-exec.jar");
        Files.createDirectories(jar.getParent());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeService.class.getName());
        String entry = FakeService.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, manifest);
                InputStream in = FakeService.class.getResourceAsStream("/" + entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        port = freePortWithItsReplicaPortFree();
    }

    @AfterEach
    void stop() {
        if (suite != null) {
            suite.close();
        }
    }

    LocalSuite start(int replicas) {
        SuiteOptions options = new SuiteOptions(
                home,
                home.resolve("data"),
                home.resolve("catalog.yml"),
                "localhost:1",
                0,
                "jdbc:postgresql://localhost:1/none",
                "nobody",
                0,
                Map.of("deploy-service", port),
                Map.of(),
                Map.of("FAKE_PORT_VARIABLE", "DEPLOY_PORT"),
                Map.of("deploy-service", replicas),
                FAST);
        suite = new LocalSuite(options, line -> {
                    said.add(line);
                    System.out.println("[suite] " + line);
                })
                .start();
        return suite;
    }

    @Test
    void runsEachReplicaOnItsOwnPortWithItsOwnLog() throws Exception {
        start(2);

        assertThat(suite.url("deploy-service", 2)).isEqualTo("http://localhost:" + (port + 100));
        assertThat(health(port)).isEqualTo(200);
        assertThat(health(port + 100)).isEqualTo(200);
        assertThat(suite.logFile("deploy-service", 2)).hasFileName("deploy-service-2.log");
        assertThat(suite.logFile("deploy-service", 2)).content().contains("Started on port " + (port + 100));
        assertThat(said).contains("deploy-service-2 is up at http://localhost:" + (port + 100));
    }

    @Test
    void restartsACrashedReplicaWithBackoffAndSaysSo() throws Exception {
        start(2);
        long crashed = suite.pid("deploy-service", 2);

        ProcessHandle.of(crashed).orElseThrow().destroyForcibly();

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(said)
                        .contains(
                                "deploy-service-2 exited with code 137; restarting in 0.2 s (restart 1)",
                                "deploy-service-2 is running again (restart 1)"));
        assertThat(suite.pid("deploy-service", 2)).isNotEqualTo(crashed);
        assertThat(health(port + 100)).isEqualTo(200);
        assertThat(suite.logFile("deploy-service", 2))
                .content()
                .as("the log goes on")
                .containsPattern("(?s)Started on port.*Started on port");
        assertThat(said).noneMatch(line -> line.startsWith("deploy-service exited"));
    }

    @Test
    void givesUpAfterQuickFailuresInARow() throws Exception {
        start(1);
        Files.createFile(home.resolve("data/crash"));

        ProcessHandle.of(suite.pid("deploy-service", 1)).orElseThrow().destroyForcibly();

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(said)
                        .anyMatch(line ->
                                line.startsWith("deploy-service exited with code 3; 3 exits in a row within 20 s of"
                                        + " starting: giving up, it stays stopped")));
        assertThat(said)
                .containsSubsequence(
                        "deploy-service exited with code 137; restarting in 0.2 s (restart 1)",
                        "deploy-service exited with code 3; restarting in 0.4 s (restart 2)");
        long started = starts();
        assertThat(started).isEqualTo(3);
        // for longer than the longest backoff: nothing is started after giving up
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> starts() == started);
    }

    @Test
    void neitherADeliberateKillNorTheShutdownIsRestarted() throws Exception {
        start(2);

        suite.kill("deploy-service", 1);
        // for longer than the longest backoff
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> starts() == 2);
        suite.restart("deploy-service", 1);
        assertThat(health(port)).isEqualTo(200);

        suite.close();
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> starts() == 3);
        assertThat(said).noneMatch(line -> line.contains("restarting"));
    }

    /** How often the launcher started a process. */
    private long starts() {
        return said.stream()
                .filter(line -> line.startsWith("started deploy-service"))
                .count();
    }

    private static int health(int port) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    private static int freePortWithItsReplicaPortFree() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket first = new ServerSocket(0)) {
                int candidate = first.getLocalPort();
                if (candidate + 100 > 65535) {
                    continue;
                }
                try (ServerSocket second = new ServerSocket(candidate + 100)) {
                    return candidate;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IllegalStateException("no free pair of ports 100 apart");
    }
}
