package io.relops.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.relops.packaging.Repository.Service;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** docker-compose.yml: pinned images, one per module, healthchecks, start order, the catalog, the secrets. */
class ComposeFileTest {

    private static final Pattern PINNED_TAG = Pattern.compile("[^:/]+(/[^:/]+)*:v?\\d+\\.\\d+[A-Za-z0-9_.-]*");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)(:?[-?][^}]*)?}");

    private final Map<String, Object> compose = Repository.loadYaml(Repository.file("docker-compose.yml"));

    @Test
    void pinsEveryImageToAVersion() {
        services()
                .forEach((name, service) -> assertThat((String) service.get("image"))
                        .as("image of %s", name)
                        .matches(PINNED_TAG)
                        .doesNotEndWith(":latest"));
    }

    @Test
    void buildsEveryServiceModuleAsAnImageNamedAfterItWithTheProjectVersion() {
        String version = Repository.projectVersion();
        for (Service module : Repository.services()) {
            Map<String, Object> service = service(module.module());
            assertThat(service.get("image")).isEqualTo("relops/" + module.module() + ":" + version);
            Map<String, Object> build = map(service.get("build"));
            assertThat(build.get("context")).isEqualTo(".");
            assertThat(map(build.get("args")))
                    .containsEntry("SERVICE", module.module())
                    .containsEntry("SERVICE_PORT", String.valueOf(module.port()));
        }
        assertThat(Repository.file("Dockerfile")).content().contains("${SERVICE}/target/${SERVICE}-exec.jar");
    }

    @Test
    void givesEveryContainerAHealthcheckAndEveryServiceItsReadinessGroup() {
        services().forEach((name, service) -> assertThat(service).as(name).containsKey("healthcheck"));
        for (Service module : Repository.services()) {
            List<Object> test =
                    list(map(service(module.module()).get("healthcheck")).get("test"));
            assertThat(test)
                    .as("healthcheck of %s", module.module())
                    .contains("http://localhost:" + module.port() + "/actuator/health/readiness");
        }
    }

    @Test
    void startsEveryServiceOnlyOnceWhatItNeedsIsHealthy() {
        for (Service module : Repository.services()) {
            Map<String, Object> dependsOn = map(service(module.module()).get("depends_on"));
            assertThat(dependsOn).as("%s depends_on", module.module()).containsKey("kafka");
            if (module.usesDatabase()) {
                assertThat(dependsOn).as("%s depends_on", module.module()).containsKey("postgres");
            } else {
                assertThat(dependsOn).as("%s depends_on", module.module()).doesNotContainKey("postgres");
            }
        }
        // the gateway answers queries from deploy and audit
        assertThat(map(service("gateway-service").get("depends_on"))).containsKeys("deploy-service", "audit-service");
        services().forEach((name, service) -> {
            if (service.containsKey("depends_on")) {
                map(service.get("depends_on"))
                        .forEach((dependency, condition) -> assertThat(map(condition))
                                .as("%s -> %s", name, dependency)
                                .containsEntry("condition", "service_healthy"));
            }
        });
    }

    @Test
    void mountsTheCatalogWhereAServiceReadsIt() {
        for (Service module : Repository.services()) {
            Map<String, Object> service = service(module.module());
            Map<String, Object> environment = map(service.get("environment"));
            List<Object> volumes = service.containsKey("volumes") ? list(service.get("volumes")) : List.of();
            String catalogMount = "./config/catalog.yml:" + environment.get("RELOPS_CATALOG") + ":ro";
            if (module.usesCatalog()) {
                assertThat(volumes).as("volumes of %s", module.module()).contains(catalogMount);
            } else {
                assertThat(volumes)
                        .as("volumes of %s", module.module())
                        .noneMatch(v -> ((String) v).contains("catalog.yml"));
            }
        }
        assertThat(Repository.file("config/catalog.yml")).isRegularFile();
    }

    @Test
    void provisionsPrometheusAndGrafanaWithTheRulesAndTheDashboard() {
        assertThat(list(service("prometheus").get("volumes")))
                .contains(
                        "./ops/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
                        "./ops/prometheus/relops-rules.yml:/etc/prometheus/rules/relops-rules.yml:ro");
        String scrapeConfig = Repository.read(Repository.file("ops/prometheus/prometheus.yml"));
        for (Service module : Repository.services()) {
            assertThat(scrapeConfig).contains(module.module() + ":" + module.port());
        }
        assertThat(list(service("grafana").get("volumes")))
                .contains(
                        "./ops/grafana/provisioning:/etc/grafana/provisioning:ro",
                        "./ops/grafana/dashboards:/etc/grafana/dashboards:ro");
        assertThat(Repository.file("ops/grafana/provisioning/dashboards/relops.yml"))
                .content()
                .contains("path: /etc/grafana/dashboards");
        assertThat(Repository.file("ops/grafana/dashboards/relops.json")).isRegularFile();
    }

    @Test
    void takesEverySecretFromTheEnvironmentAndDocumentsEveryVariableInEnvExample() throws Exception {
        String composeText = Repository.read(Repository.file("docker-compose.yml"));
        Set<String> used = new LinkedHashSet<>();
        Matcher variable = VARIABLE.matcher(composeText);
        while (variable.find()) {
            used.add(variable.group(1));
        }
        Set<String> documented = new LinkedHashSet<>();
        for (String line : Files.readAllLines(Repository.file(".env.example"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                documented.add(line.substring(0, line.indexOf('=')));
            }
        }
        List<String> undocumented = new ArrayList<>(used);
        undocumented.removeAll(documented);
        undocumented.remove("KAFKA_CLUSTER_ID");
        assertThat(undocumented)
                .as("variables of docker-compose.yml missing in .env.example")
                .isEmpty();

        services().forEach((name, service) -> {
            if (service.get("environment") instanceof Map<?, ?> environment) {
                environment.forEach((key, value) -> {
                    if (((String) key).matches(".*(PASSWORD|TOKEN|KEY)(_.*)?")
                            && !((String) key).endsWith("_FILE")
                            && !((String) key).endsWith("_GENERATE")) {
                        assertThat(String.valueOf(value)).as("%s %s", name, key).startsWith("${");
                    }
                });
            }
        });
    }

    @Test
    void givesEveryServiceItsOwnDatabaseRoleOwningItsSchemaAndSetsEachPasswordFromItsOwnVariable() {
        String roles = Repository.read(Repository.file("ops/postgres/initdb/10-relops-roles.sql"));
        String passwords = Repository.read(Repository.file("ops/postgres/initdb/20-relops-role-passwords.sh"));
        Map<String, Object> postgres = map(service("postgres").get("environment"));
        Set<Object> users = new LinkedHashSet<>();
        for (Service module : Repository.services()) {
            if (!module.usesDatabase()) {
                continue;
            }
            Map<String, Object> environment = map(service(module.module()).get("environment"));
            Object user = environment.get("RELOPS_DB_USER");
            assertThat(users.add(user))
                    .as("%s logs in as a role of its own, not %s", module.module(), user)
                    .isTrue();
            Object schema = map(map(Repository.loadYaml(
                                            Repository.file(module.module() + "/src/main/resources/application.yml"))
                                    .get("spring"))
                            .get("flyway"))
                    .get("schemas");
            assertThat(roles).as("10-relops-roles.sql").contains("('" + user + "', '" + schema + "')");
            // the service's password is the one the init script sets for its role
            String password = (String) environment.get("RELOPS_DB_PASSWORD");
            Matcher variable = VARIABLE.matcher(password);
            assertThat(variable.find())
                    .as("%s RELOPS_DB_PASSWORD", module.module())
                    .isTrue();
            assertThat(passwords).contains("set_password " + user + " \"${" + variable.group(1) + ":?}\"");
            assertThat(postgres).containsEntry(variable.group(1), password);
        }
        Map<String, Object> audit = map(service("audit-service").get("environment"));
        for (String role : List.of("WRITER", "MAINTAINER")) {
            Object user = audit.get("RELOPS_AUDIT_DB_" + role + "_USER");
            assertThat(roles).contains("('" + user + "', null)");
            assertThat(passwords).contains("set_password " + user + " \"${RELOPS_AUDIT_DB_" + role + "_PASSWORD:?}\"");
            assertThat(Repository.read(Repository.file("audit-service/src/main/resources/application.yml")))
                    .contains("RELOPS_AUDIT_DB_" + role + "_USER:" + user + "}");
        }
        assertThat(roles).contains("create role %I login nosuperuser nocreatedb nocreaterole noinherit");
        assertThat(list(service("postgres").get("volumes")))
                .contains("./ops/postgres/initdb:/docker-entrypoint-initdb.d:ro");
    }

    @Test
    void isValidForTheMinimumDockerComposeTheReadmeStates() throws Exception {
        // README: Docker Compose 1.29 or later. Debian's docker-compose 1.29.2 checks the file offline, with the
        // variables of .env.example (its blank secrets filled in): a feature of a newer Compose fails here
        assertThat(Repository.read(Repository.file("README.md"))).contains("Docker Compose 1.29");
        String version = dockerComposeVersion();
        assumeTrue(
                version != null,
                "docker-compose is not on the PATH (apt-get install docker-compose; .ci/run does it): the compose file"
                        + " is NOT checked against Docker Compose 1.29");
        assumeTrue(
                version.startsWith("1.29."),
                "docker-compose " + version + " is not 1.29, the minimum the README states: the compose file is NOT"
                        + " checked against it");
        Path env = Files.createTempFile("relops-compose-check", ".env");
        try {
            List<String> lines = new ArrayList<>();
            for (String line : Files.readAllLines(Repository.file(".env.example"))) {
                lines.add(line.matches("[A-Z0-9_]+=") ? line + "compose-check" : line);
            }
            Files.write(env, lines);
            Process check = new ProcessBuilder(
                            "docker-compose", "--env-file", env.toString(), "-f", "docker-compose.yml", "config", "-q")
                    .directory(Repository.ROOT.toFile())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(check.exitValue())
                    .as("docker-compose %s config -q: %s", version, output)
                    .isZero();
        } finally {
            Files.delete(env);
        }
    }

    @Test
    void pointsPrometheusAlertingAtAlertServiceWithTheIngestTokenAndScrapesWithTheMetricsToken() throws Exception {
        Map<String, Object> prometheus = Repository.loadYaml(Repository.file("ops/prometheus/prometheus.yml"));
        Map<String, Object> alertmanager =
                map(list(map(prometheus.get("alerting")).get("alertmanagers")).get(0));
        assertThat(alertmanager).containsEntry("api_version", "v2");
        int alertPort = Repository.services().stream()
                .filter(service -> service.module().equals("alert-service"))
                .findFirst()
                .orElseThrow()
                .port();
        assertThat(list(map(list(alertmanager.get("static_configs")).get(0)).get("targets")))
                .containsExactly("alert-service:" + alertPort);
        Map<String, Object> ingest = map(alertmanager.get("authorization"));
        Map<String, Object> metrics =
                map(map(list(prometheus.get("scrape_configs")).get(0)).get("authorization"));
        Map<String, String> envExample = new HashMap<>();
        for (String line : Files.readAllLines(Repository.file(".env.example"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                envExample.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        List<Object> volumes = list(service("prometheus").get("volumes"));
        for (var authorization : Map.of("INGEST", ingest, "METRICS", metrics).entrySet()) {
            String role = authorization.getKey();
            String inContainer = (String) authorization.getValue().get("credentials_file");
            // docker-compose mounts the token file .env names where prometheus.yml reads it
            assertThat(volumes)
                    .as("prometheus volumes")
                    .anySatisfy(volume -> assertThat((String) volume)
                            .startsWith("${RELOPS_TOKEN_" + role + "_FILE:?")
                            .endsWith(":" + inContainer + ":ro"));
            // and .env.example's local-only file holds the token whose hash the services know
            String token = Files.readString(Repository.file(envExample.get("RELOPS_TOKEN_" + role + "_FILE")))
                    .strip();
            String sha256 = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
            assertThat(envExample).as(".env.example").containsEntry("RELOPS_TOKEN_" + role + "_SHA256", sha256);
        }
    }

    private Map<String, Map<String, Object>> services() {
        Map<String, Map<String, Object>> services = new java.util.LinkedHashMap<>();
        map(compose.get("services")).forEach((name, service) -> services.put(name, map(service)));
        assertThat(services).containsKeys("kafka", "postgres", "prometheus", "grafana");
        return services;
    }

    private static @Nullable String dockerComposeVersion() throws InterruptedException {
        try {
            Process version = new ProcessBuilder("docker-compose", "version", "--short")
                    .redirectErrorStream(true)
                    .start();
            String output = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return version.waitFor(30, TimeUnit.SECONDS) && version.exitValue() == 0 ? output : null;
        } catch (IOException e) {
            return null;
        }
    }

    private Map<String, Object> service(String name) {
        Map<String, Map<String, Object>> services = services();
        assertThat(services).as("compose services").containsKey(name);
        return services.get(name);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<Object>) value;
    }
}
