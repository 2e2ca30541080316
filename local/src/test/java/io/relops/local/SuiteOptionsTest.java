package io.relops.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code relops up --replicas}: parsing, validation and the ports of further instances. */
class SuiteOptionsTest {

    static SuiteOptions options(Map<String, Integer> replicas) {
        return new SuiteOptions(
                        Path.of("."),
                        Path.of(".relops"),
                        Path.of("config/catalog.yml"),
                        null,
                        9092,
                        null,
                        null,
                        15432,
                        SuiteOptions.DEFAULT_PORTS,
                        Map.of(),
                        Map.of())
                .withReplicas(replicas);
    }

    @Test
    void takesRepeatedAndCommaSeparatedValues() {
        Map<String, Integer> replicas =
                SuiteOptions.parseReplicas(List.of("deploy-service=2", "alert-service=3, backup-service=1"));

        assertThat(replicas)
                .containsExactly(
                        Map.entry("deploy-service", 2), Map.entry("alert-service", 3), Map.entry("backup-service", 1));
    }

    @Test
    void theLastCountOfAServiceWins() {
        assertThat(SuiteOptions.parseReplicas(List.of("deploy-service=2", "deploy-service=3")))
                .containsExactly(Map.entry("deploy-service", 3));
    }

    @Test
    void refusesAnUnknownServiceNamingTheKnownOnes() {
        assertThatThrownBy(() -> SuiteOptions.parseReplicas(List.of("deploy=2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--replicas deploy=2: no service deploy; services: audit-service,")
                .hasMessageContaining("deploy-service");
    }

    @Test
    void refusesCountsBelowOneAboveTheMaximumOrNotANumber() {
        assertThatThrownBy(() -> SuiteOptions.parseReplicas(List.of("deploy-service=0")))
                .hasMessage("--replicas deploy-service=0: the count must be 1 to 9, not 0");
        assertThatThrownBy(() -> SuiteOptions.parseReplicas(List.of("deploy-service=-1")))
                .hasMessage("--replicas deploy-service=-1: the count must be 1 to 9, not -1");
        assertThatThrownBy(() -> SuiteOptions.parseReplicas(List.of("deploy-service=10")))
                .hasMessage("--replicas deploy-service=10: the count must be 1 to 9, not 10");
        assertThatThrownBy(() -> SuiteOptions.parseReplicas(List.of("deploy-service=two")))
                .hasMessage("--replicas deploy-service=two: two is not a number");
    }

    @Test
    void refusesAValueWithoutACount() {
        for (String value : List.of("deploy-service", "deploy-service=", "=2", "deploy-service=2,")) {
            assertThatThrownBy(() -> SuiteOptions.parseReplicas(List.of(value)))
                    .as(value)
                    .hasMessageEndingWith(": expected SERVICE=N, e.g. deploy-service=2");
        }
    }

    @Test
    void furtherInstancesListenAHundredPortsApart() {
        SuiteOptions options = options(Map.of("deploy-service", 3));

        assertThat(options.ports("deploy-service")).containsExactly(8081, 8181, 8281);
        assertThat(options.ports("gateway-service")).containsExactly(8080);
        assertThat(options.replicas("alert-service")).isEqualTo(1);
    }

    @Test
    void optionsRefuseReplicasOfAServiceTheyDoNotRun() {
        assertThatThrownBy(() -> options(Map.of("nope-service", 2))).hasMessageContaining("no such service");
        assertThatThrownBy(() -> options(Map.of("deploy-service", 0))).hasMessageContaining("1 to 9");
    }
}
