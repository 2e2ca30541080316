package io.relops.deploy.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.deploy.catalog.DeployCatalog.ApplicationSpec;
import io.relops.deploy.catalog.DeployCatalog.ProcessSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;

/** What a release of each environment uses: the environment's effective settings, and every declared environment. */
class DeployCatalogTest {

    static final String APP = "relops.applications.shop.";

    final DeployCatalog catalog = DeployCatalog.of(new MapConfigurationPropertySource(Map.of(
            APP + "strategy", "blue-green",
            APP + "target.process.command[0]", "java",
            APP + "target.process.slots.blue", "9001",
            APP + "target.process.slots.green", "9002",
            APP + "target.process.stable-port", "9000",
            APP + "environments.qa.target.process.stable-port", "9300",
            APP + "environments.prod.approval.required", "true",
            APP + "environments.prod.strategy", "canary",
            APP + "environments.prod.canary.steps[0].weight", "100",
            APP + "environments.prod.progress-deadlines.verify", "9m")));

    @Test
    void anEnvironmentThatOnlyOverridesIsDeclared() {
        ApplicationSpec qa = catalog.application("shop", "qa").orElseThrow();

        assertThat(catalog.environments("shop")).containsExactlyInAnyOrder("qa", "prod");
        assertThat(qa.hasEnvironment("qa")).isTrue();
        assertThat(catalog.application("shop").orElseThrow().hasEnvironment("qa"))
                .isTrue();
        assertThat(qa.approval("qa").required()).isFalse();
        assertThat(qa.target().process().stablePort()).isEqualTo(9300);
        assertThat(qa.target().process().slots()).containsOnly(Map.entry("blue", 9001), Map.entry("green", 9002));
    }

    @Test
    void aReleaseOfAnEnvironmentGetsItsEffectiveSettingsAndItsApproval() {
        ApplicationSpec prod = catalog.application("shop", "prod").orElseThrow();

        assertThat(prod.strategy()).isEqualTo("canary");
        assertThat(prod.canary().stepsOrDefault())
                .extracting(DeployCatalog.CanaryStep::weight)
                .containsExactly(100);
        assertThat(prod.progressDeadlines().verify()).isEqualTo(Duration.ofMinutes(9));
        assertThat(prod.progressDeadlines().deploy()).as("the default").isEqualTo(Duration.ofMinutes(5));
        assertThat(prod.approval("prod").required()).isTrue();
        assertThat(prod.target().process().stablePort()).isEqualTo(9000);
        assertThat(catalog.application("shop", "undeclared")).isEqualTo(catalog.application("shop"));
        assertThat(catalog.application("shop").orElseThrow().strategy()).isEqualTo("blue-green");
    }

    /** The local default (config/catalog.yml) as deploy-service binds it, without the DEMO_APP_* variables set. */
    @Test
    void theLocalDefaultRunsDemoAppThreeTimesOverOnItsOwnPorts() throws IOException {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        new YamlPropertySourceLoader()
                .load("catalog", new FileSystemResource(Path.of("..", "config", "catalog.yml")))
                .forEach(environment.getPropertySources()::addLast);
        DeployCatalog local = DeployCatalog.of(environment);

        ProcessSpec application =
                local.application("demo-app").orElseThrow().target().process();
        ProcessSpec staging =
                local.application("demo-app", "staging").orElseThrow().target().process();
        ProcessSpec production = local.application("demo-app", "production")
                .orElseThrow()
                .target()
                .process();
        assertThat(local.application("demo-app", "local").orElseThrow().target().process())
                .isEqualTo(application);
        assertThat(application.slots()).containsOnly(Map.entry("blue", 9001), Map.entry("green", 9002));
        assertThat(application.stablePort()).isEqualTo(9000);
        assertThat(staging.slots()).containsOnly(Map.entry("blue", 9101), Map.entry("green", 9102));
        assertThat(staging.stablePort()).isEqualTo(9100);
        assertThat(staging.command()).last().isEqualTo("--data-dir=.relops/demo-app-staging");
        assertThat(production.slots()).containsOnly(Map.entry("blue", 9201), Map.entry("green", 9202));
        assertThat(production.stablePort()).isEqualTo(9200);
        assertThat(production.command()).last().isEqualTo("--data-dir=.relops/demo-app-production");
        assertThat(application.command()).last().isEqualTo("--data-dir=.relops/demo-app");
        assertThat(production.readyTimeout()).isEqualTo(application.readyTimeout());
        assertThat(local.application("demo-app", "production")
                        .orElseThrow()
                        .approval("production")
                        .required())
                .isTrue();
        assertThat(local.application("demo-app", "staging")
                        .orElseThrow()
                        .approval("staging")
                        .required())
                .isFalse();
    }
}
