package io.relops.deploy.dora;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * The four keys per application and environment: on request over any window, and as the {@code relops.dora.*}
 * gauges over {@code relops.dora.window}, recomputed every {@code relops.dora.refresh} (each replica computes the
 * same values from the shared history).
 */
@Service
public class DoraService {

    private final DoraRepository repository;
    private final DoraSettings settings;
    private final Clock clock;
    private final MultiGauge frequency;
    private final MultiGauge leadTime;
    private final MultiGauge failureRate;
    private final MultiGauge timeToRestore;

    @Autowired
    DoraService(DoraRepository repository, DoraSettings settings, MeterRegistry meters) {
        this(repository, settings, meters, Clock.systemUTC());
    }

    DoraService(DoraRepository repository, DoraSettings settings, MeterRegistry meters, Clock clock) {
        this.repository = repository;
        this.settings = settings;
        this.clock = clock;
        this.frequency = MultiGauge.builder("relops.dora.deployment.frequency")
                .description("DORA deployment frequency: successful deployments per day over relops.dora.window")
                .register(meters);
        this.leadTime = MultiGauge.builder("relops.dora.lead.time")
                .description("DORA lead time for changes: median release request to completion over relops.dora.window")
                .baseUnit("seconds")
                .register(meters);
        this.failureRate = MultiGauge.builder("relops.dora.change.failure.rate")
                .description("DORA change failure rate: changes rolled back or failed, of all changes (0..1)")
                .register(meters);
        this.timeToRestore = MultiGauge.builder("relops.dora.time.to.restore")
                .description(
                        "DORA time to restore: median rollback start to rollback completed over relops.dora.window")
                .baseUnit("seconds")
                .register(meters);
    }

    /**
     * The keys over {@code window} up to now, of one application and environment, or of each pair that has
     * releases in the window when either is null.
     */
    public List<DoraKeys> keys(@Nullable String application, @Nullable String environment, Duration window) {
        Instant to = clock.instant();
        Instant from = to.minus(window);
        List<ChangeRecord> history = repository.endedBetween(from, to, application, environment);
        Set<List<String>> pairs = new LinkedHashSet<>();
        if (application != null && environment != null) {
            pairs.add(List.of(application, environment));
        }
        history.forEach(release -> pairs.add(List.of(release.application(), release.environment())));
        List<DoraKeys> keys = new ArrayList<>();
        for (List<String> pair : pairs) {
            keys.add(DoraCalculator.keys(pair.get(0), pair.get(1), history, to, window));
        }
        return keys;
    }

    /** Recomputes the gauges; an application and environment without releases in the window has none. */
    @Scheduled(initialDelayString = "${relops.dora.refresh:60s}", fixedDelayString = "${relops.dora.refresh:60s}")
    public void refreshMetrics() {
        List<DoraKeys> keys = keys(null, null, settings.window());
        frequency.register(rows(keys, DoraKeys::deploymentsPerDay), true);
        leadTime.register(rows(keys, k -> seconds(k.leadTime())), true);
        failureRate.register(rows(keys, DoraKeys::changeFailureRate), true);
        timeToRestore.register(rows(keys, k -> seconds(k.timeToRestore())), true);
    }

    private static List<MultiGauge.Row<?>> rows(List<DoraKeys> keys, Function<DoraKeys, @Nullable Number> value) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (DoraKeys key : keys) {
            Number number = value.apply(key);
            if (number != null) {
                rows.add(MultiGauge.Row.of(
                        Tags.of("application", key.application(), "environment", key.environment()), number));
            }
        }
        return rows;
    }

    private static @Nullable Double seconds(@Nullable Duration duration) {
        return duration == null ? null : duration.toMillis() / 1000d;
    }
}
