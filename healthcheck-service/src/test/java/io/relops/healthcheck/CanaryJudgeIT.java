package io.relops.healthcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.EventJson;
import io.relops.common.event.DeploymentReady;
import io.relops.common.event.HealthFailed;
import io.relops.common.event.HealthVerified;
import io.relops.common.event.ProbeResult;
import io.relops.common.event.ReleaseCompleted;
import io.relops.common.event.TrafficShifted;
import io.relops.demo.DemoApp;
import io.relops.testkit.EventStream;
import io.relops.testkit.Postgres;
import io.relops.testkit.RealPrometheus;
import io.relops.testkit.TestCredentials;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The canary judge with real data: three demo-app instances (its requests timed with Micrometer as {@code
 * http.server.requests}) — the baseline 1.0.0, a good canary 1.1.0 and 1.2.0-slow, 300 ms slower — scraped by a real
 * Prometheus while a traffic loop calls each of them; healthcheck-service (real Kafka, real PostgreSQL) judges
 * a canary step of each against the live baseline. Both canaries are judged at once, as two applications of the
 * catalog.
 */
class CanaryJudgeIT {

    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String RELEASE = "it.release.judge." + SUFFIX;
    private static final String HEALTH = "it.health.judge." + SUFFIX;
    private static final URI DEPLOY = CloudEventCodec.sourceOf("deploy");

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static DemoApp baseline;
    private static DemoApp goodCanary;
    private static DemoApp slowCanary;
    private static ExecutorService traffic;
    private static volatile boolean running = true;
    private static RealPrometheus prometheus;
    private static EventStream events;
    private static ConfigurableApplicationContext service;
    private static UUID slowRelease;
    private static UUID goodRelease;

    @BeforeAll
    static void start() throws IOException {
        baseline = DemoApp.start("1.0.0", 0);
        goodCanary = DemoApp.start("1.1.0", 0);
        slowCanary = DemoApp.start("1.2.0-slow", 0); // 300 ms more on every request but /health and /metrics
        List<DemoApp> apps = List.of(baseline, goodCanary, slowCanary);
        traffic = Executors.newFixedThreadPool(apps.size());
        apps.forEach(app -> traffic.execute(() -> callUntilStopped(app)));
        prometheus =
                RealPrometheus.start(apps.stream().map(CanaryJudgeIT::address).toList());
        events = EventStream.watching(HEALTH);
        service = HealthcheckServiceIT.startWithCatalog(
                "src/test/resources/it-judge-catalog.yml",
                Postgres.freshDatabase("healthcheck_judge"),
                RELEASE,
                HEALTH,
                "judge",
                "--relops.health.prometheus-url=" + prometheus.url());
        // the judged window starts with the canary step: every application has latencies in Prometheus by then
        for (DemoApp app : apps) {
            prometheus.awaitAnswer(
                    "rate(http_server_requests_seconds_count{instance=\"" + address(app) + "\",uri=\"/\"}[5s]) > 0",
                    address(app));
        }
        // both canaries are judged at once: each application's window runs while the other's does
        slowRelease = UUID.randomUUID();
        goodRelease = UUID.randomUUID();
        canaryStepsAgainstTheLiveBaseline(Map.of("judged-slow", slowRelease, "judged-good", goodRelease));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        running = false;
        if (traffic != null) {
            traffic.shutdown();
            traffic.awaitTermination(5, TimeUnit.SECONDS);
        }
        if (service != null) {
            service.close();
        }
        if (events != null) {
            events.close();
        }
        if (prometheus != null) {
            prometheus.close();
        }
        for (DemoApp app : new DemoApp[] {baseline, goodCanary, slowCanary}) {
            if (app != null) {
                app.close();
            }
        }
    }

    @Test
    void failsASlowCanaryOnLatencyWithTheScoreAndEachMetricsVerdictAsEvidence() {
        HealthFailed failed = events.await(HealthFailed.class, e -> slowRelease.equals(e.releaseId()), WAIT)
                .data();

        assertThat(failed.step()).isEqualTo(1);
        assertThat(failed.reason())
                .startsWith("canary judge: score 33.3 (fail < 75): latency failed (canary median 0.3")
                .contains("p<0.0001");
        ProbeResult judge = result(failed.results(), "judge");
        assertThat(judge.passed()).isFalse();
        assertThat(judge.value()).isEqualTo("score 33.3");
        assertThat(judge.threshold()).isEqualTo("pass >= 95, marginal >= 75");
        assertThat(judge.error()).isEqualTo(failed.reason());
        ProbeResult latency = result(failed.results(), "judge:latency");
        assertThat(latency.passed()).isFalse();
        assertThat(latency.value()).startsWith("canary median 0.3").contains("vs baseline 0.0");
        assertThat(latency.threshold())
                .isEqualTo("p >= 0.05 or change <= 10 % or |difference| <= 0.005 s (increase is bad)");
        ProbeResult errors = result(failed.results(), "judge:errors");
        assertThat(errors.passed()).as("no errors on either side").isTrue();
        assertThat(errors.value()).startsWith("canary median 0 vs baseline 0 (+0.0 %)");
    }

    @Test
    void passesAGoodCanaryWithTheScoreInTheEvidence() {
        HealthVerified verified = events.await(HealthVerified.class, e -> goodRelease.equals(e.releaseId()), WAIT)
                .data();

        assertThat(verified.step()).isEqualTo(1);
        ProbeResult judge = result(verified.results(), "judge");
        assertThat(judge.passed()).isTrue();
        assertThat(judge.value()).isEqualTo("score 100");
        ProbeResult latency = result(verified.results(), "judge:latency");
        assertThat(latency.passed()).isTrue();
        assertThat(latency.value()).startsWith("canary median 0.0").contains("vs baseline 0.0", "n=13/13");
        assertThat(result(verified.results(), "health").passed()).isTrue();
    }

    /**
     * Makes the baseline the live slot of each application (a release verified and completed), then shifts 25 % of
     * its traffic to its canary as the next release's ({@code canaries}: application to release id) first step.
     */
    private static void canaryStepsAgainstTheLiveBaseline(Map<String, UUID> canaries) {
        Map<String, UUID> live = new HashMap<>();
        canaries.keySet().forEach(application -> {
            live.put(application, UUID.randomUUID());
            events.publish(
                    RELEASE,
                    DEPLOY,
                    new DeploymentReady(
                            live.get(application), application, "production", "1.0.0", "blue", endpoint(baseline)));
        });
        live.forEach((application, release) -> {
            events.await(HealthVerified.class, e -> release.equals(e.releaseId()), WAIT);
            events.publish(
                    RELEASE, DEPLOY, new ReleaseCompleted(release, application, "production", "1.0.0", null, 1000));
        });
        live.forEach((application, release) ->
                await().atMost(WAIT).until(() -> release.toString().equals(liveRelease(application))));
        canaries.forEach((application, release) -> events.publish(
                RELEASE,
                DEPLOY,
                new TrafficShifted(
                        release,
                        application,
                        "production",
                        application.equals("judged-slow") ? "1.2.0-slow" : "1.1.0",
                        "green",
                        endpoint(application.equals("judged-slow") ? slowCanary : goodCanary),
                        25,
                        1)));
    }

    private static ProbeResult result(List<ProbeResult> results, String probe) {
        return results.stream()
                .filter(result -> result.probe().equals(probe))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + probe + " result in " + results));
    }

    /** The release live for {@code application} as healthcheck's API shows it, or null. */
    private static @Nullable String liveRelease(String application) throws Exception {
        String port = service.getEnvironment().getProperty("local.server.port");
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(
                                URI.create("http://localhost:" + port + "/api/health/applications/" + application))
                        .header("Authorization", TestCredentials.bearer("operator"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return null;
        }
        return EventJson.mapper()
                .readTree(response.body())
                .path(0)
                .path("releaseId")
                .asString(null);
    }

    private static void callUntilStopped(DemoApp app) {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(endpoint(app) + "/")).build();
        while (running) {
            try {
                HTTP.send(request, HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                // the app is closing at the end of the test
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String address(DemoApp app) {
        return "127.0.0.1:" + app.port();
    }

    private static String endpoint(DemoApp app) {
        return "http://" + address(app);
    }
}
