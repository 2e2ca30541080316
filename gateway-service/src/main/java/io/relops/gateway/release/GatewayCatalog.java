package io.relops.gateway.release;

import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The part of the application catalog the gateway validates requests against. */
@ConfigurationProperties("relops")
public record GatewayCatalog(@Nullable Map<String, Application> applications) {

    public Optional<Application> application(String name) {
        return Optional.ofNullable(applications == null ? null : applications.get(name));
    }

    public record Application(@Nullable Map<String, Environment> environments) {

        public boolean hasEnvironment(String environment) {
            return environments != null && environments.containsKey(environment);
        }

        /** The environment a release to {@code environment} must come from, when the catalog says so. */
        public Optional<String> promotionFrom(String environment) {
            Environment env = environments == null ? null : environments.get(environment);
            return Optional.ofNullable(
                    env == null || env.promotion() == null
                            ? null
                            : env.promotion().from());
        }

        /** The role that may approve releases to {@code environment} (default {@code approver}). */
        public String approverRole(String environment) {
            Environment env = environments == null ? null : environments.get(environment);
            return env == null || env.approval() == null
                    ? "approver"
                    : env.approval().role();
        }
    }

    public record Environment(
            @Nullable Approval approval, @Nullable Promotion promotion) {}

    /** A release to the environment needs the version in {@code from} first; deploy-service decides the rest. */
    public record Promotion(String from) {}

    public record Approval(
            boolean required, @DefaultValue("approver") String role) {}
}
