package io.relops.alert.routing;

import io.relops.alert.routing.AlertingProperties.RouteSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The part of the application catalog alert-service reads: {@code relops.applications.<name>.alerts},
 * a route (receiver, group-by, timing, escalation, child routes) for that application's alerts.
 */
@ConfigurationProperties("relops")
public record AlertCatalog(@Nullable Map<String, ApplicationSpec> applications) {

    public record ApplicationSpec(@Nullable RouteSpec alerts) {}

    /**
     * One route per catalog application that has {@code alerts}, matching {@code
     * application="<name>"} in addition to its own matchers; they come before the configured routes.
     */
    public List<RouteSpec> routes() {
        List<RouteSpec> routes = new ArrayList<>();
        if (applications == null) {
            return routes;
        }
        applications.forEach((name, app) -> {
            RouteSpec r = app.alerts();
            if (r == null) {
                return;
            }
            List<String> matchers = new ArrayList<>();
            matchers.add("application=\"" + name + "\"");
            if (r.matchers() != null) {
                matchers.addAll(r.matchers());
            }
            routes.add(new RouteSpec(
                    r.receiver(),
                    r.groupBy(),
                    r.groupWait(),
                    r.groupInterval(),
                    r.repeatInterval(),
                    matchers,
                    r.continueMatching(),
                    r.escalateTo(),
                    r.escalateAfter(),
                    r.routes()));
        });
        return routes;
    }
}
