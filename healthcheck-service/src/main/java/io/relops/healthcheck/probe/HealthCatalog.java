package io.relops.healthcheck.probe;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The part of the application catalog healthcheck-service needs: each application's probes and policy. */
@ConfigurationProperties("relops")
public record HealthCatalog(@Nullable Map<String, ApplicationHealth> applications) {

    public Optional<HealthSpec> health(String application) {
        return Optional.ofNullable(applications == null ? null : applications.get(application))
                .map(ApplicationHealth::health);
    }

    public record ApplicationHealth(@Nullable HealthSpec health) {}

    /**
     * How a slot is verified: after {@code initialDelay}, all probes run every {@code interval};
     * {@code successes} consecutive passing rounds verify it, {@code failures} consecutive failing
     * rounds fail it, and no verdict by {@code deadline} fails it too.
     */
    public record HealthSpec(
            @Nullable List<ProbeSpec> probes,
            @DefaultValue("0s") Duration initialDelay,
            @DefaultValue("1s") Duration interval,
            @DefaultValue("3") int successes,
            @DefaultValue("2") int failures,
            @DefaultValue("60s") Duration deadline) {

        public List<ProbeSpec> probeList() {
            return probes == null ? List.of() : probes;
        }
    }

    /**
     * One probe. {@code url} is a template: {@code {endpoint}} is the slot's base URL from the
     * deployment target.
     */
    public record ProbeSpec(
            String name,
            @DefaultValue("http") String type,
            String url,
            @DefaultValue("200") Set<Integer> expectStatus,
            @DefaultValue("2s") Duration timeout) {}
}
