package io.relops.alert.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * The routing configuration as an Alertmanager configuration file ({@code alertmanager.yml}), for {@code GET
 * /api/v2/status}: the tree with the catalog's routes (a value is written where it differs from the parent's),
 * the receivers by name, the inhibition rules and the resolve timeout. The receivers' integrations are left out:
 * their URLs and keys are secrets. relops' own settings without an Alertmanager equivalent (escalation) are left
 * out too, so that Alertmanager's tools can load the file.
 */
public final class AlertmanagerConfig {

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
            .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
            .build();

    private final RoutingTree routing;
    private final AlertingProperties properties;

    public AlertmanagerConfig(RoutingTree routing, AlertingProperties properties) {
        this.routing = routing;
        this.properties = properties;
    }

    /** Every receiver a route may name, sorted; {@value RoutingTree#BLACKHOLE} (built in) among them. */
    public List<String> receivers() {
        TreeSet<String> names = new TreeSet<>(properties.receiversOrEmpty().keySet());
        names.add(RoutingTree.BLACKHOLE);
        return List.copyOf(names);
    }

    public String yaml() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("global", Map.of("resolve_timeout", duration(properties.resolveTimeout())));
        config.put("route", route(routing.root(), null));
        config.put(
                "receivers",
                receivers().stream().map(name -> Map.of("name", name)).toList());
        List<Map<String, Object>> inhibitRules = new ArrayList<>();
        for (AlertingProperties.InhibitRuleSpec rule : properties.inhibitRulesOrEmpty()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("source_matchers", rule.sourceMatchers());
            r.put("target_matchers", rule.targetMatchers());
            if (rule.equal() != null) {
                r.put("equal", rule.equal());
            }
            inhibitRules.add(r);
        }
        if (!inhibitRules.isEmpty()) {
            config.put("inhibit_rules", inhibitRules);
        }
        return YAML.writeValueAsString(config);
    }

    private static Map<String, Object> route(Route route, @Nullable Route parent) {
        Map<String, Object> r = new LinkedHashMap<>();
        if (parent == null || !route.receiver().equals(parent.receiver())) {
            r.put("receiver", route.receiver());
        }
        if (parent == null ? !route.groupBy().isEmpty() : !route.groupBy().equals(parent.groupBy())) {
            r.put("group_by", route.groupBy());
        }
        if (!route.matchers().isEmpty()) {
            r.put("matchers", route.matchers().stream().map(Matcher::toString).toList());
        }
        if (route.continueMatching()) {
            r.put("continue", true);
        }
        putDuration(r, "group_wait", route.groupWait(), parent == null ? null : parent.groupWait());
        putDuration(r, "group_interval", route.groupInterval(), parent == null ? null : parent.groupInterval());
        putDuration(r, "repeat_interval", route.repeatInterval(), parent == null ? null : parent.repeatInterval());
        if (!route.routes().isEmpty()) {
            r.put(
                    "routes",
                    route.routes().stream().map(child -> route(child, route)).toList());
        }
        return r;
    }

    private static void putDuration(
            Map<String, Object> route, String key, Duration value, @Nullable Duration inherited) {
        if (!value.equals(inherited)) {
            route.put(key, duration(value));
        }
    }

    /** Prometheus' duration syntax: {@code 4h}, {@code 1h30m}, {@code 500ms}. */
    static String duration(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder text = new StringBuilder();
        long[] amounts = {d.toDays(), d.toHoursPart(), d.toMinutesPart(), d.toSecondsPart(), d.toMillisPart()};
        String[] units = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < amounts.length; i++) {
            if (amounts[i] != 0) {
                text.append(amounts[i]).append(units[i]);
            }
        }
        return text.toString();
    }
}
