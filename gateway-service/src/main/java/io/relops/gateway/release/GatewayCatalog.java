package io.relops.gateway.release;

import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The part of the application catalog the gateway validates requests against. */
@ConfigurationProperties("relops")
public record GatewayCatalog(@Nullable Map<String, Application> applications) {

    public Optional<Application> application(String name) {
        return Optional.ofNullable(applications == null ? null : applications.get(name));
    }

    public record Application(@Nullable Map<String, Object> environments) {

        public boolean hasEnvironment(String environment) {
            return environments != null && environments.containsKey(environment);
        }
    }
}
