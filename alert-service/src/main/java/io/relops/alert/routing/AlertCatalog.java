package io.relops.alert.routing;

import io.relops.alert.routing.AlertingProperties.RouteSpec;
import io.relops.platform.catalog.EnvironmentCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.PlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * The part of the application catalog alert-service reads: {@code relops.applications.<name>.alerts}, a route
 * (receiver, group-by, timing, escalation, child routes) for that application's alerts, and {@code
 * relops.applications.<name>.environments.<env>.alerts}, merged onto it, for the alerts labelled with that
 * environment ({@link EnvironmentCatalog}).
 */
public final class AlertCatalog {

    private final EnvironmentCatalog<ApplicationSpec> catalog;

    public AlertCatalog(EnvironmentCatalog<ApplicationSpec> catalog) {
        this.catalog = catalog;
    }

    /** The catalog of the service's environment ({@code RELOPS_CATALOG}, imported by application.yml). */
    public static AlertCatalog of(Environment environment) {
        return new AlertCatalog(EnvironmentCatalog.bind(environment, ApplicationSpec.class));
    }

    /** The catalog in {@code sources} (tests: a {@code MapConfigurationPropertySource}). */
    public static AlertCatalog of(ConfigurationPropertySource... sources) {
        return new AlertCatalog(
                EnvironmentCatalog.bind(List.of(sources), PlaceholdersResolver.NONE, ApplicationSpec.class));
    }

    public record ApplicationSpec(@Nullable RouteSpec alerts) {}

    /**
     * The catalog's routes, before the configured ones: per application that has {@code alerts}, one matching {@code
     * application="<name>"} in addition to its own matchers; before it, one per environment whose effective alerts
     * differ from the application's, matching {@code environment="<env>"} too (an alert without that label takes the
     * application's route).
     */
    public List<RouteSpec> routes() {
        List<RouteSpec> routes = new ArrayList<>();
        for (String name : catalog.applications()) {
            RouteSpec own =
                    catalog.application(name).map(ApplicationSpec::alerts).orElse(null);
            for (String environment : catalog.environments(name)) {
                RouteSpec effective = catalog.effective(name, environment)
                        .map(ApplicationSpec::alerts)
                        .orElse(null);
                if (effective != null && !Objects.equals(effective, own)) {
                    routes.add(route(
                            effective, List.of("application=\"" + name + "\"", "environment=\"" + environment + "\"")));
                }
            }
            if (own != null) {
                routes.add(route(own, List.of("application=\"" + name + "\"")));
            }
        }
        return routes;
    }

    private static RouteSpec route(RouteSpec r, List<String> scope) {
        List<String> matchers = new ArrayList<>(scope);
        if (r.matchers() != null) {
            matchers.addAll(r.matchers());
        }
        return new RouteSpec(
                r.receiver(),
                r.groupBy(),
                r.groupWait(),
                r.groupInterval(),
                r.repeatInterval(),
                matchers,
                r.continueMatching(),
                r.escalateTo(),
                r.escalateAfter(),
                r.routes());
    }
}
