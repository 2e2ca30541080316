package io.relops.healthcheck.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relops.healthcheck.judge.JudgeSpec.Direction;
import io.relops.healthcheck.judge.JudgeSpec.JudgedMetric;
import io.relops.healthcheck.probe.HealthCatalog;
import io.relops.healthcheck.probe.HealthCatalog.ApplicationHealth;
import io.relops.platform.catalog.EnvironmentCatalog;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** {@code health.judge} as the catalog binds it: the defaults, and a bad setting stopping the binding with its name. */
class JudgeSpecBindingTest {

    private static final String JUDGE = "relops.applications.shop.health.judge.";

    private static HealthCatalog bind(Map<String, String> properties) {
        return new HealthCatalog(EnvironmentCatalog.bind(
                List.of(new MapConfigurationPropertySource(properties)), value -> value, ApplicationHealth.class));
    }

    private static Map<String, String> oneMetric() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(JUDGE + "metrics[0].name", "latency");
        properties.put(JUDGE + "metrics[0].query", "latency{instance=\"{host}:{port}\"}");
        return properties;
    }

    @Test
    void bindsTheDocumentedDefaults() {
        JudgeSpec judge =
                bind(oneMetric()).health("shop", "production").orElseThrow().judge();

        assertThat(judge).isNotNull();
        assertThat(judge.window()).isEqualTo(Duration.ofSeconds(60));
        assertThat(judge.resolution()).isEqualTo(Duration.ofSeconds(5));
        assertThat(judge.pass()).isEqualTo(95);
        assertThat(judge.marginal()).isEqualTo(75);
        assertThat(judge.timeout()).isEqualTo(Duration.ofSeconds(10));
        JudgedMetric latency = judge.metricList().get(0);
        assertThat(latency.badDirection()).isEqualTo(Direction.INCREASE);
        assertThat(latency.weight()).isEqualTo(1);
        assertThat(latency.alpha()).isEqualTo(0.05);
        assertThat(latency.tolerance()).isEqualTo(0.1);
        assertThat(latency.minSamples()).isEqualTo(5);
        assertThat(latency.critical()).isFalse();
        assertThat(latency.unit()).isEmpty();
    }

    @Test
    void aBadSettingStopsTheBindingNamingTheApplicationAndTheSetting() {
        Map<String, String> properties = oneMetric();
        properties.put(JUDGE + "pass", "70");

        assertThatThrownBy(() -> bind(properties))
                .hasMessageContaining("application 'shop'")
                .rootCause()
                .hasMessage("health.judge.pass (70) and marginal (75) are scores with 0 <= marginal <= pass <= 100");
    }
}
