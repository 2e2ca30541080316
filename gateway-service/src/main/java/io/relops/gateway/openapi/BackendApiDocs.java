package io.relops.gateway.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.github.benmanes.caffeine.cache.Ticker;
import io.relops.gateway.GatewayProperties;
import io.relops.gateway.deploy.DeployService;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.oas.models.media.Schema;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.cloud.gateway.server.mvc.common.MvcUtils;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.client.RestClient;
import org.springframework.web.servlet.function.HandlerFunction;
import org.springframework.web.servlet.function.RequestPredicate;
import org.springframework.web.servlet.function.RequestPredicates;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Merges the routed backends' OpenAPI documents into the gateway's ({@code docs/gateway-api.md}): for every backend
 * route (route/BackendRoutes, found by visiting the {@link RouterFunction} beans, so a new route pattern is picked up
 * with no change here), the paths of that backend's own {@code /v3/api-docs} that the route forwards, with the
 * schemas they use. The gateway's own paths win; a backend schema whose name the document already uses for another
 * shape is renamed with the backend's prefix ({@code AlertService…}); an operationId already taken gets the same
 * prefix. The document is made on every request (springdoc's cache is off) from the backends' documents kept by
 * {@link BackendDocuments} (fetched in parallel, kept for a TTL, failures too): a backend that cannot be reached is
 * served from its last document fetched, or else left out and named in {@code x-relops-unavailable} and in the
 * description.
 */
class BackendApiDocs implements AutoCloseable {

    /** The root extension naming the backends whose paths are missing from the document. */
    static final String UNAVAILABLE = "x-relops-unavailable";

    private static final String SCHEMA_REF = "#/components/schemas/";
    /**
     * Longer than the deadline: a backend still generating its document (first request after its start, a loaded
     * machine) answers into the cache for the next request; a hanging one holds one fetch thread this long.
     */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, RestClient> backends = new TreeMap<>();
    private final ObjectProvider<RouterFunction<?>> routers;
    private final BackendDocuments documents;

    BackendApiDocs(
            GatewayProperties properties,
            OpenApiSettings openApiSettings,
            DeployService deployService,
            RestClient.Builder builder,
            ObjectProvider<RouterFunction<?>> routers) {
        this.routers = routers;
        HttpClientSettings settings = HttpClientSettings.defaults()
                .withConnectTimeout(properties.routes().connectTimeout())
                .withReadTimeout(READ_TIMEOUT);
        Function<RestClient.Builder, RestClient.Builder> timeouts =
                b -> b.requestFactory(ClientHttpRequestFactoryBuilder.jdk().build(settings));
        backends.put(
                "backup-service",
                timeouts.apply(builder.clone().baseUrl(properties.backupUrl().toString()))
                        .build());
        backends.put(
                "alert-service",
                timeouts.apply(builder.clone().baseUrl(properties.alertUrl().toString()))
                        .build());
        URI audit = properties.auditUrl();
        if (audit != null) {
            backends.put(
                    "audit-service",
                    timeouts.apply(builder.clone().baseUrl(audit.toString())).build());
        }
        backends.put(
                DeployService.ID,
                deployService.client(timeouts.apply(builder.clone())).build());
        Map<String, Callable<String>> fetchers = new TreeMap<>();
        backends.forEach((backend, client) -> fetchers.put(
                backend, () -> client.get().uri("/v3/api-docs").retrieve().body(String.class)));
        this.documents = new BackendDocuments(fetchers, openApiSettings, Ticker.systemTicker());
    }

    /** Adds every routed backend's forwarded paths to {@code openApi}. */
    void mergeInto(OpenAPI openApi) {
        Map<String, List<Route>> routes = routesByBackend();
        Map<String, JsonNode> fetched = documents.documents(routes.keySet());
        List<String> unavailable = new ArrayList<>();
        for (Map.Entry<String, List<Route>> entry : routes.entrySet()) {
            String backend = entry.getKey();
            JsonNode document = fetched.get(backend);
            if (document == null) {
                unavailable.add(backend);
            } else {
                merge(openApi, backend, document, entry.getValue());
            }
        }
        if (!unavailable.isEmpty()) {
            openApi.addExtension(UNAVAILABLE, unavailable);
            openApi.getInfo()
                    .setDescription(openApi.getInfo().getDescription()
                            + " INCOMPLETE: the paths of " + String.join(", ", unavailable)
                            + " are missing (not reachable when this document was made); ask again later.");
        }
    }

    /** The backend routes' path patterns and methods, by backend. */
    Map<String, List<Route>> routesByBackend() {
        Map<String, List<Route>> routes = new TreeMap<>();
        routers.orderedStream()
                .forEach(router -> router.accept(new RouteCollector(route -> {
                    String backend = backendOf(route.id());
                    if (backend != null) {
                        routes.computeIfAbsent(backend, b -> new ArrayList<>()).add(route);
                    }
                })));
        return routes;
    }

    private @Nullable String backendOf(String routeId) {
        for (String backend : backends.keySet()) {
            if (routeId.equals(backend) || routeId.startsWith(backend + "-")) {
                return backend;
            }
        }
        return null;
    }

    private static void merge(OpenAPI openApi, String backend, JsonNode original, List<Route> routes) {
        ObjectMapper mapper = openApi.getSpecVersion() == SpecVersion.V31 ? Json31.mapper() : Json.mapper();
        JsonNode document = original.deepCopy();
        String prefix = prefix(backend);
        if (openApi.getPaths() == null) {
            openApi.setPaths(new Paths());
        }
        if (openApi.getComponents() == null) {
            openApi.setComponents(new Components());
        }
        Map<String, Schema> schemas = openApi.getComponents().getSchemas() == null
                ? new LinkedHashMap<>()
                : openApi.getComponents().getSchemas();

        Map<String, JsonNode> paths = new LinkedHashMap<>();
        document.path("paths").properties().forEach(path -> {
            Set<HttpMethod> methods = forwarded(path.getKey(), routes);
            if (methods.isEmpty() || openApi.getPaths().containsKey(path.getKey())) {
                return;
            }
            ObjectNode item = (ObjectNode) path.getValue();
            for (PathItem.HttpMethod method : PathItem.HttpMethod.values()) {
                if (!methods.contains(HttpMethod.valueOf(method.name()))) {
                    item.remove(method.name().toLowerCase(Locale.ROOT));
                }
            }
            if (Arrays.stream(PathItem.HttpMethod.values())
                    .anyMatch(method -> item.has(method.name().toLowerCase(Locale.ROOT)))) {
                paths.put(path.getKey(), item);
            }
        });

        // the schemas these paths use, directly or through other schemas; renamed where the name means another shape
        JsonNode backendSchemas = document.path("components").path("schemas");
        Set<String> used = new LinkedHashSet<>();
        Deque<JsonNode> toScan = new ArrayDeque<>(paths.values());
        while (!toScan.isEmpty()) {
            for (String name : schemaRefs(toScan.pop())) {
                if (used.add(name) && backendSchemas.has(name)) {
                    toScan.push(backendSchemas.get(name));
                }
            }
        }
        Map<String, String> renamed = new LinkedHashMap<>();
        for (String name : used) {
            Schema<?> existing = schemas.get(name);
            if (existing != null && !mapper.valueToTree(existing).equals(backendSchemas.get(name))) {
                String name2 = prefix + name;
                for (int n = 2; schemas.containsKey(name2); n++) {
                    name2 = prefix + name + n;
                }
                renamed.put(name, name2);
            }
        }
        paths.values().forEach(item -> renameRefs(item, renamed));
        for (String name : used) {
            JsonNode schema = backendSchemas.get(name);
            if (schema == null) {
                continue;
            }
            renameRefs(schema, renamed);
            String target = renamed.getOrDefault(name, name);
            if (!schemas.containsKey(target)) {
                openApi.getComponents().addSchemas(target, mapper.convertValue(schema, Schema.class));
            }
        }

        Set<String> operationIds = operationIds(openApi);
        paths.forEach((path, node) -> {
            PathItem item = mapper.convertValue(node, PathItem.class);
            for (Operation operation : item.readOperations()) {
                String id = operation.getOperationId();
                if (id == null || operationIds.contains(id)) {
                    String base = prefix.substring(0, 1).toLowerCase(Locale.ROOT)
                            + prefix.substring(1)
                            + (id == null ? "Operation" : Character.toUpperCase(id.charAt(0)) + id.substring(1));
                    id = base;
                    for (int n = 2; operationIds.contains(id); n++) {
                        id = base + n;
                    }
                    operation.setOperationId(id);
                }
                operationIds.add(id);
                if (operation.getTags() == null || operation.getTags().isEmpty()) {
                    operation.addTagsItem(backend);
                }
                operation.addExtension("x-relops-backend", backend);
            }
            openApi.getPaths().addPathItem(path, item);
        });
    }

    /** The methods of {@code path} that some route forwards (none: the gateway does not forward it). */
    private static Set<HttpMethod> forwarded(String path, List<Route> routes) {
        PathContainer container = PathContainer.parsePath(path);
        Set<HttpMethod> methods = new HashSet<>();
        for (Route route : routes) {
            if (route.patterns().stream().anyMatch(pattern -> pattern.matches(container))) {
                methods.addAll(route.methods().isEmpty() ? Set.of(HttpMethod.values()) : route.methods());
            }
        }
        return methods;
    }

    private static Set<String> operationIds(OpenAPI openApi) {
        Set<String> ids = new HashSet<>();
        openApi.getPaths()
                .values()
                .forEach(item -> item.readOperations().stream()
                        .map(Operation::getOperationId)
                        .filter(id -> id != null)
                        .forEach(ids::add));
        return ids;
    }

    private static Set<String> schemaRefs(JsonNode node) {
        Set<String> refs = new LinkedHashSet<>();
        Deque<JsonNode> nodes = new ArrayDeque<>(List.of(node));
        while (!nodes.isEmpty()) {
            JsonNode next = nodes.pop();
            JsonNode ref = next.get("$ref");
            if (ref != null && ref.isTextual() && ref.textValue().startsWith(SCHEMA_REF)) {
                refs.add(ref.textValue().substring(SCHEMA_REF.length()));
            }
            next.forEach(nodes::push);
        }
        return refs;
    }

    private static void renameRefs(JsonNode node, Map<String, String> renamed) {
        if (renamed.isEmpty()) {
            return;
        }
        Deque<JsonNode> nodes = new ArrayDeque<>(List.of(node));
        while (!nodes.isEmpty()) {
            JsonNode next = nodes.pop();
            if (next instanceof ObjectNode object && object.path("$ref").isTextual()) {
                String ref = object.get("$ref").textValue();
                if (ref.startsWith(SCHEMA_REF) && renamed.containsKey(ref.substring(SCHEMA_REF.length()))) {
                    object.set("$ref", TextNode.valueOf(SCHEMA_REF + renamed.get(ref.substring(SCHEMA_REF.length()))));
                }
            }
            next.forEach(nodes::push);
        }
    }

    @Override
    public void close() {
        documents.close();
    }

    /** {@code alert-service} → {@code AlertService}. */
    private static String prefix(String backend) {
        StringBuilder prefix = new StringBuilder();
        for (String word : backend.split("-")) {
            prefix.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        return prefix.toString();
    }

    /** A backend route: its id, the path patterns it matches and its methods (empty: all). */
    record Route(String id, List<PathPattern> patterns, Set<HttpMethod> methods) {}

    /** Visits a router function and reports each route with the gateway route id set on it. */
    private static final class RouteCollector implements RouterFunctions.Visitor {

        private final java.util.function.Consumer<Route> found;
        private @Nullable String id;

        RouteCollector(java.util.function.Consumer<Route> found) {
            this.found = found;
        }

        @Override
        public void attributes(Map<String, Object> attributes) {
            if (attributes.get(MvcUtils.GATEWAY_ROUTE_ID_ATTR) instanceof String routeId) {
                id = routeId;
            }
        }

        @Override
        public void route(RequestPredicate predicate, HandlerFunction<?> handlerFunction) {
            if (id == null) {
                return;
            }
            List<PathPattern> patterns = new ArrayList<>();
            Set<HttpMethod> methods = new HashSet<>();
            predicate.accept(new RequestPredicates.Visitor() {
                @Override
                public void method(Set<HttpMethod> allowed) {
                    methods.addAll(allowed);
                }

                @Override
                public void path(String pattern) {
                    patterns.add(PathPatternParser.defaultInstance.parse(pattern));
                }

                @Override
                public void pathExtension(String extension) {}

                @Override
                public void header(String name, String value) {}

                @Override
                public void param(String name, String value) {}

                @Override
                public void version(String version) {}

                @Override
                public void startAnd() {}

                @Override
                public void and() {}

                @Override
                public void endAnd() {}

                @Override
                public void startOr() {}

                @Override
                public void or() {}

                @Override
                public void endOr() {}

                @Override
                public void startNegate() {}

                @Override
                public void endNegate() {}

                @Override
                public void unknown(RequestPredicate unknown) {}
            });
            found.accept(new Route(id, List.copyOf(patterns), Set.copyOf(methods)));
        }

        @Override
        public void startNested(RequestPredicate predicate) {}

        @Override
        public void endNested(RequestPredicate predicate) {}

        @Override
        public void resources(java.util.function.Function<ServerRequest, java.util.Optional<Resource>> lookup) {}

        @Override
        public void unknown(RouterFunction<?> routerFunction) {}
    }
}
