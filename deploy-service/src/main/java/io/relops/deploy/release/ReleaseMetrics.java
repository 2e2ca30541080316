package io.relops.deploy.release;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.relops.deploy.catalog.DeployCatalog;
import io.relops.deploy.release.Decision.ReleaseOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * deploy-service's release meters, which the release rules (ops/prometheus/relops-rules.yml) and the dashboard read:
 *
 * <ul>
 *   <li>{@code relops.release.outcomes{application,outcome}}, {@code relops.release.duration{application}} and
 *       {@code relops.release.rollback.duration{application}}, registered at 0 for every application of the catalog
 *       when the service is ready: a series that is born at its first release would start at 1, and
 *       {@code increase()} cannot see that first release (the first slow release after a restart would go unnoticed);
 *   <li>{@code relops.release.in.flight.oldest.age{application,environment}}: how long ago the oldest release still in
 *       progress was requested (0 when none is), read from the release table at each scrape, so that a release that
 *       never ends is noticed too ({@code RelopsReleaseInFlightTooLong}). Registered for every environment the catalog
 *       declares, and for any other one when a release of it is requested.
 * </ul>
 */
@Component
class ReleaseMetrics {

    /**
     * Buckets at the seeds' targets (a release within 10 min, a rollback within 5 min) and around them, so that the
     * rules count the releases over their target, and the dashboard shows them.
     */
    private static final Duration[] DURATION_SLOS = {
        Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(30)
    };

    static final String DURATION = "relops.release.duration";
    static final String ROLLBACK_DURATION = "relops.release.rollback.duration";
    static final String OUTCOMES = "relops.release.outcomes";
    static final String IN_FLIGHT_AGE = "relops.release.in.flight.oldest.age";

    private final DeployCatalog catalog;
    private final MeterRegistry meters;
    private final BiFunction<String, String, Optional<OffsetDateTime>> oldestInFlight;
    private final Clock clock;
    private final Set<List<String>> inFlightGauges = ConcurrentHashMap.newKeySet();

    @Autowired
    ReleaseMetrics(DeployCatalog catalog, MeterRegistry meters, ReleaseRepository releases) {
        this(catalog, meters, releases::oldestInProgress, Clock.systemUTC());
    }

    ReleaseMetrics(
            DeployCatalog catalog,
            MeterRegistry meters,
            BiFunction<String, String, Optional<OffsetDateTime>> oldestInFlight,
            Clock clock) {
        this.catalog = catalog;
        this.meters = meters;
        this.oldestInFlight = oldestInFlight;
        this.clock = clock;
    }

    @EventListener(ApplicationReadyEvent.class)
    void register() {
        catalog.all().keySet().forEach(application -> {
            timer(DURATION, application);
            timer(ROLLBACK_DURATION, application);
            for (ReleaseOutcome outcome : ReleaseOutcome.values()) {
                outcome(application, outcome);
            }
            catalog.environments(application).forEach(environment -> inFlight(application, environment));
        });
    }

    Timer timer(String name, String application) {
        return Timer.builder(name)
                .tag("application", application)
                .serviceLevelObjectives(DURATION_SLOS)
                .register(meters);
    }

    Counter outcome(String application, ReleaseOutcome outcome) {
        return meters.counter(OUTCOMES, "application", application, "outcome", outcome.tag());
    }

    /** Makes sure the in-flight gauge of {@code application} in {@code environment} exists (idempotent). */
    void inFlight(String application, String environment) {
        if (!inFlightGauges.add(List.of(application, environment))) {
            return;
        }
        Gauge.builder(IN_FLIGHT_AGE, () -> oldestInFlightAge(application, environment))
                .description("how long ago the oldest release still in progress was requested (0: none is)")
                .baseUnit("seconds")
                .tag("application", application)
                .tag("environment", environment)
                .register(meters);
    }

    private double oldestInFlightAge(String application, String environment) {
        return oldestInFlight
                .apply(application, environment)
                .map(requested -> Math.max(
                                0,
                                Duration.between(requested.toInstant(), clock.instant())
                                        .toMillis())
                        / 1000d)
                .orElse(0d);
    }
}
