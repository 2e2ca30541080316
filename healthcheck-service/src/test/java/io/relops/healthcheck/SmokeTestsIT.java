package io.relops.healthcheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.common.codec.CloudEventCodec;
import io.relops.common.event.DeploymentReady;
import io.relops.common.event.HealthFailed;
import io.relops.common.event.HealthVerified;
import io.relops.common.event.ProbeResult;
import io.relops.common.event.TrafficShifted;
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
 * Smoke tests through a Kafka-driven verification (real Kafka, real PostgreSQL, real processes): a smoke test runs
 * before the probes, a failing one fails the verification with its output and no probe ever runs; a passing one's
 * output is evidence too. Tests with {@code at: [steps]} run at each canary step ({@code traffic.shifted}) and not
 * before traffic; a failing one fails that step, naming the test.
 */
class SmokeTestsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String RELEASE = "it.release.smoke." + SUFFIX;
    private static final String HEALTH = "it.health.smoke." + SUFFIX;
    private static final URI DEPLOY = CloudEventCodec.sourceOf("deploy");

    private static TestEndpoints endpoints;
    private static EventStream events;
    private static ConfigurableApplicationContext service;

    @BeforeAll
    static void start() {
        endpoints = new TestEndpoints();
        events = EventStream.watching(HEALTH);
        service = HealthcheckServiceIT.startWithCatalog(
                "src/test/resources/it-smoke-catalog.yml",
                Postgres.freshDatabase("healthcheck_smoke"),
                RELEASE,
                HEALTH,
                "smoke");
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        events.close();
        endpoints.close();
    }

    @Test
    void aFailingSmokeTestFailsTheSlotWithItsOutputBeforeAnyProbeRuns() {
        UUID release = UUID.randomUUID();
        events.publish(
                RELEASE,
                DEPLOY,
                new DeploymentReady(
                        release, "shop-bad", "prod", "1.3.0-badcheckout", "green", endpoints.baseUrl() + "/bad"));

        HealthFailed failed = events.await(HealthFailed.class, e -> release.equals(e.releaseId()), WAIT)
                .data();

        assertThat(failed.reason())
                .matches("smoke test 'checkout' failed: exit 1 after \\d+\\.\\d s: checkout answered 500");
        assertThat(failed.results()).singleElement().satisfies(result -> {
            assertThat(result.probe()).isEqualTo("smoke-test:checkout");
            assertThat(result.passed()).isFalse();
            assertThat(result.value()).isEqualTo("exit 1");
            assertThat(result.error())
                    .isEqualTo("POST " + endpoints.baseUrl() + "/… (shop-bad 1.3.0-badcheckout on green)\n"
                            + "checkout answered 500");
            assertThat(result.output()).isEqualTo(result.error());
        });
        assertThat(endpoints.hits("/bad")).as("requests of the health probe").isZero();
    }

    @Test
    void aPassingSmokeTestComesFirstInTheEvidenceOfTheVerifiedSlot() {
        UUID release = UUID.randomUUID();
        events.publish(
                RELEASE,
                DEPLOY,
                new DeploymentReady(release, "shop-good", "prod", "1.3.0", "green", endpoints.baseUrl() + "/good"));

        HealthVerified verified = events.await(HealthVerified.class, e -> release.equals(e.releaseId()), WAIT)
                .data();

        assertThat(verified.results()).hasSize(3);
        ProbeResult smoke = verified.results().get(0);
        assertThat(smoke.probe()).isEqualTo("smoke-test:checkout");
        assertThat(smoke.passed()).isTrue();
        assertThat(smoke.value()).isEqualTo("exit 0");
        assertThat(smoke.error()).isNull();
        assertThat(smoke.output()).as("a passing test's output is evidence too").isEqualTo("checkout of 1.3.0 ok");
        assertThat(verified.results().subList(1, 3)).allSatisfy(result -> {
            assertThat(result.probe()).isEqualTo("health");
            assertThat(result.passed()).isTrue();
        });
        assertThat(endpoints.hits("/good/health")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aStepSmokeTestRunsAtACanaryStepWithItsOutputAsTheStepsEvidenceAndNotBeforeTraffic() {
        UUID release = UUID.randomUUID();
        events.publish(
                RELEASE,
                DEPLOY,
                new DeploymentReady(release, "shop-canary", "prod", "1.4.0", "blue", endpoints.baseUrl() + "/ready"));

        HealthVerified ready = events.await(
                        HealthVerified.class, e -> release.equals(e.releaseId()) && e.step() == null, WAIT)
                .data();
        assertThat(ready.results())
                .extracting(ProbeResult::probe)
                .as("before traffic: the ready test only")
                .containsExactly("smoke-test:checkout", "health", "health");

        events.publish(
                RELEASE,
                DEPLOY,
                new TrafficShifted(
                        release, "shop-canary", "prod", "1.4.0", "blue", endpoints.baseUrl() + "/step-1", 10, 1));

        HealthVerified step = events.await(
                        HealthVerified.class,
                        e -> release.equals(e.releaseId()) && Integer.valueOf(1).equals(e.step()),
                        WAIT)
                .data();
        assertThat(step.step()).isEqualTo(1);
        assertThat(step.results())
                .extracting(ProbeResult::probe)
                .as("at a step: the steps test only, before the probes")
                .containsExactly("smoke-test:step-checkout", "health", "health");
        ProbeResult smoke = step.results().get(0);
        assertThat(smoke.passed()).isTrue();
        assertThat(smoke.value()).isEqualTo("exit 0");
        assertThat(smoke.error()).isNull();
        assertThat(smoke.output()).isEqualTo("step 1 at 10 %: checkout of 1.4.0 ok");
        assertThat(endpoints.hits("/step-1/health")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aFailingStepSmokeTestFailsThatStepNamingTheTestBeforeItsProbesRun() {
        UUID release = UUID.randomUUID();
        events.publish(
                RELEASE,
                DEPLOY,
                new TrafficShifted(
                        release,
                        "shop-canary-bad",
                        "prod",
                        "1.4.0",
                        "blue",
                        endpoints.baseUrl() + "/canary-bad-1",
                        10,
                        1));

        HealthVerified first = events.await(
                        HealthVerified.class,
                        e -> release.equals(e.releaseId()) && Integer.valueOf(1).equals(e.step()),
                        WAIT)
                .data();
        assertThat(first.results().get(0).probe()).isEqualTo("smoke-test:step-checkout");
        assertThat(first.results().get(0).output()).isEqualTo("step 1 at 10 %");

        events.publish(
                RELEASE,
                DEPLOY,
                new TrafficShifted(
                        release,
                        "shop-canary-bad",
                        "prod",
                        "1.4.0",
                        "blue",
                        endpoints.baseUrl() + "/canary-bad-2",
                        50,
                        2));

        HealthFailed failed = events.await(HealthFailed.class, e -> release.equals(e.releaseId()), WAIT)
                .data();
        assertThat(failed.step()).isEqualTo(2);
        assertThat(failed.reason())
                .matches("smoke test 'step-checkout' failed: exit 1 after \\d+\\.\\d s: checkout answered 500");
        assertThat(failed.results()).singleElement().satisfies(result -> {
            assertThat(result.probe()).isEqualTo("smoke-test:step-checkout");
            assertThat(result.passed()).isFalse();
            assertThat(result.value()).isEqualTo("exit 1");
            assertThat(result.error()).isEqualTo("step 2 at 50 %\ncheckout answered 500");
            assertThat(result.output()).isEqualTo(result.error());
        });
        assertThat(endpoints.hits("/canary-bad-2"))
                .as("requests of step 2's health probe")
                .isZero();
    }
}
