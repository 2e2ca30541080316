package io.relops.alert.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A node of the routing tree with every setting resolved (inherited from its parent where unset).
 * {@code id} is its path in the tree ({@code 0}, {@code 0.1}, {@code 0.1.0}); a group key is the
 * route id with the values of the {@code groupBy} labels.
 */
public record Route(
        String id,
        String receiver,
        List<String> groupBy,
        Duration groupWait,
        Duration groupInterval,
        Duration repeatInterval,
        List<Matcher> matchers,
        boolean continueMatching,
        @Nullable String escalateTo,
        @Nullable Duration escalateAfter,
        List<Route> routes) {

    /** {@code group_by: ['...']} groups by all labels, as in Alertmanager. */
    public boolean groupsByAll() {
        return groupBy.contains("...");
    }

    /** The labels an alert is grouped by on this route. */
    public Map<String, String> groupLabels(Map<String, String> labels) {
        Map<String, String> group = new TreeMap<>();
        if (groupsByAll()) {
            group.putAll(labels);
            return group;
        }
        for (String name : groupBy) {
            String value = labels.get(name);
            if (value != null) {
                group.put(name, value);
            }
        }
        return group;
    }

    /** Alertmanager's group key shape: {@code <route id>:{name="value", ...}}. */
    public String groupKey(Map<String, String> labels) {
        StringBuilder key = new StringBuilder(id).append(":{");
        boolean first = true;
        for (Map.Entry<String, String> e : groupLabels(labels).entrySet()) {
            if (!first) {
                key.append(", ");
            }
            key.append(e.getKey()).append("=\"").append(e.getValue()).append('"');
            first = false;
        }
        return key.append('}').toString();
    }
}
