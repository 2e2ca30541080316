package io.relops.deploy.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relops.common.event.RollbackCompleted;
import io.relops.common.event.TrafficShifted;
import io.relops.deploy.DeployServiceApplication;
import io.relops.testkit.EventStream;
import io.relops.testkit.Postgres;
import io.relops.testkit.ReleaseDriver;
import io.relops.testkit.RelopsTopics;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Zero downtime, measured: the demo-app runs as real processes on the process target, and a client
 * loop requests its stable URL without pause through a blue-green switch, a canary run and a
 * rollback. Every request is counted, every failure (an error status or an exception) too; the
 * counts are printed, and the failures must be zero.
 */
class ZeroDowntimeIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final RelopsTopics TOPICS = RelopsTopics.unique("zd");

    private static ConfigurableApplicationContext deploy;
    private static EventStream events;
    private static ReleaseDriver releases;
    private static int stablePort;

    @BeforeAll
    static void start() throws IOException {
        stablePort = freePort();
        events = EventStream.watching(TOPICS.release(), TOPICS.health());
        releases = new ReleaseDriver(events, TOPICS, "local", WAIT);
        deploy = new SpringApplicationBuilder(DeployServiceApplication.class)
                .run(TOPICS.serviceArgs(
                        Postgres.freshDatabase("deploy_zd"),
                        "--RELOPS_CATALOG=src/test/resources/zero-downtime-catalog.yml",
                        "--RELOPS_DATA_DIR=target/zd-data",
                        "--ZD_BLUE_PORT=" + freePort(),
                        "--ZD_GREEN_PORT=" + freePort(),
                        "--ZD_STABLE_PORT=" + stablePort));
    }

    @AfterAll
    static void stop() {
        if (deploy != null) {
            deploy.close();
        }
        if (events != null) {
            events.close();
        }
    }

    @Test
    void servesEveryRequestThroughASwitchACanaryAndARollback() throws Exception {
        releases.establish("demo-app", "1.0.0");

        try (ClientLoop loop = new ClientLoop(URI.create("http://127.0.0.1:" + stablePort + "/"))) {
            loop.awaitRequests(50);

            UUID blueGreen = releases.request("demo-app", "1.1.0", "blue-green", null);
            releases.verify(releases.awaitReady(blueGreen));
            releases.awaitCompleted(blueGreen);
            loop.awaitVersion("1.1.0");
            Counts switchCounts = loop.phase("blue-green switch 1.0.0 -> 1.1.0");

            UUID canary = releases.request("demo-app", "1.2.0", "canary", null);
            releases.verify(releases.awaitReady(canary));
            for (int step = 1; step <= 3; step++) {
                TrafficShifted shifted = releases.awaitShift(canary, step);
                if (step < 3) {
                    loop.awaitVersion("1.2.0"); // both versions answer while the canary runs
                    loop.awaitVersion("1.1.0");
                }
                releases.verify(shifted);
            }
            releases.awaitCompleted(canary);
            loop.awaitVersion("1.2.0");
            Counts canaryCounts = loop.phase("canary 1.1.0 -> 1.2.0 (25%, 50%, 100%)");

            UUID broken = releases.request("demo-app", "2.0.0-broken", "canary", null);
            releases.verify(releases.awaitReady(broken));
            TrafficShifted shifted = releases.awaitShift(broken, 1);
            loop.awaitVersion("2.0.0-broken");
            releases.fail(shifted, "health returned 503");
            RollbackCompleted rollback = events.await(
                            RollbackCompleted.class, e -> e.releaseId().equals(broken), WAIT)
                    .data();
            assertThat(rollback.restoredVersion()).isEqualTo("1.2.0");
            loop.awaitRequests(200);
            Counts rollbackCounts = loop.phase("rollback of canary 2.0.0-broken at 25%");
            Map<String, Long> tail = loop.versionsSince(rollbackCounts);

            for (Counts counts : List.of(switchCounts, canaryCounts, rollbackCounts)) {
                assertThat(counts.requests()).as(counts.name()).isGreaterThan(20);
                assertThat(counts.failures())
                        .as(counts.name() + ": " + counts.lastFailure())
                        .isZero();
            }
            assertThat(tail)
                    .as("after the rollback only the stable version answers")
                    .containsOnlyKeys("1.2.0");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    record Counts(
            String name,
            long requests,
            long failures,
            @Nullable String lastFailure,
            long endSequence) {}

    /** Two client threads requesting the stable URL back to back, counting answers by version. */
    private static final class ClientLoop implements AutoCloseable {

        private final HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final URI uri;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong requests = new AtomicLong();
        private final AtomicLong failures = new AtomicLong();
        private final AtomicLong sequence = new AtomicLong();
        private final Map<Long, String> versions = new ConcurrentHashMap<>();
        private volatile @Nullable String lastFailure;
        private long phaseRequests;
        private long phaseFailures;
        private final List<Thread> threads;

        ClientLoop(URI uri) {
            this.uri = uri;
            this.threads = List.of(new Thread(this::run, "client-1"), new Thread(this::run, "client-2"));
            threads.forEach(Thread::start);
        }

        private void run() {
            HttpRequest request =
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build();
            while (running.get()) {
                requests.incrementAndGet();
                try {
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 200) {
                        failures.incrementAndGet();
                        lastFailure = response.statusCode() + " " + response.body();
                    } else {
                        versions.put(sequence.incrementAndGet(), version(response.body()));
                    }
                } catch (IOException e) {
                    failures.incrementAndGet();
                    lastFailure = e.toString();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private static String version(String body) {
            int at = body.indexOf("\"version\":\"");
            return at < 0 ? body : body.substring(at + 11, body.indexOf('"', at + 11));
        }

        void awaitRequests(long more) {
            long target = requests.get() + more;
            await().atMost(WAIT).until(() -> requests.get() >= target);
        }

        void awaitVersion(String version) {
            long from = sequence.get();
            await().atMost(WAIT)
                    .until(() -> versions.entrySet().stream()
                            .anyMatch(e -> e.getKey() > from && e.getValue().equals(version)));
        }

        Counts phase(String name) {
            long total = requests.get();
            long failed = failures.get();
            Counts counts =
                    new Counts(name, total - phaseRequests, failed - phaseFailures, lastFailure, sequence.get());
            phaseRequests = total;
            phaseFailures = failed;
            System.out.printf(
                    "zero-downtime: %-45s %6d requests, %d failed%n", name, counts.requests(), counts.failures());
            return counts;
        }

        /** Answers by version after the phase before {@code since} ended, up to now. */
        Map<String, Long> versionsSince(Counts since) {
            long settle = since.endSequence() - 20; // the last answers of the phase, well after the switch back
            Map<String, Long> byVersion = new ConcurrentHashMap<>();
            versions.forEach((seq, version) -> {
                if (seq > settle) {
                    byVersion.merge(version, 1L, Long::sum);
                }
            });
            return byVersion;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(10_000);
            }
        }
    }
}
