package io.relops.alert.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.alert.routing.AlertingProperties.DeliverySpec;
import io.relops.alert.routing.AlertingProperties.LogSpec;
import io.relops.alert.routing.AlertingProperties.ReceiverSpec;
import io.relops.alert.routing.AlertingProperties.RouteSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

class AlertmanagerConfigTest {

    @Test
    void writesDurationsInPrometheusSyntax() {
        assertThat(AlertmanagerConfig.duration(Duration.ofHours(4))).isEqualTo("4h");
        assertThat(AlertmanagerConfig.duration(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThat(AlertmanagerConfig.duration(Duration.ofMillis(1500))).isEqualTo("1s500ms");
        assertThat(AlertmanagerConfig.duration(Duration.ofDays(2).plusSeconds(1)))
                .isEqualTo("2d1s");
        assertThat(AlertmanagerConfig.duration(Duration.ZERO)).isEqualTo("0s");
    }

    /**
     * A route's matcher is written in Alertmanager's string form: a quote or a backslash in its value escaped, so that
     * Alertmanager's loader ({@code amtool check-config}) reads back the same matcher.
     */
    @Test
    void writesMatchersWithQuotesAndBackslashesEscaped() {
        String matcher = "note!=\"say \\\"hi\\\" C:\\\\dir\"";
        RouteSpec child = new RouteSpec("team", null, null, null, null, List.of(matcher), false, null, null, null);
        RouteSpec root = new RouteSpec("team", null, null, null, null, null, false, null, null, List.of(child));
        ReceiverSpec log = new ReceiverSpec(null, null, null, null, List.of(new LogSpec(true)));
        AlertingProperties properties = new AlertingProperties(
                "http://c",
                null,
                "http://e",
                Duration.ofSeconds(1),
                Duration.ofMinutes(5),
                root,
                Map.of("team", log),
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
                        Duration.ofSeconds(1)));

        String yaml = new AlertmanagerConfig(new RoutingTree(properties), properties).yaml();

        JsonNode written = YAMLMapper.builder()
                .build()
                .readTree(yaml)
                .path("route")
                .path("routes")
                .get(0)
                .path("matchers")
                .get(0);
        assertThat(written.asString()).isEqualTo(matcher);
        assertThat(Matcher.parse(written.asString()))
                .isEqualTo(new Matcher("note", "say \"hi\" C:\\dir", false, false));
    }
}
