package io.relops.alert.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

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
}
