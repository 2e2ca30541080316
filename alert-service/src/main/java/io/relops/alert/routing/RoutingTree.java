package io.relops.alert.routing;

import io.relops.alert.routing.AlertingProperties.InhibitRuleSpec;
import io.relops.alert.routing.AlertingProperties.RouteSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The routing tree built from {@code relops.alerting.route}: an alert enters at the root and
 * descends into the first child whose matchers all match, then into that child's children, and so
 * on; a child with {@code continue: true} lets matching go on with its next siblings. The deepest
 * matching nodes receive the alert; when no child matches, the node itself does (Alertmanager's
 * semantics).
 */
public final class RoutingTree {

    /** The built-in receiver without integrations: what routes to it is recorded, never sent. */
    public static final String BLACKHOLE = "blackhole";

    static final Duration DEFAULT_GROUP_WAIT = Duration.ofSeconds(30);
    static final Duration DEFAULT_GROUP_INTERVAL = Duration.ofMinutes(5);
    static final Duration DEFAULT_REPEAT_INTERVAL = Duration.ofHours(4);

    private final Route root;
    private final Map<String, Route> byId = new HashMap<>();
    private final List<InhibitRule> inhibitRules;

    public RoutingTree(AlertingProperties properties) {
        this(properties, List.of());
    }

    /** The tree of {@code properties} with {@code applicationRoutes} (from the catalog) first under the root. */
    public RoutingTree(AlertingProperties properties, List<RouteSpec> applicationRoutes) {
        Set<String> receivers =
                new java.util.HashSet<>(properties.receiversOrEmpty().keySet());
        receivers.add(BLACKHOLE);
        RouteSpec configured = properties.route();
        List<RouteSpec> children = new ArrayList<>(applicationRoutes);
        if (configured.routes() != null) {
            children.addAll(configured.routes());
        }
        RouteSpec spec = new RouteSpec(
                configured.receiver(),
                configured.groupBy(),
                configured.groupWait(),
                configured.groupInterval(),
                configured.repeatInterval(),
                configured.matchers(),
                configured.continueMatching(),
                configured.escalateTo(),
                configured.escalateAfter(),
                children);
        if (spec.receiver() == null) {
            throw new IllegalArgumentException("relops.alerting.route.receiver: the root route needs a receiver");
        }
        this.root = build("0", spec, null, receivers);
        this.inhibitRules = properties.inhibitRulesOrEmpty().stream()
                .map(RoutingTree::inhibitRule)
                .toList();
    }

    private Route build(String id, RouteSpec spec, @Nullable Route parent, Set<String> receivers) {
        String receiver = spec.receiver() != null ? spec.receiver() : parent == null ? null : parent.receiver();
        if (receiver == null || !receivers.contains(receiver)) {
            throw new IllegalArgumentException("route " + id + ": receiver '" + receiver
                    + "' is not defined under relops.alerting.receivers " + receivers);
        }
        if (spec.escalateTo() != null && !receivers.contains(spec.escalateTo())) {
            throw new IllegalArgumentException(
                    "route " + id + ": escalate-to '" + spec.escalateTo() + "' is not a defined receiver");
        }
        List<Matcher> matchers = new ArrayList<>();
        for (String text : spec.matchers() == null ? List.<String>of() : spec.matchers()) {
            try {
                matchers.add(Matcher.parse(text));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("route " + id + ": " + e.getMessage(), e);
            }
        }
        Route shell = new Route(
                id,
                receiver,
                spec.groupBy() != null ? List.copyOf(spec.groupBy()) : parent == null ? List.of() : parent.groupBy(),
                pick(spec.groupWait(), parent == null ? null : parent.groupWait(), DEFAULT_GROUP_WAIT),
                pick(spec.groupInterval(), parent == null ? null : parent.groupInterval(), DEFAULT_GROUP_INTERVAL),
                pick(spec.repeatInterval(), parent == null ? null : parent.repeatInterval(), DEFAULT_REPEAT_INTERVAL),
                List.copyOf(matchers),
                spec.continueMatching(),
                spec.escalateTo() != null ? spec.escalateTo() : parent == null ? null : parent.escalateTo(),
                spec.escalateAfter() != null ? spec.escalateAfter() : parent == null ? null : parent.escalateAfter(),
                List.of());
        List<Route> children = new ArrayList<>();
        List<RouteSpec> childSpecs = spec.routes() == null ? List.of() : spec.routes();
        for (int i = 0; i < childSpecs.size(); i++) {
            children.add(build(id + "." + i, childSpecs.get(i), shell, receivers));
        }
        Route route = new Route(
                shell.id(),
                shell.receiver(),
                shell.groupBy(),
                shell.groupWait(),
                shell.groupInterval(),
                shell.repeatInterval(),
                shell.matchers(),
                shell.continueMatching(),
                shell.escalateTo(),
                shell.escalateAfter(),
                List.copyOf(children));
        byId.put(route.id(), route);
        return route;
    }

    private static Duration pick(@Nullable Duration own, @Nullable Duration inherited, Duration fallback) {
        return own != null ? own : inherited != null ? inherited : fallback;
    }

    private static InhibitRule inhibitRule(InhibitRuleSpec spec) {
        return new InhibitRule(
                spec.sourceMatchers().stream().map(Matcher::parse).toList(),
                spec.targetMatchers().stream().map(Matcher::parse).toList(),
                spec.equal() == null ? List.of() : List.copyOf(spec.equal()));
    }

    public Route root() {
        return root;
    }

    /** The route with {@code id}, or the root when the configuration no longer has it. */
    public Route route(String id) {
        return byId.getOrDefault(id, root);
    }

    public List<InhibitRule> inhibitRules() {
        return inhibitRules;
    }

    /** The routes that receive an alert with {@code labels}. */
    public List<Route> match(Map<String, String> labels) {
        List<Route> matched = new ArrayList<>();
        match(root, labels, matched);
        return matched;
    }

    private static boolean match(Route node, Map<String, String> labels, List<Route> matched) {
        if (!Matcher.all(node.matchers(), labels)) {
            return false;
        }
        boolean childMatched = false;
        for (Route child : node.routes()) {
            if (match(child, labels, matched)) {
                childMatched = true;
                if (!child.continueMatching()) {
                    break;
                }
            }
        }
        if (!childMatched) {
            matched.add(node);
        }
        return true;
    }

    /** An inhibition rule with its matchers parsed. */
    public record InhibitRule(List<Matcher> source, List<Matcher> target, List<String> equal) {

        /**
         * Whether the firing {@code sourceLabels} mute an alert with {@code targetLabels}. As in Alertmanager:
         * an alert matching both the source and the target matchers is muted only by a source that is not itself a target, so an alert never inhibits
         * itself and two such alerts never inhibit each other.
         */
        public boolean inhibits(Map<String, String> sourceLabels, Map<String, String> targetLabels) {
            if (!Matcher.all(source, sourceLabels) || !Matcher.all(target, targetLabels)) {
                return false;
            }
            if (Matcher.all(source, targetLabels) && Matcher.all(target, sourceLabels)) {
                return false;
            }
            for (String name : equal) {
                if (!sourceLabels.getOrDefault(name, "").equals(targetLabels.getOrDefault(name, ""))) {
                    return false;
                }
            }
            return true;
        }
    }
}
