package io.relops.gateway.release;

import io.relops.platform.catalog.EnvironmentCatalog;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The part of the application catalog the gateway validates requests against: each application's environments
 * (every one the catalog declares, also one that only overrides the application's settings) and their approval.
 */
public record GatewayCatalog(@Nullable Map<String, Application> applications) {

    /** The catalog of the service's environment ({@code RELOPS_CATALOG}, imported by application.yml). */
    public static GatewayCatalog of(org.springframework.core.env.Environment environment) {
        EnvironmentCatalog<Application> catalog = EnvironmentCatalog.bind(environment, Application.class);
        Map<String, Application> applications = new LinkedHashMap<>();
        for (String name : catalog.applications()) {
            Application bound = catalog.application(name).orElseThrow();
            Map<String, GatewayCatalog.Environment> environments = new LinkedHashMap<>();
            for (String declared : catalog.environments(name)) {
                GatewayCatalog.Environment env = bound.environments() == null
                        ? null
                        : bound.environments().get(declared);
                environments.put(declared, env != null ? env : NONE);
            }
            applications.put(name, new Application(environments));
        }
        return new GatewayCatalog(applications);
    }

    /** An environment that sets none of {@link Environment}'s keys (only overrides): declared all the same. */
    private static final GatewayCatalog.Environment NONE = new Binder(new MapConfigurationPropertySource())
            .bindOrCreate("environment", GatewayCatalog.Environment.class);

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
