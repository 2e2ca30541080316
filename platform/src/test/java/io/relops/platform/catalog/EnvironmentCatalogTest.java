package io.relops.platform.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;

/** A service's catalog type bound per application and environment: what merges, what replaces, what is inherited. */
class EnvironmentCatalogTest {

    /** A service's own type for one application, as deploy-service and healthcheck-service have theirs. */
    record App(
            @Nullable Map<String, Env> environments,
            @DefaultValue("blue-green") String strategy,
            @Nullable Target target,
            @DefaultValue Health health) {}

    record Env(@Nullable Approval approval) {}

    record Approval(boolean required) {}

    record Target(
            @DefaultValue("process") String type, @Nullable Process process) {}

    record Process(
            List<String> command,
            Map<String, Integer> slots,
            int stablePort,
            @Nullable Duration readyTimeout,
            @Nullable Map<String, String> environment) {}

    record Health(
            @Nullable List<Probe> probes,
            @DefaultValue List<String> allowedHosts,
            @DefaultValue("1s") Duration interval) {}

    record Probe(
            String name,
            @Nullable String url,
            @DefaultValue("2s") Duration timeout) {}

    static final String CATALOG = """
            relops:
              applications:
                demo-app:
                  environments:
                    local:
                      approval:
                        required: false
                    staging:
                      target:
                        process:
                          slots:
                            blue: ${STAGING_BLUE_PORT:9101}
                          stable-port: ${STAGING_PORT:9100}
                          environment:
                            REGION: eu-west
                      health:
                        probes:
                          - name: ready
                            url: "{endpoint}/ready"
                        allowed-hosts: [staging.example.com]
                    production:
                      approval:
                        required: true
                      strategy: canary
                      health:
                        probes: []
                        interval: 5s
                      target: {}
                  target:
                    process:
                      command: [java, -jar, demo-app.jar]
                      slots:
                        blue: 9001
                        green: 9002
                      stable-port: 9000
                      ready-timeout: 30s
                      environment:
                        JAVA_OPTS: -Xmx64m
                        REGION: eu
                  health:
                    probes:
                      - name: health
                        url: "{endpoint}/health"
                        timeout: 1s
                      - name: port
                    allowed-hosts: [127.0.0.1, localhost]
                shop:
                  strategy: canary
            """;

    StandardEnvironment environment = new StandardEnvironment();

    EnvironmentCatalog<App> bind(String yaml, Map<String, Object> variables) throws IOException {
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        environment
                .getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
        List<PropertySource<?>> catalog = new YamlPropertySourceLoader()
                .load("catalog", new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8)));
        catalog.forEach(environment.getPropertySources()::addLast);
        return EnvironmentCatalog.bind(environment, App.class);
    }

    EnvironmentCatalog<App> bind(String yaml) throws IOException {
        return bind(yaml, Map.of());
    }

    @Test
    void namesTheApplicationsAndTheirEnvironments() throws IOException {
        EnvironmentCatalog<App> catalog = bind(CATALOG);

        assertThat(catalog.applications()).containsExactly("demo-app", "shop");
        assertThat(catalog.environments("demo-app")).containsExactly("local", "staging", "production");
        assertThat(catalog.environments("shop")).isEmpty();
        assertThat(catalog.environments("unknown")).isEmpty();
        assertThat(catalog.effective("unknown", "staging")).isEmpty();
    }

    @Test
    void sectionsMergeKeyByKey() throws IOException {
        Process staging = bind(CATALOG)
                .effective("demo-app", "staging")
                .orElseThrow()
                .target()
                .process();

        assertThat(staging.stablePort()).isEqualTo(9100);
        assertThat(staging.slots()).containsExactly(Map.entry("blue", 9101), Map.entry("green", 9002));
        assertThat(staging.command()).containsExactly("java", "-jar", "demo-app.jar");
        assertThat(staging.readyTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(staging.environment())
                .containsOnly(Map.entry("JAVA_OPTS", "-Xmx64m"), Map.entry("REGION", "eu-west"));
    }

    @Test
    void aListReplacesTheApplicationsListWhole() throws IOException {
        Health staging =
                bind(CATALOG).effective("demo-app", "staging").orElseThrow().health();

        assertThat(staging.probes())
                .as("one probe, not the first merged with the application's, nor the application's second")
                .containsExactly(new Probe("ready", "{endpoint}/ready", Duration.ofSeconds(2)));
        assertThat(staging.allowedHosts()).containsExactly("staging.example.com");
        assertThat(staging.interval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void anEmptyListReplacesAndAnEmptySectionChangesNothing() throws IOException {
        App production = bind(CATALOG).effective("demo-app", "production").orElseThrow();

        assertThat(production.health().probes()).isNullOrEmpty();
        assertThat(production.health().interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(production.health().allowedHosts()).containsExactly("127.0.0.1", "localhost");
        assertThat(production.strategy()).isEqualTo("canary");
        assertThat(production.target().process().stablePort()).isEqualTo(9000);
    }

    @Test
    void anEnvironmentWithoutOverridesAndAnUndeclaredOneHaveTheApplicationsSettings() throws IOException {
        EnvironmentCatalog<App> catalog = bind(CATALOG);
        App application = catalog.application("demo-app").orElseThrow();

        assertThat(catalog.effective("demo-app", "local")).contains(application);
        assertThat(catalog.effective("demo-app", "qa")).contains(application);
        assertThat(catalog.effective("demo-app", null)).contains(application);
        assertThat(application.target().process().stablePort()).isEqualTo(9000);
        assertThat(application.health().probes()).extracting(Probe::name).containsExactly("health", "port");
    }

    @Test
    void environmentsAreTheApplicationsNotMerged() throws IOException {
        EnvironmentCatalog<App> catalog = bind(CATALOG);

        App production = catalog.effective("demo-app", "production").orElseThrow();
        App staging = catalog.effective("demo-app", "staging").orElseThrow();

        assertThat(production.environments())
                .isEqualTo(catalog.application("demo-app").orElseThrow().environments())
                .containsKeys("local", "production");
        assertThat(production.environments().get("production").approval().required())
                .isTrue();
        assertThat(staging.environments()).isEqualTo(production.environments());
        assertThat(staging.strategy()).isEqualTo("blue-green");
    }

    @Test
    void placeholdersResolveInTheServicesEnvironment() throws IOException {
        Process staging = bind(CATALOG, Map.of("STAGING_PORT", "9300", "STAGING_BLUE_PORT", "9301"))
                .effective("demo-app", "staging")
                .orElseThrow()
                .target()
                .process();

        assertThat(staging.stablePort()).isEqualTo(9300);
        assertThat(staging.slots()).containsEntry("blue", 9301);
    }

    @Test
    void anEnvironmentVariableOverridesAnEnvironmentsSettingOrAnApplicationsOne() throws IOException {
        EnvironmentCatalog<App> catalog = bind(
                CATALOG,
                Map.of(
                        "RELOPS_APPLICATIONS_DEMOAPP_ENVIRONMENTS_STAGING_TARGET_PROCESS_SLOTS_GREEN", "9302",
                        "RELOPS_APPLICATIONS_DEMOAPP_TARGET_PROCESS_READYTIMEOUT", "45s",
                        "RELOPS_APPLICATIONS_DEMOAPP_ENVIRONMENTS_PRODUCTION_TARGET_PROCESS_STABLEPORT", "9200"));

        Process staging =
                catalog.effective("demo-app", "staging").orElseThrow().target().process();
        Process production = catalog.effective("demo-app", "production")
                .orElseThrow()
                .target()
                .process();

        assertThat(staging.slots()).containsExactly(Map.entry("blue", 9101), Map.entry("green", 9302));
        assertThat(staging.readyTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(production.stablePort()).isEqualTo(9200);
        assertThat(catalog.application("demo-app")
                        .orElseThrow()
                        .target()
                        .process()
                        .stablePort())
                .isEqualTo(9000);
    }

    @Test
    void anEnvironmentsSettingWinsOverTheApplicationsWhateverTheSource() throws IOException {
        environment
                .getPropertySources()
                .addFirst(new MapPropertySource(
                        "command-line", Map.of("relops.applications.demo-app.target.process.stable-port", "9900")));

        EnvironmentCatalog<App> catalog = bind(CATALOG);

        assertThat(catalog.effective("demo-app", "staging")
                        .orElseThrow()
                        .target()
                        .process()
                        .stablePort())
                .isEqualTo(9100);
        assertThat(catalog.effective("demo-app", "local")
                        .orElseThrow()
                        .target()
                        .process()
                        .stablePort())
                .isEqualTo(9900);
    }

    @Test
    void aValueThatDoesNotBindNamesTheApplicationAndEnvironment() {
        assertThatThrownBy(() -> bind("""
                        relops:
                          applications:
                            demo-app:
                              environments:
                                staging:
                                  health:
                                    interval: soon
                        """))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("catalog: application 'demo-app', environment 'staging': ")
                .hasMessageContaining("relops.applications.demo-app.health.interval");
    }
}
