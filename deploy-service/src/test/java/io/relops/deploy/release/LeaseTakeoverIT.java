package io.relops.deploy.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.relops.common.event.DeploymentReady;
import io.relops.deploy.targets.webhook.WebhookSignature;
import io.relops.testkit.EventStream;
import io.relops.testkit.Postgres;
import io.relops.testkit.ReleaseDriver;
import io.relops.testkit.RelopsTopics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two deploy-service processes (the packaged jar) on one database and broker, and a webhook target whose
 * system takes a deploy and answers it with a callback only when the test says so. The first instance leases
 * the deploy call; while it lives and renews the lease, the second never calls the target. After a {@code kill
 * -9} of the first, the lease expires and the second takes the call up: the request is recorded as sent, so it
 * only waits for the callback, which reaches it (the callback URL is the second's, standing in for the gateway in
 * front of both). Counted at the target: one deploy request.
 */
class LeaseTakeoverIT {

    private static final RelopsTopics TOPICS = RelopsTopics.unique("lease");
    private static final String DATABASE = Postgres.freshDatabase("deploy_lease");
    private static final String SECRET = "lease-it-secret";
    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final Pattern CALLBACK_URL = Pattern.compile("\"callbackUrl\":\"([^\"]+)\"");
    private static final Pattern SLOT = Pattern.compile("\"slot\":\"([^\"]+)\"");

    private static HttpServer target;
    private static final List<String> deploys = new CopyOnWriteArrayList<>();
    private static final List<Process> instances = new ArrayList<>();
    private static EventStream events;
    private static Path catalog;
    private static String callbackBase = "http://127.0.0.1:9";

    @BeforeAll
    static void start() throws IOException {
        target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/deploy", LeaseTakeoverIT::receive);
        target.start();
        catalog = Files.createTempFile("lease-catalog", ".yml");
        Files.writeString(catalog, """
                relops:
                  applications:
                    leased:
                      environments:
                        prod:
                          approval:
                            required: false
                      target:
                        type: webhook
                        webhook:
                          url: http://127.0.0.1:%d/deploy
                          secret: %s
                          deadline: 5m
                      progress-deadlines:
                        deploy: 5m
                """.formatted(target.getAddress().getPort(), SECRET));
        events = EventStream.watching(TOPICS.release());
    }

    @AfterAll
    static void stop() throws IOException {
        instances.forEach(Process::destroyForcibly);
        if (target != null) {
            target.stop(0);
        }
        if (events != null) {
            events.close();
        }
        Files.deleteIfExists(catalog);
    }

    private static void receive(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (body.contains("\"action\":\"deploy\"")) {
            deploys.add(body);
        }
        exchange.sendResponseHeaders(202, -1);
        exchange.close();
    }

    @Test
    void aLeasedCallIsTakenUpAfterItsInstanceIsKilledWithoutAskingTheTargetAgain() throws Exception {
        int secondPort = freePort();
        callbackBase = "http://127.0.0.1:" + secondPort;
        Process first = startInstance();
        ReleaseDriver releases = new ReleaseDriver(events, TOPICS, "prod", Duration.ofMinutes(2));
        UUID release = releases.request("leased", "1.0.0");
        await().atMost(Duration.ofMinutes(2)).until(() -> deploys.size() == 1);

        Process second = startInstance(secondPort);
        awaitListening(secondPort);
        // both instances live: the first renews its lease, the second must leave the call alone
        await().pollDelay(LEASE.multipliedBy(3)).atMost(LEASE.multipliedBy(4)).until(() -> true);
        assertThat(deploys).as("deploy calls while the leasing instance lives").hasSize(1);

        first.destroyForcibly().waitFor();
        // the lease expires and the second instance takes the call up: it waits, it does not ask again
        await().pollDelay(LEASE.multipliedBy(3)).atMost(LEASE.multipliedBy(4)).until(() -> true);
        String request = deploys.get(0);
        callBack(request, release);

        DeploymentReady ready = releases.awaitReady(release);
        assertThat(ready.slot()).isEqualTo(slot(request));
        assertThat(deploys).as("deploy calls in all").hasSize(1);
        second.destroy();
    }

    private static void callBack(String deploy, UUID release) throws Exception {
        Matcher url = CALLBACK_URL.matcher(deploy);
        assertThat(url.find()).as("callbackUrl in %s", deploy).isTrue();
        byte[] body = ("{\"releaseId\":\"" + release + "\",\"slot\":\"" + slot(deploy)
                        + "\",\"status\":\"ready\",\"endpoint\":\"http://127.0.0.1:1/\"}")
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> answer = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url.group(1)))
                                .header("Content-Type", "application/json")
                                .header(WebhookSignature.HEADER, WebhookSignature.sign(SECRET, body))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    }

    private static String slot(String deploy) {
        Matcher slot = SLOT.matcher(deploy);
        assertThat(slot.find()).isTrue();
        return slot.group(1);
    }

    private static Process startInstance() throws IOException {
        return startInstance(freePort());
    }

    private static Process startInstance(int port) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-jar",
                "target/deploy-service-exec.jar"));
        command.addAll(List.of(TOPICS.serviceArgs(
                        DATABASE,
                        "--RELOPS_CATALOG=" + catalog,
                        "--RELOPS_DATA_DIR=target/lease-it-data",
                        "--relops.deploy.task-lease=" + LEASE.toMillis() + "ms",
                        "--relops.deploy.task-poll-interval=100ms",
                        "--relops.deploy.webhook.callback-base-url=" + callbackBase,
                        "--logging.level.root=WARN",
                        "--logging.level.io.relops=INFO"))
                .stream()
                .filter(arg -> !arg.startsWith("--server.port="))
                .toList());
        command.add("--server.port=" + port);
        Path log = Path.of("target", "lease-it-" + port + ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        instances.add(process);
        return process;
    }

    private static void awaitListening(int port) {
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofMinutes(2))
                .ignoreExceptions()
                .until(() -> http.send(
                                        HttpRequest.newBuilder(
                                                        URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
