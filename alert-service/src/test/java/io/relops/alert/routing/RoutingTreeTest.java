package io.relops.alert.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relops.alert.routing.AlertingProperties.DeliverySpec;
import io.relops.alert.routing.AlertingProperties.InhibitRuleSpec;
import io.relops.alert.routing.AlertingProperties.LogSpec;
import io.relops.alert.routing.AlertingProperties.ReceiverSpec;
import io.relops.alert.routing.AlertingProperties.RouteSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class RoutingTreeTest {

    private static final ReceiverSpec LOG = new ReceiverSpec(null, null, null, null, List.of(new LogSpec(true)));

    private static RouteSpec route(String receiver, List<String> matchers, boolean cont, List<RouteSpec> children) {
        return new RouteSpec(receiver, null, null, null, null, matchers, cont, null, null, children);
    }

    private static RoutingTree tree(RouteSpec root, List<InhibitRuleSpec> inhibit) {
        return new RoutingTree(new AlertingProperties(
                "http://c",
                null,
                "http://e",
                Duration.ofSeconds(1),
                Duration.ofMinutes(5),
                root,
                Map.of("default", LOG, "db", LOG, "pager", LOG, "audit", LOG),
                inhibit,
                new DeliverySpec(
                        3,
                        Duration.ofMillis(1),
                        50,
                        4,
                        Duration.ofSeconds(1),
                        10,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1))));
    }

    @Test
    void usesAlertmanagerDefaultsAndInheritsTimingDownTheTree() {
        RouteSpec child = new RouteSpec(
                "db",
                List.of("application"),
                Duration.ofSeconds(2),
                null,
                null,
                List.of("team=\"db\""),
                false,
                null,
                null,
                null);
        RoutingTree tree = tree(route("default", List.of(), false, List.of(child)), List.of());

        assertThat(tree.root().groupWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(tree.root().groupInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(tree.root().repeatInterval()).isEqualTo(Duration.ofHours(4));
        Route db = tree.match(Map.of("team", "db", "application", "x")).get(0);
        assertThat(db.receiver()).isEqualTo("db");
        assertThat(db.groupWait()).isEqualTo(Duration.ofSeconds(2));
        assertThat(db.groupInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(db.groupKey(Map.of("team", "db", "application", "x"))).isEqualTo("0.0:{application=\"x\"}");
    }

    @Test
    void theFirstMatchingChildWinsUnlessItContinues() {
        RoutingTree tree = tree(
                route(
                        "default",
                        List.of(),
                        false,
                        List.of(
                                route("audit", List.of("severity=~\"critical|warning\""), true, List.of()),
                                route("pager", List.of("severity=\"critical\""), false, List.of()),
                                route("db", List.of("severity=\"critical\""), false, List.of()))),
                List.of());

        assertThat(tree.match(Map.of("severity", "critical")))
                .extracting(Route::receiver)
                .containsExactly("audit", "pager");
        assertThat(tree.match(Map.of("severity", "warning")))
                .extracting(Route::receiver)
                .containsExactly("audit");
        assertThat(tree.match(Map.of("severity", "info")))
                .extracting(Route::receiver)
                .containsExactly("default");
    }

    @Test
    void matchersFollowAlertmanagerSyntaxAndAnchorRegularExpressions() {
        assertThat(Matcher.parse("app=~\"demo.*\"").matches(Map.of("app", "demo-app")))
                .isTrue();
        assertThat(Matcher.parse("app=~\"demo\"").matches(Map.of("app", "demo-app")))
                .isFalse();
        assertThat(Matcher.parse("app!=demo").matches(Map.of())).isTrue();
        assertThat(Matcher.parse("env!~\"prod|staging\"").matches(Map.of("env", "prod")))
                .isFalse();
        assertThatThrownBy(() -> Matcher.parse("not a matcher")).hasMessageContaining("is not a matcher");
        assertThatThrownBy(() -> Matcher.parse("a=~\"(\"")).hasMessageContaining("invalid regular expression");
    }

    @Test
    void refusesARouteToAnUndefinedReceiver() {
        assertThatThrownBy(() -> tree(route("nobody", List.of(), false, List.of()), List.of()))
                .hasMessageContaining("receiver 'nobody' is not defined");
    }

    @Test
    void aCriticalAlertInhibitsWarningsOfTheSameApplicationOnly() {
        RoutingTree tree = tree(
                route("default", List.of(), false, List.of()),
                List.of(new InhibitRuleSpec(
                        List.of("severity=\"critical\""), List.of("severity=\"warning\""), List.of("application"))));
        var rule = tree.inhibitRules().get(0);

        assertThat(rule.inhibits(
                        Map.of("severity", "critical", "application", "a"),
                        Map.of("severity", "warning", "application", "a")))
                .isTrue();
        assertThat(rule.inhibits(
                        Map.of("severity", "critical", "application", "a"),
                        Map.of("severity", "warning", "application", "b")))
                .isFalse();
    }

    @Test
    void anAlertMatchingBothSidesOfARuleInhibitsNeitherItselfNorItsLikesButIsInhibitedByAPureSource() {
        // source: every critical alert; target: every alert of team db (critical ones too)
        RoutingTree tree = tree(
                route("default", List.of(), false, List.of()),
                List.of(new InhibitRuleSpec(
                        List.of("severity=\"critical\""), List.of("team=\"db\""), List.of("application"))));
        var rule = tree.inhibitRules().get(0);
        Map<String, String> dbCritical = Map.of("severity", "critical", "team", "db", "application", "a");
        Map<String, String> otherDbCritical =
                Map.of("severity", "critical", "team", "db", "application", "a", "instance", "2");
        Map<String, String> webCritical = Map.of("severity", "critical", "team", "web", "application", "a");

        assertThat(rule.inhibits(dbCritical, dbCritical)).as("itself").isFalse();
        assertThat(rule.inhibits(otherDbCritical, dbCritical))
                .as("two alerts on both sides do not mute each other")
                .isFalse();
        assertThat(rule.inhibits(webCritical, dbCritical))
                .as("a source that is no target mutes it")
                .isTrue();
        assertThat(rule.inhibits(dbCritical, Map.of("severity", "warning", "team", "db", "application", "a")))
                .as("a two-sided alert still mutes a pure target")
                .isTrue();
    }

    @Test
    void catalogApplicationRoutesComeFirstAndMatchTheirApplication() {
        AlertCatalog catalog = AlertCatalog.of(new MapConfigurationPropertySource(Map.of(
                "relops.applications.billing.alerts.receiver", "pager",
                "relops.applications.billing.alerts.group-wait", "5s",
                "relops.applications.quiet-app.strategy", "canary")));
        RoutingTree tree = tree(catalog);

        Route billing = tree.match(Map.of("application", "billing")).get(0);
        assertThat(billing.receiver()).isEqualTo("pager");
        assertThat(billing.groupWait()).isEqualTo(Duration.ofSeconds(5));
        assertThat(tree.match(Map.of("application", "other")))
                .extracting(Route::receiver)
                .containsExactly("db");
    }

    @Test
    void anAlertOfAnEnvironmentTakesThatEnvironmentsRouteMergedOntoTheApplications() {
        AlertCatalog catalog = AlertCatalog.of(new MapConfigurationPropertySource(Map.of(
                "relops.applications.billing.alerts.receiver", "db",
                "relops.applications.billing.alerts.group-wait", "5s",
                "relops.applications.billing.environments.production.alerts.receiver", "pager",
                "relops.applications.billing.environments.staging.approval.required", "false")));
        RoutingTree tree = tree(catalog);

        Route production = tree.match(Map.of("application", "billing", "environment", "production"))
                .get(0);
        assertThat(production.receiver()).isEqualTo("pager");
        assertThat(production.groupWait()).as("the application's, inherited").isEqualTo(Duration.ofSeconds(5));
        assertThat(tree.match(Map.of("application", "billing", "environment", "staging")))
                .extracting(Route::receiver)
                .containsExactly("db");
        assertThat(tree.match(Map.of("application", "billing")))
                .as("an alert without an environment label")
                .extracting(Route::receiver)
                .containsExactly("db");
        assertThat(catalog.routes()).hasSize(2);
    }

    private static RoutingTree tree(AlertCatalog catalog) {
        return new RoutingTree(
                new AlertingProperties(
                        "http://c",
                        null,
                        "http://e",
                        Duration.ofSeconds(1),
                        Duration.ofMinutes(5),
                        route("default", List.of(), false, List.of(route("db", List.of(), false, List.of()))),
                        Map.of("default", LOG, "db", LOG, "pager", LOG),
                        List.of(),
                        new DeliverySpec(
                                3,
                                Duration.ofMillis(1),
                                50,
                                4,
                                Duration.ofSeconds(1),
                                10,
                                Duration.ofSeconds(1),
                                Duration.ofSeconds(1),
                                Duration.ofSeconds(1))),
                catalog.routes());
    }
}
