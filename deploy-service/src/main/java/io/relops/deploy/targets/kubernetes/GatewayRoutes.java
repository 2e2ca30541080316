package io.relops.deploy.targets.kubernetes;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRefBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatchBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatchBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRuleBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteSpec;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteSpecBuilder;
import io.relops.deploy.catalog.DeployCatalog.MatchSpec;
import io.relops.deploy.targets.DeploymentFailedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The edit relops makes to the HTTPRoute {@code <app>} (Gateway API): only the backendRefs it owns (the Services
 * {@code <app>}, {@code <app>-blue}, {@code <app>-green}) change; hostnames, parentRefs, the user's other rules, their
 * matches and filters, and backendRefs to other Services stay as they are. With the catalog's {@code router.match}
 * and a canary slot, a rule relops owns (named {@value #MATCH_RULE}, placed first) sends the requests that carry the
 * header (or cookie) to the canary slot's Service. Pure functions: no cluster.
 */
final class GatewayRoutes {

    /** The name of the header-match rule relops owns (a second weighted rule's is {@code <name>-2}, …). */
    static final String MATCH_RULE = "relops-canary-match";

    private GatewayRoutes() {}

    /**
     * The rules of a route relops creates: one catch-all rule with the weighted slot Services, and the header-match
     * rule when there is a {@code canarySlot} and a {@code match}.
     */
    static List<HTTPRouteRule> created(
            String application,
            int port,
            Map<String, Integer> weights,
            @Nullable String canarySlot,
            @Nullable MatchSpec match) {
        HTTPRouteRule weighted = new HTTPRouteRuleBuilder()
                .withBackendRefs(slotRefs(application, port, weights, null))
                .build();
        List<HTTPRouteRule> rules = new ArrayList<>();
        if (canarySlot != null && match != null) {
            rules.add(matchRule(application, port, weighted, canarySlot, match, MATCH_RULE));
        }
        rules.add(weighted);
        return rules;
    }

    /**
     * A copy of {@code current} with the slot Services weighted as {@code weights} (slot to percent; a slot without weight is left
     * out) in every rule that sends to a Service relops owns, and the header-match rule (present only with {@code
     * canarySlot} and {@code match}; without a canary slot, {@code match} still identifies an old one to remove).
     *
     * @throws DeploymentFailedException when no rule sends to a Service relops owns: relops will not guess which
     *     of the user's rules carries the application
     */
    static HTTPRouteSpec edited(
            HTTPRouteSpec current,
            String application,
            int port,
            Map<String, Integer> weights,
            @Nullable String canarySlot,
            @Nullable MatchSpec match,
            String route) {
        Set<String> owned = KubernetesTarget.ownedServices(application);
        List<HTTPRouteRule> kept = new ArrayList<>();
        List<HTTPRouteRule> matchRules = new ArrayList<>();
        boolean any = false;
        for (HTTPRouteRule rule : current.getRules() == null ? List.<HTTPRouteRule>of() : current.getRules()) {
            if (isMatchRule(rule, owned, match)) {
                continue; // rebuilt below, or removed
            }
            List<HTTPBackendRef> refs = rule.getBackendRefs() == null ? List.of() : rule.getBackendRefs();
            if (refs.stream().noneMatch(ref -> isOwned(ref, owned))) {
                kept.add(rule);
                continue;
            }
            any = true;
            List<HTTPBackendRef> edited = new ArrayList<>();
            boolean placed = false;
            for (HTTPBackendRef ref : refs) {
                if (!isOwned(ref, owned)) {
                    edited.add(ref);
                } else if (!placed) {
                    edited.addAll(slotRefs(application, port, weights, ref));
                    placed = true;
                }
            }
            HTTPRouteRule weighted =
                    new HTTPRouteRuleBuilder(rule).withBackendRefs(edited).build();
            kept.add(weighted);
            if (canarySlot != null && match != null) {
                String name = matchRules.isEmpty() ? MATCH_RULE : MATCH_RULE + "-" + (matchRules.size() + 1);
                matchRules.add(matchRule(application, port, weighted, canarySlot, match, name));
            }
        }
        if (!any) {
            throw new DeploymentFailedException("the HTTPRoute " + route + " exists but none of its rules sends to the"
                    + " Service " + String.join(", ", owned.stream().sorted().toList())
                    + ": add a backendRef to the Service " + application + " in the rule relops should weight");
        }
        List<HTTPRouteRule> rules = new ArrayList<>(matchRules);
        rules.addAll(kept);
        return new HTTPRouteSpecBuilder(current).withRules(rules).build();
    }

    /** The header condition of {@code match}: the header's exact value, or a cookie found in the Cookie header. */
    static HTTPHeaderMatch headerMatch(MatchSpec match) {
        if (match.header() != null) {
            return new HTTPHeaderMatchBuilder()
                    .withType("Exact")
                    .withName(match.header())
                    .withValue(match.value())
                    .build();
        }
        String cookie = String.valueOf(match.cookie());
        return new HTTPHeaderMatchBuilder()
                .withType("RegularExpression")
                .withName("Cookie")
                .withValue("(^|.*;\\s*)" + escape(cookie) + "=" + escape(match.value()) + "(;.*|$)")
                .build();
    }

    private static String escape(String text) {
        // the catalog allows [A-Za-z0-9._~-] in names and values: only '.' means something in a regular expression
        return text.replace(".", "\\.");
    }

    /** A copy of {@code weighted} whose every match also needs the header, sending to the canary slot only. */
    private static HTTPRouteRule matchRule(
            String application, int port, HTTPRouteRule weighted, String canarySlot, MatchSpec match, String name) {
        HTTPHeaderMatch header = headerMatch(match);
        List<HTTPRouteMatch> matches = new ArrayList<>();
        if (weighted.getMatches() == null || weighted.getMatches().isEmpty()) {
            matches.add(new HTTPRouteMatchBuilder().withHeaders(header).build());
        } else {
            for (HTTPRouteMatch m : weighted.getMatches()) {
                matches.add(new HTTPRouteMatchBuilder(m).addToHeaders(header).build());
            }
        }
        return new HTTPRouteRuleBuilder(weighted)
                .withName(name)
                .withMatches(matches)
                .withBackendRefs(new HTTPBackendRefBuilder()
                        .withName(KubernetesTarget.slotName(application, canarySlot))
                        .withPort(port)
                        .build())
                .build();
    }

    /**
     * Whether relops wrote {@code rule}: named so, or (where the cluster's Gateway API drops rule names) sending only
     * to its Services and only for requests with the catalog's header condition.
     */
    private static boolean isMatchRule(HTTPRouteRule rule, Set<String> owned, @Nullable MatchSpec match) {
        if (rule.getName() != null && rule.getName().startsWith(MATCH_RULE)) {
            return true;
        }
        if (match == null || rule.getMatches() == null || rule.getMatches().isEmpty()) {
            return false;
        }
        HTTPHeaderMatch header = headerMatch(match);
        List<HTTPBackendRef> refs = rule.getBackendRefs() == null ? List.of() : rule.getBackendRefs();
        return !refs.isEmpty()
                && refs.stream().allMatch(ref -> isOwned(ref, owned))
                && rule.getMatches().stream()
                        .allMatch(m -> m.getHeaders() != null
                                && m.getHeaders().stream()
                                        .anyMatch(h -> header.getName().equalsIgnoreCase(h.getName())
                                                && header.getValue().equals(h.getValue())));
    }

    private static List<HTTPBackendRef> slotRefs(
            String application, int port, Map<String, Integer> weights, @Nullable HTTPBackendRef replaced) {
        List<HTTPBackendRef> refs = new ArrayList<>();
        for (String slot : KubernetesTarget.SLOTS) {
            Integer weight = weights.get(slot);
            if (weight != null && weight > 0) {
                refs.add(new HTTPBackendRefBuilder()
                        .withName(KubernetesTarget.slotName(application, slot))
                        .withPort(port)
                        .withWeight(weight)
                        .withFilters(replaced == null ? null : replaced.getFilters())
                        .build());
            }
        }
        return refs;
    }

    /** A backendRef to a Service of the route's namespace that relops owns. */
    private static boolean isOwned(HTTPBackendRef ref, Set<String> owned) {
        boolean service = (ref.getKind() == null || "Service".equals(ref.getKind()))
                && (ref.getGroup() == null || ref.getGroup().isEmpty());
        return service && ref.getNamespace() == null && owned.contains(ref.getName());
    }
}
