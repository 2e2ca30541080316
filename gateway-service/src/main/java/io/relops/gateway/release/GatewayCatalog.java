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

        /** The role that may approve releases to {@code environment} (default {@code approver}). */
        public String approverRole(String environment) {
            Environment env = environments == null ? null : environments.get(environment);
            return env == null || env.approval() == null
                    ? "approver"
                    : env.approval().role();
        }
    }

    public record Environment(@Nullable Approval approval) {}

    public record Approval(
            boolean required, @DefaultValue("approver") String role) {}
}
