package io.relops.deploy.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.relops.deploy.catalog.DeployCatalog;
import io.relops.deploy.release.Decision.ReleaseOutcome;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class ReleaseMetricsTest {

    static final String APP = "relops.applications.shop.";
    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final Map<String, OffsetDateTime> oldest = new HashMap<>();
    final ReleaseMetrics metrics = new ReleaseMetrics(
            DeployCatalog.of(new MapConfigurationPropertySource(Map.of(
                    APP + "strategy", "blue-green",
                    APP + "target.type", "recording",
                    APP + "environments.qa.approval.required", "false",
                    APP + "environments.prod.approval.required", "true"))),
            registry,
            (application, environment) -> Optional.ofNullable(oldest.get(application + "/" + environment)),
            Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void registersTheDurationTimersAndOutcomeCountersOfEveryApplicationAtZero() {
        metrics.register();

        for (String name : new String[] {ReleaseMetrics.DURATION, ReleaseMetrics.ROLLBACK_DURATION}) {
            Timer timer = registry.get(name).tag("application", "shop").timer();
            assertThat(timer.count()).as(name).isZero();
            assertThat(timer.takeSnapshot().histogramCounts())
                    .as(name + ": the SLO buckets exist before the first release")
                    .extracting(CountAtBucket::bucket)
                    .contains(300e9, 600e9);
        }
        for (ReleaseOutcome outcome : ReleaseOutcome.values()) {
            assertThat(registry.get(ReleaseMetrics.OUTCOMES)
                            .tags("application", "shop", "outcome", outcome.tag())
                            .counter()
                            .count())
                    .as(outcome.tag())
                    .isZero();
        }
    }

    @Test
    void theTimersTheEngineRecordsInAreTheRegisteredOnes() {
        metrics.register();
        Timer registered =
                registry.get(ReleaseMetrics.DURATION).tag("application", "shop").timer();

        metrics.timer(ReleaseMetrics.DURATION, "shop").record(java.time.Duration.ofMinutes(11));

        assertThat(registered.count()).isOne();
        assertThat(registry.get(ReleaseMetrics.DURATION).timers()).hasSize(1);
    }

    @Test
    void theInFlightAgeIsHowLongAgoTheOldestReleaseInProgressWasRequestedAndZeroWithoutOne() {
        metrics.register();
        oldest.put("shop/prod", OffsetDateTime.ofInstant(NOW.minusSeconds(754), ZoneOffset.UTC));

        assertThat(inFlightAge("prod")).isEqualTo(754.0);
        assertThat(inFlightAge("qa")).isZero();
    }

    @Test
    void anEnvironmentTheCatalogDoesNotDeclareGetsItsGaugeWithItsFirstRelease() {
        metrics.register();
        assertThat(registry.find(ReleaseMetrics.IN_FLIGHT_AGE)
                        .tag("environment", "staging")
                        .gauge())
                .isNull();
        oldest.put("shop/staging", OffsetDateTime.ofInstant(NOW.minusSeconds(30), ZoneOffset.UTC));

        metrics.inFlight("shop", "staging");
        metrics.inFlight("shop", "staging");

        assertThat(inFlightAge("staging")).isEqualTo(30.0);
    }

    private double inFlightAge(String environment) {
        return registry.get(ReleaseMetrics.IN_FLIGHT_AGE)
                .tags("application", "shop", "environment", environment)
                .gauge()
                .value();
    }
}
