package io.relops.platform.catalog;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Checks an application catalog file against the published {@code catalog.schema.json} (draft 2020-12): unknown
 * keys, a target without its required settings, malformed durations, numbers, booleans. Each problem is one line
 * {@code catalog <file>: application '<name>': key '<key>': <what is wrong>}.
 *
 * <p>The file is read as Spring reads it: YAML (every document), {@code a.b: x} keys are nested as {@code a: {b:
 * x}}, {@code ${...}} placeholders in values are resolved (with the given resolver: the service's environment), and
 * a camelCase key is taken as its kebab-case form. Keys outside {@code relops.applications} are not the catalog's
 * and are left alone.
 */
public final class CatalogValidator {

    /** The published schema, on the classpath of every service. */
    public static final String SCHEMA = "/catalog.schema.json";

    private static final JsonMapper JSON = new JsonMapper();
    private static final Pattern CAMEL = Pattern.compile("([a-z0-9])([A-Z])");
    /** An environment's own keys, not overrides of the application's settings. */
    private static final List<String> ENVIRONMENT_ONLY = List.of("approval", "promotion");
    /** The routers that are a target's own routing, by the target they route. */
    private static final Map<String, String> OWN_ROUTERS =
            Map.of("builtin", "process", "kubernetes", "kubernetes", "webhook", "webhook");
    /** The routers that drive a proxy the user runs, for any target (the compose target needs one). */
    private static final List<String> ROUTERS_FOR_ANY_TARGET = List.of("nginx", "haproxy");
    /** The routers that can send requests with a header or cookie to the canary ({@code router.match}). */
    private static final List<String> ROUTERS_WITH_MATCH = List.of("nginx", "kubernetes", "builtin");

    private final Schema schema;
    private final JsonNode document;
    private final Set<String> knownKeys;

    public CatalogValidator() {
        JsonNode document;
        try (InputStream in = CatalogValidator.class.getResourceAsStream(SCHEMA)) {
            if (in == null) {
                throw new IllegalStateException("missing " + SCHEMA + " on the classpath");
            }
            document = JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.document = document;
        this.schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(document);
        this.knownKeys = new LinkedHashSet<>();
        document.findValues("properties").forEach(properties -> knownKeys.addAll(properties.propertyNames()));
    }

    /** The problems of the catalog {@code file}; empty when it is valid. Placeholders resolve with {@code resolver}. */
    public List<String> problems(Path file, UnaryOperator<String> resolver) {
        String prefix = "catalog " + file + ": ";
        if (!Files.exists(file)) {
            return List.of(prefix + "no such file");
        }
        if (!Files.isRegularFile(file)) {
            return List.of(prefix + "not a file");
        }
        if (!Files.isReadable(file)) {
            return List.of(prefix + "not readable");
        }
        List<JsonNode> documents = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file)) {
            // SnakeYAML, as Spring reads the file: anchors, aliases and merge keys (<<: *defaults) included
            for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(reader)) {
                documents.add(JSON.valueToTree(document));
            }
        } catch (YAMLException e) {
            return List.of(prefix + "not YAML: " + e.getMessage().replace('\n', ' '));
        } catch (IOException | RuntimeException e) {
            return List.of(prefix + "unreadable: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        for (JsonNode document : documents) {
            if (document == null || document.isNull() || document.isMissingNode()) {
                continue;
            }
            if (!document.isObject()) {
                problems.add(prefix + "not a YAML mapping (relops.applications.<name>: ...)");
                continue;
            }
            JsonNode catalog = normalize(document, resolver, false);
            for (Error error : schema.validate(catalog)) {
                if (!isPartialOverride(error)) {
                    problems.add(prefix + describe(error));
                }
            }
            JsonNode applications = catalog.path("relops").path("applications");
            if (applications.isObject()) {
                for (Map.Entry<String, JsonNode> application : applications.properties()) {
                    environmentProblems(application.getKey(), application.getValue())
                            .forEach(problem -> problems.add(prefix + problem));
                }
            }
        }
        return problems;
    }

    /**
     * A key an environment's override leaves out ({@code target.process.command}): the merged settings of the
     * environment have it, or {@link #environmentProblems} says they do not.
     */
    private static boolean isPartialOverride(Error error) {
        if (!"required".equals(error.getKeyword())) {
            return false;
        }
        NodePath location = error.getInstanceLocation();
        return location.getNameCount() >= 6
                && "environments".equals(String.valueOf(location.getElement(3)))
                && !ENVIRONMENT_ONLY.contains(String.valueOf(location.getElement(5)));
    }

    /**
     * What is wrong with each environment of {@code application} that its overrides alone do not show: a required
     * key its merged settings lack (and the application's own settings do not lack already), a promotion from an
     * environment the application does not have, promotions in a cycle.
     */
    private List<String> environmentProblems(String name, JsonNode application) {
        if (!application.isObject()) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        ObjectNode own = ((ObjectNode) application).deepCopy();
        own.remove("environments");
        List<String> ownRouting = routingProblems(own);
        ownRouting.forEach(problem -> problems.add("application '" + name + "': " + problem));
        JsonNode environments = application.path("environments");
        if (!environments.isObject()) {
            kubernetesProblems(own).forEach(problem -> problems.add("application '" + name + "': " + problem));
            return problems;
        }
        Set<String> ownRequirements = requirements(name, own);
        Map<String, String> promotions = new LinkedHashMap<>();
        Map<String, JsonNode> deployments = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> environment : environments.properties()) {
            if (!environment.getValue().isObject()) {
                deployments.put(environment.getKey(), own); // no override: the application's settings, checked already
                kubernetesProblems(own)
                        .forEach(problem -> problems.add(
                                "application '" + name + "', environment '" + environment.getKey() + "': " + problem));
                continue;
            }
            ObjectNode overrides = ((ObjectNode) environment.getValue()).deepCopy();
            JsonNode from = overrides.path("promotion").path("from");
            if (from.isString()) {
                promotions.put(environment.getKey(), from.asString());
            }
            overrides.remove(ENVIRONMENT_ONLY);
            ObjectNode merged = merge(own.deepCopy(), overrides);
            deployments.put(environment.getKey(), merged);
            for (String requirement : requirements(name, merged)) {
                if (!ownRequirements.contains(requirement)) {
                    problems.add(requirement.replaceFirst(
                            "^application '[^']*'",
                            "application '" + name + "', environment '" + environment.getKey() + "'"));
                }
            }
            for (String problem : routingProblems(merged)) {
                if (!ownRouting.contains(problem)) {
                    problems.add("application '" + name + "', environment '" + environment.getKey() + "': " + problem);
                }
            }
            for (String problem : kubernetesProblems(merged)) {
                problems.add("application '" + name + "', environment '" + environment.getKey() + "': " + problem);
            }
        }
        Set<String> declared = new LinkedHashSet<>(environments.propertyNames());
        promotions.forEach((environment, from) -> {
            String key = "application '" + name + "': key 'environments." + environment + ".promotion.from': '" + from
                    + "' ";
            if (from.equals(environment)) {
                problems.add(key + "is this environment itself; promote from another one of " + declared);
            } else if (!declared.contains(from)) {
                problems.add(key + "is not an environment of " + name + " (its environments: "
                        + String.join(", ", declared) + ")");
            }
        });
        problems.addAll(promotionCycles(name, promotions));
        problems.addAll(sharedDeployments(name, deployments));
        return problems;
    }

    /**
     * What the kubernetes target cannot do with {@code settings} (an environment's merged settings, or the
     * application's when it has no environments), each as {@code key '<key>': <what is wrong>}: a {@code router.match}
     * with {@code traffic: service} (a replica ratio cannot look at headers), a cookie match with {@code traffic:
     * ingress-nginx} whose value is not {@code always} (the only value ingress-nginx honours), the nginx or haproxy
     * router (they would be given the slots' cluster DNS names), both {@code workload-ref} and {@code pod-template}.
     */
    private static List<String> kubernetesProblems(JsonNode settings) {
        JsonNode target = settings.path("target");
        if (!target.path("type").isString() || !target.path("type").asString().equals("kubernetes")) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        JsonNode kubernetes = target.path("kubernetes");
        JsonNode router = settings.path("router");
        String routerType = router.path("type").isString() ? router.path("type").asString() : "kubernetes";
        if (ROUTERS_FOR_ANY_TARGET.contains(routerType)) {
            problems.add("key 'router.type': '" + routerType + "' cannot route the kubernetes target: its slots'"
                    + " endpoints are cluster DNS names (<name>-<slot>.<namespace>.svc.cluster.local) that a proxy"
                    + " outside the cluster cannot reach; leave router.type unset (the kubernetes target's own"
                    + " routing, target.kubernetes.traffic)");
        }
        String traffic = kubernetes.path("traffic").isString()
                ? kubernetes.path("traffic").asString().toLowerCase(Locale.ROOT).replace('_', '-')
                : "service";
        JsonNode match = router.path("match");
        if (routerType.equals("kubernetes") && match.isObject()) {
            if (traffic.equals("service")) {
                problems.add("key 'router.match': traffic: service splits by the slots' replica ratio and cannot"
                        + " send matching requests to the canary; set target.kubernetes.traffic gateway-api or"
                        + " ingress-nginx, or drop router.match");
            } else if (traffic.equals("ingress-nginx")
                    && match.has("cookie")
                    && !"always"
                            .equals(
                                    match.path("value").isString()
                                            ? match.path("value").asString()
                                            : null)) {
                problems.add("key 'router.match.value': "
                        + (match.path("value").isString()
                                ? "'" + match.path("value").asString() + "'"
                                : "not set")
                        + ": ingress-nginx sends a request to the canary by cookie only when its value is 'always'"
                        + " (canary-by-cookie); set value: always, or match a header");
            }
        }
        if (kubernetes.has("workload-ref") && kubernetes.has("pod-template")) {
            problems.add("key 'target.kubernetes.pod-template': the merged settings also have"
                    + " target.kubernetes.workload-ref; the slots' pod template comes from one of them, drop the"
                    + " other (an environment's override adds to the application's target.kubernetes)");
        }
        return problems;
    }

    /**
     * What is wrong with the router of {@code settings} (an application's, or an environment's merged settings) for
     * its target, each as {@code key '<key>': <what is wrong>}: a target's own routing ({@code builtin}, {@code
     * kubernetes}, {@code webhook}) named for another target, a compose target without {@code nginx} or {@code
     * haproxy}, the builtin router without the process target's {@code stable-port}, a {@code router.match} its router
     * cannot apply. A missing {@code router.nginx} or {@code router.haproxy} is the schema's (a requirement).
     */
    private static List<String> routingProblems(JsonNode settings) {
        JsonNode target = settings.path("target").path("type");
        String targetType = target.isString() ? target.asString() : "process";
        JsonNode router = settings.path("router");
        String declared = router.path("type").isString() ? router.path("type").asString() : null;
        String type = declared != null ? declared : targetType.equals("process") ? "builtin" : targetType;
        List<String> problems = new ArrayList<>();
        String owner = OWN_ROUTERS.get(type);
        if (targetType.equals("compose") && !ROUTERS_FOR_ANY_TARGET.contains(type)) {
            problems.add("key 'router.type': " + (declared == null ? "not set" : "'" + declared + "'")
                    + ": the compose target needs router.type nginx or haproxy (it has no routing of its own)");
            return problems;
        }
        if (owner != null && !owner.equals(targetType)) {
            problems.add("key 'router.type': '" + type + "' is the " + owner + " target's own routing, not the "
                    + targetType + " target's; use router.type nginx or haproxy"
                    + (targetType.equals("compose")
                            ? ""
                            : ", or leave it unset for the " + targetType + " target's own routing"));
            return problems;
        }
        JsonNode process = settings.path("target").path("process");
        if (type.equals("builtin") && process.isObject() && !process.has("stable-port")) {
            problems.add("key 'target.process.stable-port': is required by the builtin router (the port of its stable"
                    + " URL); or set router.type nginx or haproxy");
        }
        JsonNode match = router.path("match");
        if (!match.isMissingNode() && !match.isNull() && !ROUTERS_WITH_MATCH.contains(type)) {
            problems.add("key 'router.match': "
                    + (type.equals("haproxy")
                            ? "the haproxy router sets its servers' weights through the Runtime API and cannot send"
                                    + " matching requests to the canary: route them with an ACL in your HAProxy"
                                    + " configuration (e.g. use-server on the header) and drop router.match, or use"
                                    + " router.type nginx"
                            : "router '" + type + "' cannot send matching requests to the canary; router.match"
                                    + " works with router types " + String.join(", ", ROUTERS_WITH_MATCH)));
        }
        return problems;
    }

    /**
     * Two environments of one application that would deploy onto each other: a port of the {@code process} target
     * (a slot or the stable port) or of a {@code compose} target's slot URL on this host, a service of the compose
     * file, or the objects of the {@code kubernetes} target (one namespace and name).
     */
    private static List<String> sharedDeployments(String name, Map<String, JsonNode> settings) {
        List<String> problems = new ArrayList<>();
        Map<String, String> owners = new LinkedHashMap<>();
        Set<String> pairs = new LinkedHashSet<>();
        settings.forEach((environment, application) -> {
            JsonNode target = application.path("target");
            String type = target.path("type").isString() ? target.path("type").asString() : "process";
            List<String> resources = new ArrayList<>();
            String remedy;
            if (type.equals("process")) {
                JsonNode process = target.path("process");
                process.path("slots").forEach(port -> resources.add("port " + port.asString()));
                if (!process.path("stable-port").isMissingNode()) {
                    resources.add("port " + process.path("stable-port").asString());
                }
                remedy = "give each environment its own target.process.slots and stable-port";
            } else if (type.equals("compose")) {
                JsonNode compose = target.path("compose");
                compose.path("slots").properties().forEach(slot -> {
                    portOf(slot.getValue().asString()).ifPresent(resources::add);
                    resources.add("the compose service " + service(compose, name, environment, slot.getKey()) + " of "
                            + compose.path("file").asString("?")
                            + (compose.path("project").isString()
                                    ? " (project " + compose.path("project").asString() + ")"
                                    : ""));
                });
                remedy = "give each environment its own target.compose.slots (ports) and services ({environment} in"
                        + " target.compose.service, or its own target.compose.project)";
            } else if (type.equals("kubernetes")) {
                JsonNode kubernetes = target.path("kubernetes");
                String namespace = kubernetes.path("namespace").isString()
                        ? kubernetes.path("namespace").asString()
                        : "default";
                String objects = kubernetes.path("name").isString()
                        ? kubernetes.path("name").asString()
                        : name;
                resources.add("the kubernetes objects " + namespace + "/" + objects);
                remedy = "give each environment its own target.kubernetes.namespace or name";
            } else {
                remedy = null; // a webhook's external system tells environments apart by the payload's environment
            }
            Map<String, String> remedies = new LinkedHashMap<>();
            resources.forEach(resource -> remedies.put(resource, "(target." + type + "); " + remedy));
            routerResources(name, application.path("router"), remedies);
            remedies.forEach((resource, why) -> {
                String owner = owners.putIfAbsent(resource, environment);
                if (owner != null && !owner.equals(environment) && pairs.add(owner + "/" + environment)) {
                    problems.add("application '" + name + "': environments '" + owner + "' and '" + environment
                            + "' share " + resource + " " + why);
                }
            });
        });
        return problems;
    }

    /**
     * What an nginx or HAProxy router of one environment writes to: its include file, or its backend on one HAProxy
     * (the application's name by default). Two environments writing the same one would route each other's traffic.
     */
    private static void routerResources(String name, JsonNode router, Map<String, String> remedies) {
        String type = router.path("type").asString("");
        if (type.equals("nginx") && router.path("nginx").path("include-file").isString()) {
            remedies.put(
                    "the nginx include file "
                            + router.path("nginx").path("include-file").asString(),
                    "(router.nginx); give each environment its own router.nginx.include-file (and upstream)");
        } else if (type.equals("haproxy")
                && router.path("haproxy").path("socket").isString()) {
            String backend = router.path("haproxy").path("backend").isString()
                    ? router.path("haproxy").path("backend").asString()
                    : name;
            remedies.put(
                    "the HAProxy backend " + backend + " at "
                            + router.path("haproxy").path("socket").asString(),
                    "(router.haproxy); give each environment its own router.haproxy.backend");
        }
    }

    /**
     * The port of a compose slot's URL as {@code port <n>} when it is on this host (the ports of process targets'
     * slots too), else {@code address <host>:<port>}; empty when the URL does not parse (the schema names it).
     */
    private static Optional<String> portOf(String url) {
        try {
            URI uri = new URI(url);
            String host = uri.getHost();
            if (host == null) {
                return Optional.empty();
            }
            int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            boolean local = host.equals("localhost")
                    || host.startsWith("127.")
                    || host.equals("[::1]")
                    || host.equals("0.0.0.0");
            return Optional.of(local ? "port " + port : "address " + host + ":" + port);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** A compose slot's service: {@code target.compose.service} (by default {@code {application}-{slot}}) filled in. */
    private static String service(JsonNode compose, String application, String environment, String slot) {
        JsonNode service = compose.path("service");
        return (service.isString() ? service.asString() : "{application}-{slot}")
                .replace("{application}", application)
                .replace("{environment}", environment)
                .replace("{slot}", slot);
    }

    /** Each cycle of {@code promotions} (environment to the one it promotes from), once. */
    private static List<String> promotionCycles(String name, Map<String, String> promotions) {
        List<String> problems = new ArrayList<>();
        Set<String> reported = new LinkedHashSet<>();
        for (String start : promotions.keySet()) {
            List<String> path = new ArrayList<>();
            String current = start;
            while (current != null && !path.contains(current) && !reported.contains(current)) {
                path.add(current);
                current = promotions.get(current);
            }
            if (current != null && path.contains(current) && !reported.contains(current)) {
                List<String> cycle = new ArrayList<>(path.subList(path.indexOf(current), path.size()));
                reported.addAll(cycle);
                if (cycle.size() > 1) { // one that promotes from itself is named on its own
                    cycle.add(current);
                    problems.add("application '" + name + "': key 'environments." + current
                            + ".promotion.from': promotions form a cycle (" + String.join(" from ", cycle) + ")");
                }
            }
            reported.addAll(path);
        }
        return problems;
    }

    /** The required keys {@code application}'s settings lack, each as {@code application '<name>': key '...': ...}. */
    private Set<String> requirements(String name, ObjectNode application) {
        ObjectNode document = JsonNodeFactory.instance.objectNode();
        document.putObject("relops").putObject("applications").set(name, application);
        Set<String> requirements = new LinkedHashSet<>();
        for (Error error : schema.validate(document)) {
            if ("required".equals(error.getKeyword())) {
                requirements.add(describe(error));
            }
        }
        return requirements;
    }

    /** {@code overrides} merged onto {@code settings}: sections key by key, recursively; lists and values replace. */
    private static ObjectNode merge(ObjectNode settings, ObjectNode overrides) {
        for (Map.Entry<String, JsonNode> override : overrides.properties()) {
            JsonNode value = override.getValue();
            JsonNode existing = settings.get(override.getKey());
            if (value.isNull()) {
                continue; // an empty section: nothing to override
            }
            if (existing instanceof ObjectNode section && value instanceof ObjectNode more) {
                merge(section, more);
            } else {
                settings.set(override.getKey(), value);
            }
        }
        return settings;
    }

    /** Throws {@link InvalidCatalogException} naming every problem of {@code file}. */
    public void check(Path file, UnaryOperator<String> resolver) {
        List<String> problems = problems(file, resolver);
        if (!problems.isEmpty()) {
            throw new InvalidCatalogException(file, problems);
        }
    }

    /** Nests dotted keys, resolves placeholders, and takes camelCase keys of the schema as kebab-case. */
    private JsonNode normalize(JsonNode node, UnaryOperator<String> resolver, boolean inCatalog) {
        if (node.isObject()) {
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                List<String> path = split(field.getKey());
                ObjectNode parent = result;
                for (int i = 0; i < path.size() - 1; i++) {
                    String key = key(path.get(i), inCatalog);
                    JsonNode child = parent.get(key);
                    if (!(child instanceof ObjectNode)) {
                        child = parent.putObject(key);
                    }
                    parent = (ObjectNode) child;
                }
                String last = key(path.get(path.size() - 1), inCatalog);
                JsonNode value = normalize(field.getValue(), resolver, true);
                JsonNode existing = parent.get(last);
                if (existing instanceof ObjectNode target && value instanceof ObjectNode more) {
                    target.setAll(more);
                } else {
                    parent.set(last, value);
                }
            }
            return result;
        }
        if (node.isArray()) {
            ArrayNode result = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> result.add(normalize(item, resolver, inCatalog)));
            return result;
        }
        if (node.isString() && node.asString().contains("${")) {
            return StringNode.valueOf(resolver.apply(node.asString()));
        }
        return node;
    }

    /** {@code a.b.[c.d]} as {@code a}, {@code b}, {@code c.d}. */
    private static List<String> split(String key) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean bracket = false;
        for (char c : key.toCharArray()) {
            if (c == '[' && part.isEmpty()) {
                bracket = true;
            } else if (c == ']' && bracket) {
                bracket = false;
            } else if (c == '.' && !bracket) {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return parts;
    }

    private String key(String key, boolean inCatalog) {
        if (!inCatalog) {
            return key;
        }
        Matcher camel = CAMEL.matcher(key);
        if (!camel.find()) {
            return key;
        }
        String kebab = camel.replaceAll("$1-$2").toLowerCase(java.util.Locale.ROOT);
        return knownKeys.contains(kebab) ? kebab : key;
    }

    /** One error as {@code application '<app>': key '<key>': <problem>}. */
    private String describe(Error error) {
        List<String> path = new ArrayList<>();
        NodePath location = error.getInstanceLocation();
        for (int i = 0; i < location.getNameCount(); i++) {
            Object element = location.getElement(i);
            path.add(element instanceof Integer index ? "[" + index + "]" : String.valueOf(element));
        }
        String keyword = error.getKeyword();
        if (("additionalProperties".equals(keyword) || "required".equals(keyword)) && error.getProperty() != null) {
            path.add(error.getProperty());
        }
        String where;
        if (path.size() >= 3 && path.get(0).equals("relops") && path.get(1).equals("applications")) {
            String key = join(path.subList(3, path.size()));
            where = "application '" + path.get(2) + "'" + (key.isEmpty() ? "" : ": key '" + key + "'");
        } else {
            where = "key '" + join(path) + "'";
        }
        return where + ": " + problem(error, keyword);
    }

    private static String join(List<String> path) {
        StringBuilder key = new StringBuilder();
        for (String part : path) {
            if (!key.isEmpty() && !part.startsWith("[")) {
                key.append('.');
            }
            key.append(part);
        }
        return key.toString();
    }

    private String problem(Error error, String keyword) {
        JsonNode value = error.getInstanceNode();
        String shown = value == null ? "" : "'" + (value.isString() ? value.asString() : value.toString()) + "'";
        String definition = definition(error);
        if (value != null && value.isString() && value.asString().contains("${")) {
            return shown + " has a placeholder that is not set";
        }
        return switch (keyword) {
            case "additionalProperties" -> "not a catalog key" + known(error);
            case "required" -> "is required" + requiredBecause(error);
            case "pattern" ->
                switch (definition) {
                    case "duration" -> shown + " is not a duration (e.g. 30s, 5m, PT1M)";
                    case "int" -> shown + " is not a whole number";
                    case "number" -> shown + " is not a number";
                    case "boolean" -> shown + " is not true or false";
                    default -> shown + " is not valid here (" + error.getMessage() + ")";
                };
            case "enum", "const" -> shown + " is not one of " + enumValues(error);
            case "type" -> shown + " is " + kind(value) + ", not " + expected(error, definition);
            case "minProperties" -> "is empty";
            default -> error.getMessage();
        };
    }

    /** The $defs entry the failing keyword belongs to, e.g. {@code duration}; empty when none. */
    private static String definition(Error error) {
        String location = String.valueOf(error.getSchemaLocation());
        Matcher defs = Pattern.compile("\\$defs/([^/]+)/[^/]+$").matcher(location);
        return defs.find() ? defs.group(1) : "";
    }

    /** The keys allowed where an unknown one was found: the {@code properties} beside {@code additionalProperties}. */
    private String known(Error error) {
        String location = String.valueOf(error.getSchemaLocation());
        int fragment = location.indexOf('#');
        if (fragment < 0 || !location.endsWith("/additionalProperties")) {
            return "";
        }
        String pointer = location.substring(fragment + 1, location.length() - "/additionalProperties".length());
        JsonNode properties = document.at(pointer + "/properties");
        return properties.isObject() ? " (known here: " + String.join(", ", properties.propertyNames()) + ")" : "";
    }

    /** Why a key is required when a conditional ({@code if type/driver is X then ...}) requires it. */
    private static String requiredBecause(Error error) {
        String location = String.valueOf(error.getSchemaLocation());
        if (location.contains("/then/")) {
            JsonNode object = error.getInstanceNode();
            for (String discriminator : List.of("type", "driver")) {
                if (object != null && object.has(discriminator)) {
                    return " (" + discriminator + ": "
                            + object.get(discriminator).asString() + ")";
                }
            }
            return " (by default type: " + (location.contains("$defs/probe/") ? "http" : "process") + ")";
        }
        return "";
    }

    private static String enumValues(Error error) {
        JsonNode schema = error.getSchemaNode();
        if (schema != null && schema.isArray()) {
            List<String> values = new ArrayList<>();
            schema.forEach(value -> values.add(value.asString()));
            return String.join(", ", values);
        }
        return schema == null ? "the values allowed" : schema.toString();
    }

    private static String kind(JsonNode value) {
        if (value == null) {
            return "nothing";
        }
        if (value.isObject()) {
            return "a section";
        }
        if (value.isArray()) {
            return "a list";
        }
        if (value.isNull()) {
            return "empty";
        }
        return value.isString() ? "text" : value.isBoolean() ? "true/false" : "a number";
    }

    private static String expected(Error error, String definition) {
        JsonNode schema = error.getSchemaNode();
        Map<String, String> names = new LinkedHashMap<>();
        names.put("object", "a section");
        names.put("array", "a list");
        names.put("string", "text");
        names.put("integer", "a whole number");
        names.put("number", "a number");
        names.put("boolean", "true/false");
        names.put("null", "empty");
        List<String> kinds = new ArrayList<>();
        if (schema != null && schema.isArray()) {
            schema.forEach(type -> kinds.add(names.getOrDefault(type.asString(), type.asString())));
        } else if (schema != null) {
            kinds.add(names.getOrDefault(schema.asString(), schema.asString()));
        }
        if (Set.of("duration", "int", "number", "boolean").contains(definition)) {
            return Map.of(
                            "duration",
                            "a duration",
                            "int",
                            "a whole number",
                            "number",
                            "a number",
                            "boolean",
                            "true/false")
                    .get(definition);
        }
        return String.join(" or ", kinds);
    }
}
