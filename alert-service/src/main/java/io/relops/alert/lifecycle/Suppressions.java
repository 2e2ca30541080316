package io.relops.alert.lifecycle;

import io.relops.alert.routing.Matcher;
import io.relops.alert.routing.RoutingTree;
import io.relops.alert.routing.RoutingTree.InhibitRule;
import io.relops.alert.silence.Silence;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Why a firing alert is not notified now: the active silences that match it and the firing alerts that inhibit it
 * (an inhibition rule's source alert agreeing with it on the rule's {@code equal} labels). The flush leaves such an
 * alert out; the Alertmanager API shows it as {@code suppressed} with {@code silencedBy} and {@code inhibitedBy}.
 */
@Component
public class Suppressions {

    private final RoutingTree routing;
    private final AlertStore alerts;

    Suppressions(RoutingTree routing, AlertStore alerts) {
        this.routing = routing;
        this.alerts = alerts;
    }

    /** The silences (ids) and the inhibiting alerts (fingerprints) that suppress an alert; both empty: active. */
    public record Suppression(List<String> silencedBy, List<String> inhibitedBy) {

        public boolean suppressed() {
            return !silencedBy.isEmpty() || !inhibitedBy.isEmpty();
        }
    }

    /** Everything that suppresses {@code alert} now, given the {@code active} silences. */
    public Suppression of(StoredAlert alert, List<Silence> active, OffsetDateTime now) {
        return find(alert, active, now, false);
    }

    /** Whether anything suppresses {@code alert}: stops at the first silence or inhibiting alert. */
    public boolean muted(StoredAlert alert, List<Silence> active, OffsetDateTime now) {
        return find(alert, active, now, true).suppressed();
    }

    private Suppression find(StoredAlert alert, List<Silence> active, OffsetDateTime now, boolean first) {
        List<String> silencedBy = new ArrayList<>();
        for (Silence silence : active) {
            if (silence.mutes(alert.labels(), now)) {
                silencedBy.add(silence.id().toString());
                if (first) {
                    return new Suppression(silencedBy, List.of());
                }
            }
        }
        Set<String> inhibitedBy = new LinkedHashSet<>();
        for (InhibitRule rule : routing.inhibitRules()) {
            if (!Matcher.all(rule.target(), alert.labels())) {
                continue;
            }
            Map<String, String> equal = new LinkedHashMap<>();
            for (String name : rule.equal()) {
                String value = alert.labels().get(name);
                if (value != null) {
                    equal.put(name, value);
                }
            }
            for (StoredAlert source : alerts.firingWith(equal)) {
                if (rule.inhibits(source.labels(), alert.labels())) {
                    inhibitedBy.add(source.fingerprint());
                    if (first) {
                        return new Suppression(silencedBy, List.copyOf(inhibitedBy));
                    }
                }
            }
        }
        return new Suppression(silencedBy, List.copyOf(inhibitedBy));
    }
}
