package io.relops.gateway.route;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.servlet.function.RequestPredicate;
import org.springframework.web.servlet.function.RequestPredicates;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * What the gateway forwards, and to which backend ({@code docs/gateway-routes.md}): the request paths of each route
 * of {@link BackendRoutes}, so that a test can check each forwarded endpoint against the gateway's authorization
 * matrix (a route adds no rule: whatever has none is refused, 403).
 */
public enum ForwardedRoute {
    BACKUPS("backup-service", null, "/api/backups/**"),
    /** alert-service's own API, and Alertmanager's API v2 (Prometheus, amtool). */
    ALERTS("alert-service", null, "/api/alerts/**", "/api/silences/**", "/api/v2/**"),
    AUDIT("audit-service", null, "/api/audit/**"),
    DORA("deploy-service", null, "/api/dora"),
    APPLICATIONS("deploy-service", null, "/api/applications", "/api/applications/*"),
    /** A webhook target's external system calling back (no bearer token: deploy-service checks its signature). */
    WEBHOOK_CALLBACK("deploy-service", HttpMethod.POST, "/api/targets/webhook/callback/{releaseId}");

    private final String backend;
    private final @Nullable HttpMethod method;
    private final List<String> patterns;

    ForwardedRoute(String backend, @Nullable HttpMethod method, String... patterns) {
        this.backend = backend;
        this.method = method;
        this.patterns = List.of(patterns);
    }

    /** The service the requests go to, as docs/security.md names it. */
    public String backend() {
        return backend;
    }

    /** Spring path patterns, as {@link RequestPredicates#path} reads them. */
    public List<String> patterns() {
        return patterns;
    }

    /** Whether the route takes a request for {@code path} (no variables left) with {@code method}. */
    public boolean forwards(HttpMethod method, String path) {
        PathContainer container = PathContainer.parsePath(path);
        return (this.method == null || this.method.equals(method))
                && patterns.stream().map(ForwardedRoute::parse).anyMatch(pattern -> pattern.matches(container));
    }

    /** The predicate of the route's requests. */
    RequestPredicate predicate() {
        RequestPredicate paths = patterns.stream()
                .map(RequestPredicates.pathPredicates(PathPatternParser.defaultInstance))
                .reduce(RequestPredicate::or)
                .orElseThrow();
        return method == null ? paths : RequestPredicates.method(method).and(paths);
    }

    private static PathPattern parse(String pattern) {
        return PathPatternParser.defaultInstance.parse(pattern);
    }
}
