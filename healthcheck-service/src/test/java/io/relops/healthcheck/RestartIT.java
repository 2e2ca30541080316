package io.relops.healthcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relops.common.codec.CloudEventCodec;
import io.relops.common.event.DeploymentReady;
import io.relops.common.event.HealthFailed;
import io.relops.common.event.HealthVerified;
import io.relops.common.event.ReleaseCompleted;
import io.relops.healthcheck.monitor.Monitors;
import io.relops.testkit.EventStream;
import io.relops.testkit.Postgres;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * healthcheck-service restarted while a release is in its watch window, its workload restarting with it (as
 * the local suite does): the failing rounds of the resumed monitor within its start grace are not counted,
 * so no rollback; a workload still failing when the grace ends fails as usual.
 */
class RestartIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration GRACE = Duration.ofSeconds(20);
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String RELEASE = "it.release.restart." + SUFFIX;
    private static final String HEALTH = "it.health.restart." + SUFFIX;
    private static final URI DEPLOY = CloudEventCodec.sourceOf("deploy");
    private static final String SWITCH = "restarted-" + SUFFIX;
    private static final String PATH = "/switch/" + SWITCH;

    private static TestEndpoints endpoints;
    private static EventStream events;
    private static String database;
    private static ConfigurableApplicationContext service;

    @BeforeAll
    static void start() {
        endpoints = new TestEndpoints();
        events = EventStream.watching(HEALTH);
        database = Postgres.freshDatabase("healthcheck_restart");
        service = start("before-restart");
    }

    private static ConfigurableApplicationContext start(String name) {
        return HealthcheckServiceIT.startService(
                database, RELEASE, HEALTH, name, "--relops.health.monitor.start-grace=" + GRACE.toMillis() + "ms");
    }

    @AfterAll
    static void stop() {
        if (service != null && service.isActive()) {
            service.close();
        }
        events.close();
        endpoints.close();
    }

    @Test
    void aResumedMonitorCountsNoFailingRoundWithinItsStartGraceThenFailsAsUsual() {
        UUID release = UUID.randomUUID();
        endpoints.setStatus(SWITCH, 200);
        events.publish(
                RELEASE,
                DEPLOY,
                new DeploymentReady(release, "web", "restart", "1.0.0", "green", endpoints.baseUrl() + PATH));
        events.await(HealthVerified.class, e -> release.equals(e.releaseId()), WAIT);
        events.publish(RELEASE, DEPLOY, new ReleaseCompleted(release, "web", "restart", "1.0.0", null, 1200));
        await().atMost(WAIT)
                .until(() -> service.getBean(Monitors.class).scheduled().contains("web/restart"));
        int monitored = endpoints.hits(PATH);
        await().atMost(WAIT).until(() -> endpoints.hits(PATH) >= monitored + 3);

        // the suite stops: the service, and its workload with it; both start again, the workload slower
        service.close();
        endpoints.setStatus(SWITCH, 503);
        long restarted = System.nanoTime();
        service = start("after-restart");
        long up = System.nanoTime(); // its monitors started before: the grace ends before up + GRACE
        int failingFrom = endpoints.hits(PATH);
        // two failing rounds would turn it unhealthy (unhealthy-after: 2); it gets four, within the grace
        await().atMost(WAIT).until(() -> endpoints.hits(PATH) >= failingFrom + 4);
        assertThat(Duration.ofNanos(System.nanoTime() - restarted))
                .as("still within the grace, which began after the restart")
                .isLessThan(GRACE);
        endpoints.setStatus(SWITCH, 200); // the workload is up
        int upFrom = endpoints.hits(PATH);
        await().atMost(WAIT).until(() -> endpoints.hits(PATH) >= upFrom + 4);
        assertThat(events.all(HealthFailed.class, e -> release.equals(e.releaseId())))
                .as("no health.failed for a workload that came back within the start grace")
                .isEmpty();

        // after the grace, failing rounds count as usual: the release fails in its watch window
        await().atMost(WAIT).until(() -> System.nanoTime() - up > GRACE.toNanos());
        endpoints.setStatus(SWITCH, 503);
        HealthFailed failed = events.await(HealthFailed.class, e -> release.equals(e.releaseId()), WAIT)
                .data();
        assertThat(failed.reason())
                .contains("turned unhealthy after 2 consecutive failing rounds")
                .contains("within the post-release watch window");
    }
}
