package io.relops.faults;

import static org.awaitility.Awaitility.await;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.relops.common.codec.EventJson;
import io.relops.common.release.ReleaseStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * A load of releases through the gateway: one loop per application, each requesting a release,
 * following it to its end and requesting the next, every third version a broken one (its health
 * fails, it is rolled back and alerted on), staggered so that each round has one. A request is sent with an {@code Idempotency-Key} and
 * retried with the same key while the gateway cannot answer (docs/gateway-api.md), so a fault never
 * creates a second release nor leaves the client unsure whether the first one exists.
 */
final class ReleaseLoad {

    /** Whether a release's status is one it ends in ({@link ReleaseStatus#isTerminal()}). */
    static boolean ended(String status) {
        return ReleaseStatus.of(status).map(ReleaseStatus::isTerminal).orElse(false);
    }

    /** A release the gateway accepted (202). */
    record Release(String id, String application, String version) {

        String expectedStatus() {
            return (version.contains("broken") ? ReleaseStatus.ROLLED_BACK : ReleaseStatus.COMPLETED).name();
        }
    }

    private final URI gateway;
    private final String token;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, AtomicInteger> versions = new ConcurrentHashMap<>();
    private final List<Release> accepted = new CopyOnWriteArrayList<>();
    private final Map<String, String> finalStatus = new ConcurrentHashMap<>();
    private final AtomicInteger retriedRequests = new AtomicInteger();

    private final List<String> applications;

    ReleaseLoad(URI gateway, String token, List<String> applications) {
        this.gateway = gateway;
        this.token = token;
        this.applications = List.copyOf(applications);
    }

    List<Release> accepted() {
        return List.copyOf(accepted);
    }

    Map<String, String> finalStatus() {
        return Map.copyOf(finalStatus);
    }

    int retriedRequests() {
        return retriedRequests.get();
    }

    /** Releases one version of {@code application} and follows it to its end. */
    Release releaseAndFollow(String application) {
        Release release = request(application);
        follow(release, Duration.ofMinutes(5));
        return release;
    }

    /** Runs one loop per application until {@link Running#stop}. */
    Running start(List<String> applications) {
        return new Running(applications);
    }

    final class Running {

        private final AtomicBoolean stopped = new AtomicBoolean();
        private final ExecutorService loops = Executors.newCachedThreadPool();
        private final List<Future<?>> futures = new ArrayList<>();
        private final int before = accepted.size();

        private Running(List<String> applications) {
            for (String application : applications) {
                futures.add(loops.submit(() -> {
                    while (!stopped.get()) {
                        releaseAndFollow(application);
                    }
                    return null;
                }));
            }
        }

        /** How many releases this run has had accepted so far. */
        int acceptedSoFar() {
            return accepted.size() - before;
        }

        /** No new release from now on; returns once every loop's release in flight has ended. */
        void stop(Duration atMost) throws Exception {
            stopped.set(true);
            long deadline = System.nanoTime() + atMost.toNanos();
            for (Future<?> future : futures) {
                future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            loops.shutdown();
        }
    }

    private Release request(String application) {
        int n = versions.computeIfAbsent(application, a -> new AtomicInteger()).getAndIncrement();
        // the first version is good (a broken one needs a live version to roll back to); then each round of
        // releases (one per application) has one broken version, on another application each round
        boolean broken = n > 0 && (n + applications.indexOf(application)) % 3 == 2;
        String version = "1." + n + ".0" + (broken ? "-broken" : "");
        String key = UUID.randomUUID().toString();
        byte[] body = EventJson.mapper()
                .writeValueAsBytes(Map.of("application", application, "version", version, "environment", "local"));
        HttpRequest post = HttpRequest.newBuilder(gateway.resolve("/api/releases"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        // bounded: a gateway that cannot take the request within 3 minutes fails the test
        Retry retry = Retry.of(
                "request-" + key,
                RetryConfig.<HttpResponse<String>>custom()
                        .maxAttempts(180)
                        .intervalFunction(IntervalFunction.of(Duration.ofSeconds(1)))
                        .retryExceptions(IOException.class)
                        .retryOnResult(response -> response.statusCode() != 202)
                        .failAfterMaxAttempts(true)
                        .build());
        retry.getEventPublisher().onRetry(event -> retriedRequests.incrementAndGet());
        HttpResponse<String> answer;
        try {
            answer = retry.executeCallable(() -> http.send(post, HttpResponse.BodyHandlers.ofString()));
        } catch (Exception e) {
            throw new AssertionError("the gateway did not accept " + application + " " + version + ": " + e, e);
        }
        Release release = new Release(
                EventJson.mapper().readTree(answer.body()).path("releaseId").asString(), application, version);
        accepted.add(release);
        return release;
    }

    /** Follows {@code release} until it ends (its status polled through the gateway, whatever is down meanwhile). */
    void follow(Release release, Duration atMost) {
        String status = await("release " + release)
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> status(release.id()), ReleaseLoad::ended);
        finalStatus.put(release.id(), status);
    }

    String status(String releaseId) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(gateway.resolve("/api/releases/" + releaseId))
                        .timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /api/releases/" + releaseId + " answered " + response.statusCode());
        }
        JsonNode body = EventJson.mapper().readTree(response.body());
        return body.path("status").asString();
    }
}
