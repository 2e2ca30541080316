package io.relops.healthcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relops.common.codec.CloudEventCodec;
import io.relops.common.event.DeploymentReady;
import io.relops.common.event.HealthVerified;
import io.relops.common.event.ReleaseCompleted;
import io.relops.healthcheck.monitor.MonitorOwnership;
import io.relops.healthcheck.monitor.Monitors;
import io.relops.testkit.EventStream;
import io.relops.testkit.Postgres;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two replicas of healthcheck-service on one broker and one database: both schedule the monitor of
 * the live application, but it runs on one replica only (its ShedLock partition lease), once per
 * interval, counted by the probe hits on the target; when that replica stops, the other takes over.
 */
class TwoReplicasIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long INTERVAL_MS = 500;
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String RELEASE = "it.release.replicas." + SUFFIX;
    private static final String HEALTH = "it.health.replicas." + SUFFIX;
    private static final URI DEPLOY = CloudEventCodec.sourceOf("deploy");
    private static final String PATH = "/replicated-" + SUFFIX;

    private static TestEndpoints endpoints;
    private static EventStream events;
    private static ConfigurableApplicationContext first;
    private static ConfigurableApplicationContext second;

    @BeforeAll
    static void start() {
        endpoints = new TestEndpoints();
        events = EventStream.watching(HEALTH);
        String database = Postgres.freshDatabase("healthcheck_replicas");
        first = HealthcheckServiceIT.startService(
                database, RELEASE, HEALTH, "replica-a", "--relops.health.monitor.partitions=16");
        second = HealthcheckServiceIT.startService(
                database, RELEASE, HEALTH, "replica-b", "--relops.health.monitor.partitions=16");
    }

    @AfterAll
    static void stop() {
        for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] {first, second}) {
            if (context != null && context.isActive()) {
                context.close();
            }
        }
        events.close();
        endpoints.close();
    }

    @Test
    void eachMonitorRunsOncePerIntervalAcrossReplicasAndMovesWhenItsReplicaStops() {
        UUID release = UUID.randomUUID();
        events.publish(
                RELEASE,
                DEPLOY,
                new DeploymentReady(release, "replicated", "local", "1.0.0", "blue", endpoints.baseUrl() + PATH));
        events.await(HealthVerified.class, e -> release.equals(e.releaseId()), WAIT);
        events.publish(RELEASE, DEPLOY, new ReleaseCompleted(release, "replicated", "local", "1.0.0", null, 100));

        String key = "replicated/local";
        // both replicas schedule the monitor; exactly one holds its partition
        await().atMost(WAIT)
                .until(() -> first.getBean(Monitors.class).scheduled().contains(key)
                        && second.getBean(Monitors.class).scheduled().contains(key));
        MonitorOwnership a = first.getBean(MonitorOwnership.class);
        MonitorOwnership b = second.getBean(MonitorOwnership.class);
        assertThat(a.owns(key) ^ b.owns(key))
                .as("exactly one replica owns " + key)
                .isTrue();
        assertThat(a.held()).doesNotContainAnyElementsOf(b.held());

        int verificationHits = endpoints.hits(PATH); // the verification's rounds, before monitoring
        await().atMost(WAIT).until(() -> endpoints.hits(PATH) >= verificationHits + 3);
        assertOncePerInterval(observe(Duration.ofSeconds(5)), Duration.ofSeconds(5));

        ConfigurableApplicationContext owner = a.owns(key) ? first : second;
        ConfigurableApplicationContext other = owner == first ? second : first;
        owner.close(); // releases its leases
        await().atMost(WAIT).until(() -> other.getBean(MonitorOwnership.class).owns(key));
        int atTakeOver = endpoints.hits(PATH);
        await().atMost(WAIT).until(() -> endpoints.hits(PATH) >= atTakeOver + 2);
        assertOncePerInterval(observe(Duration.ofSeconds(3)), Duration.ofSeconds(3));
    }

    /** The probe hits on the target during {@code window}, as System.nanoTime() values. */
    private static List<Long> observe(Duration window) {
        long from = System.nanoTime();
        long to = from + window.toNanos();
        await().atMost(window.plusSeconds(5)).until(() -> System.nanoTime() > to);
        return endpoints.hitTimes(PATH).stream()
                .filter(t -> t >= from && t < to)
                .toList();
    }

    private static void assertOncePerInterval(List<Long> hits, Duration window) {
        long intervals = window.toMillis() / INTERVAL_MS;
        assertThat(hits.size())
                .as("probe hits in %s at one per %d ms", window, INTERVAL_MS)
                .isBetween((int) intervals - 1, (int) intervals + 1);
        for (int i = 1; i < hits.size(); i++) {
            long gap = TimeUnit.NANOSECONDS.toMillis(hits.get(i) - hits.get(i - 1));
            assertThat(gap)
                    .as("gap between two probe hits (a second replica would halve it)")
                    .isGreaterThan(INTERVAL_MS / 2);
        }
    }
}
