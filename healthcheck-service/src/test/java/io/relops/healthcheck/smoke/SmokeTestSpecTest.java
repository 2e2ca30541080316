package io.relops.healthcheck.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relops.healthcheck.probe.HealthCatalog;
import io.relops.healthcheck.probe.HealthCatalog.ApplicationHealth;
import io.relops.platform.catalog.EnvironmentCatalog;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.PlaceholdersResolver;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The catalog's smoke tests, bound as the service binds catalog.yml: checked at binding, named when refused. */
class SmokeTestSpecTest {

    private static final String TEST = "relops.applications.shop.health.smoke-tests[0].";

    @Test
    void bindsACommandWithItsDefaults() {
        SmokeTestSpec spec = bind(Map.of(
                        TEST + "name", "checkout",
                        TEST + "command[0]", "./smoke-test",
                        TEST + "command[1]", "{endpoint}"))
                .get(0);

        assertThat(spec.kind()).isEqualTo("command");
        assertThat(spec.command()).containsExactly("./smoke-test", "{endpoint}");
        assertThat(spec.at()).containsExactly("ready");
        assertThat(spec.beforeTraffic()).isTrue();
        assertThat(spec.atSteps()).isFalse();
        assertThat(spec.timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(spec.outputLines()).isEqualTo(20);
    }

    @Test
    void bindsAWebhookAndAJob() {
        List<SmokeTestSpec> specs = bind(Map.of(
                TEST + "name",
                "acceptance",
                TEST + "at",
                "ready,steps",
                TEST + "webhook.url",
                "http://acceptance.internal/run",
                "relops.applications.shop.health.smoke-tests[1].name",
                "job",
                "relops.applications.shop.health.smoke-tests[1].job.namespace",
                "shop",
                "relops.applications.shop.health.smoke-tests[1].job.template",
                "kind: Job"));

        assertThat(specs.get(0).kind()).isEqualTo("webhook");
        assertThat(specs.get(0).webhook().method()).isEqualTo("POST");
        assertThat(specs.get(0).atSteps()).isTrue();
        assertThat(specs.get(1).kind()).isEqualTo("job");
        assertThat(specs.get(1).job().namespace()).isEqualTo("shop");
    }

    @Test
    void refusesABadSmokeTestNamingItsSetting() {
        assertRefused(
                Map.of(TEST + "name", "checkout"),
                "SmokeTestSpec: health.smoke-tests[checkout]: set exactly one of command, webhook or job (0 are set)");
        assertRefused(
                Map.of(TEST + "name", "checkout", TEST + "command[0]", "true", TEST + "webhook.url", "http://x"),
                "smoke-tests[checkout]: set exactly one of command, webhook or job (2 are set)");
        assertRefused(
                Map.of(TEST + "name", "checkout", TEST + "command[0]", "true", TEST + "at", "ready,always"),
                "smoke-tests[checkout].at is [");
        assertRefused(
                Map.of(TEST + "name", "checkout", TEST + "command[0]", "true", TEST + "timeout", "0s"),
                "smoke-tests[checkout].timeout must be positive");
        assertRefused(
                Map.of(TEST + "name", "checkout", TEST + "command[0]", "true", TEST + "output-lines", "500"),
                "smoke-tests[checkout].output-lines is 500; it is 1..200");
        assertRefused(
                Map.of(TEST + "name", "checkout", TEST + "webhook.url", "http://x", TEST + "working-directory", "/"),
                "smoke-tests[checkout]: working-directory and environment apply to a command only");
        assertRefused(Map.of(TEST + "command[0]", "true"), "smoke-tests: every smoke test needs a name");
    }

    private static void assertRefused(Map<String, String> settings, String message) {
        assertThatThrownBy(() -> bind(settings))
                .hasMessageContaining("relops.applications.shop.health.smoke-tests[0]")
                .hasMessageContaining(message);
    }

    private static List<SmokeTestSpec> bind(Map<String, String> settings) {
        Map<String, String> properties = new HashMap<>(settings);
        properties.put("relops.applications.shop.health.allowed-hosts", "localhost");
        HealthCatalog catalog = new HealthCatalog(EnvironmentCatalog.bind(
                List.of(new MapConfigurationPropertySource(properties)),
                PlaceholdersResolver.NONE,
                ApplicationHealth.class));
        return catalog.health("shop", "prod").orElseThrow().smokeTestList();
    }
}
