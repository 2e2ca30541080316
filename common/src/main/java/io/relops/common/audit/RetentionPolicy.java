package io.relops.common.audit;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How long audit records are kept: a default period and periods per event type. Its canonical text, which a
 * retention checkpoint signs and the database's {@code audit_retention_policy} holds, is canonical JSON with the
 * periods in whole seconds: {@code {"default":157766400,"types":{"io.relops.health.verified":2592000}}}.
 *
 * @param defaultPeriod the period of a type without one of its own
 * @param types periods per event type name
 */
public record RetentionPolicy(Duration defaultPeriod, Map<String, Duration> types) {

    public RetentionPolicy {
        requireWholeSeconds("the default period", defaultPeriod);
        types.forEach((type, period) -> requireWholeSeconds("the period of " + type, period));
        types = Map.copyOf(new TreeMap<>(types));
    }

    private static void requireWholeSeconds(String what, Duration period) {
        if (period.isNegative() || period.getNano() != 0) {
            throw new IllegalArgumentException(what + " must be a non-negative whole number of seconds, was " + period);
        }
    }

    /** How long records of {@code type} are kept. */
    public Duration periodOf(String type) {
        return types.getOrDefault(type, defaultPeriod);
    }

    /** The canonical text (see the class comment). */
    public String canonical() {
        ObjectNode node = CanonicalJson.mapper().createObjectNode();
        node.put("default", defaultPeriod.getSeconds());
        ObjectNode typeNode = node.putObject("types");
        new TreeMap<>(types).forEach((type, period) -> typeNode.put(type, period.getSeconds()));
        return CanonicalJson.string(node);
    }

    /** Reads the canonical text back. */
    public static RetentionPolicy parse(String canonical) {
        JsonNode node = CanonicalJson.read(canonical);
        if (!node.path("default").canConvertToLong() || !node.path("types").isObject()) {
            throw new IllegalArgumentException("not a retention policy (default, types): " + canonical);
        }
        Map<String, Duration> types = new TreeMap<>();
        node.path("types")
                .properties()
                .forEach(e ->
                        types.put(e.getKey(), Duration.ofSeconds(e.getValue().asLong())));
        return new RetentionPolicy(Duration.ofSeconds(node.path("default").asLong()), types);
    }

    /**
     * Whether this policy keeps every type at least as long as {@code other} does (for every type either
     * names, and the default).
     */
    public boolean atLeastAsStrictAs(RetentionPolicy other) {
        if (defaultPeriod.compareTo(other.defaultPeriod) < 0) {
            return false;
        }
        for (String type : union(other)) {
            if (periodOf(type).compareTo(other.periodOf(type)) < 0) {
                return false;
            }
        }
        return true;
    }

    private java.util.Set<String> union(RetentionPolicy other) {
        java.util.Set<String> all = new java.util.TreeSet<>(types.keySet());
        all.addAll(other.types.keySet());
        return all;
    }
}
