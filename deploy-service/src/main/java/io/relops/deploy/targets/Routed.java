package io.relops.deploy.targets;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a router confirmed after a {@link TrafficRouter#route} call: the share of requests (percent) each slot now
 * gets, as the router reports it (read back from HAProxy, the weights written and accepted by {@code nginx -t}, the
 * replica ratio on Kubernetes...), and a note when they differ from what was asked (e.g. a replica ratio that can
 * only approximate a weight). {@code traffic.shifted} carries them.
 */
public record Routed(
        String router,
        Map<String, Integer> weights,
        @Nullable String note) {

    public Routed {
        weights = Map.copyOf(weights);
    }

    /** The router applied {@code traffic} exactly. */
    public static Routed exactly(String router, Traffic traffic) {
        return new Routed(router, weightsOf(traffic), null);
    }

    /** The share of each slot that {@code traffic} asks for (a slot with none is left out). */
    public static Map<String, Integer> weightsOf(Traffic traffic) {
        Map<String, Integer> weights = new LinkedHashMap<>();
        if (traffic.canarySlot() == null || traffic.canaryWeight() < 100) {
            weights.put(traffic.stableSlot(), 100 - traffic.canaryWeight());
        }
        if (traffic.canarySlot() != null && traffic.canaryWeight() > 0) {
            weights.merge(traffic.canarySlot(), traffic.canaryWeight(), Integer::sum);
        }
        return weights;
    }

    /** The share the router confirmed for {@code slot}: 0 when it gets none. */
    public int weightOf(String slot) {
        return weights.getOrDefault(slot, 0);
    }
}
