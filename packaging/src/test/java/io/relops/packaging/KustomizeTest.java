package io.relops.packaging;

import static io.relops.packaging.ComposeFileTest.list;
import static io.relops.packaging.ComposeFileTest.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.relops.packaging.Repository.Service;
import io.relops.testkit.RealPrometheus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Every file under k8s/: the invariants that matter, read from the files themselves. */
class KustomizeTest {

    private static final Path K8S = Repository.file("k8s");

    @Test
    void parsesEveryFileUnderK8s() throws IOException {
        List<Path> files = yamlFiles();
        assertThat(files).hasSizeGreaterThan(10);
        for (Path file : files) {
            for (Object document : Repository.yaml().loadAll(Repository.read(file))) {
                assertThat(document).as(file.toString()).isInstanceOf(Map.class);
                if (!file.getFileName().toString().startsWith("kustomization")
                        && !file.getFileName().toString().equals("catalog.yml")
                        && !file.getFileName().toString().equals("prometheus.yml")) {
                    assertThat(map(document)).as(file.toString()).containsKeys("apiVersion", "kind", "metadata");
                }
            }
        }
    }

    @Test
    void listsOnlyResourcesAndGeneratorFilesThatExist() throws IOException {
        for (Path kustomization : kustomizations()) {
            Map<String, Object> content = Repository.loadYaml(kustomization);
            Path dir = kustomization.getParent();
            for (Object resource : list(content.getOrDefault("resources", List.of()))) {
                Path target = dir.resolve((String) resource).normalize();
                assertThat(Files.isRegularFile(target) || Files.isRegularFile(target.resolve("kustomization.yaml")))
                        .as("%s lists %s", K8S.relativize(kustomization), resource)
                        .isTrue();
            }
            for (String generator : List.of("configMapGenerator", "secretGenerator")) {
                for (Object entry : list(content.getOrDefault(generator, List.of()))) {
                    for (Object file : list(map(entry).getOrDefault("files", List.of()))) {
                        assertThat(dir.resolve(((String) file).replaceFirst("^[^=]+=", "")))
                                .as("%s %s", K8S.relativize(kustomization), generator)
                                .isRegularFile();
                    }
                }
            }
        }
    }

    @Test
    void buildsEveryOverlayOnTheBase() throws IOException {
        List<Path> overlays;
        try (Stream<Path> dirs = Files.list(K8S.resolve("overlays"))) {
            overlays = dirs.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(overlays).extracting(dir -> dir.getFileName().toString()).contains("local", "production");
        for (Path overlay : overlays) {
            assertThat(list(Repository.loadYaml(overlay.resolve("kustomization.yaml"))
                            .get("resources")))
                    .as(overlay.toString())
                    .contains("../../base");
        }
    }

    @Test
    void pointsTheClustersPrometheusAtProductionsAlertServiceWithTheIngestTokenAndScrapesEveryOverlaysNamespace() {
        Map<String, Object> monitoring = Repository.loadYaml(K8S.resolve("monitoring/kustomization.yaml"));
        assertThat(monitoring).containsEntry("namespace", "monitoring");
        // the overlays' namespaces, which the NetworkPolicies open to the namespace "monitoring"
        List<Object> namespaces = new ArrayList<>();
        for (String overlay : List.of("local", "production")) {
            namespaces.add(Repository.loadYaml(K8S.resolve("overlays/" + overlay + "/kustomization.yaml"))
                    .get("namespace"));
        }
        assertThat(Repository.read(K8S.resolve("base/network-policies.yaml")))
                .contains("kubernetes.io/metadata.name: monitoring");
        Map<String, Object> prometheus = Repository.loadYaml(K8S.resolve("monitoring/prometheus.yml"));
        Map<String, Object> alertmanager =
                map(list(map(prometheus.get("alerting")).get("alertmanagers")).get(0));
        assertThat(alertmanager).containsEntry("api_version", "v2");
        assertThat(map(alertmanager.get("authorization")))
                .containsEntry("credentials_file", "/etc/prometheus/relops-tokens/ingest-token");
        assertThat(map(list(alertmanager.get("kubernetes_sd_configs")).get(0))).containsEntry("role", "endpoints");
        // alerts go to production's alert-service only: Prometheus sends every alert to every Alertmanager it has
        assertThat(list(map(map(list(alertmanager.get("kubernetes_sd_configs")).get(0))
                                .get("namespaces"))
                        .get("names")))
                .containsExactly(Repository.loadYaml(K8S.resolve("overlays/production/kustomization.yaml"))
                        .get("namespace"));
        // ...and only production's alerts go there, although both namespaces are scraped: the local install's are
        // dropped by the global alert relabelling (Prometheus 2.42 has none per Alertmanager), alerts without a
        // namespace (absent()) are kept
        Object production = Repository.loadYaml(K8S.resolve("overlays/production/kustomization.yaml"))
                .get("namespace");
        List<Object> alertRelabels = list(map(prometheus.get("alerting")).get("alert_relabel_configs"));
        for (Object namespace : namespaces) {
            assertThat(delivered(alertRelabels, Map.of("namespace", namespace, "alertname", "RelopsServiceDown")))
                    .as("an alert of the namespace " + namespace + " is delivered")
                    .isEqualTo(namespace.equals(production));
        }
        assertThat(delivered(alertRelabels, Map.of("alertname", "RelopsServicesAbsent")))
                .as("an alert without a namespace is delivered")
                .isTrue();
        // alert-service's Service, on its port named http
        assertThat(list(alertmanager.get("relabel_configs")))
                .anySatisfy(relabel -> assertThat(map(relabel))
                        .containsEntry("regex", "alert-service;http")
                        .containsEntry("action", "keep"));
        assertThat(Repository.read(K8S.resolve("base/alert-service.yaml"))).contains("- name: http\n      port: 8084");
        Map<String, Object> scrape = map(list(prometheus.get("scrape_configs")).get(0));
        assertThat(map(scrape.get("authorization")))
                .containsEntry("credentials_file", "/etc/prometheus/relops-tokens/metrics-token");
        assertThat(list(map(map(list(scrape.get("kubernetes_sd_configs")).get(0))
                                .get("namespaces"))
                        .get("names")))
                .containsExactlyInAnyOrderElementsOf(namespaces);
        // the rules, one copy: ops/prometheus's ConfigMap of relops-rules.yml
        assertThat(list(monitoring.get("resources"))).contains("../../ops/prometheus");
        assertThat(list(map(list(Repository.loadYaml(Repository.file("ops/prometheus/kustomization.yaml"))
                                        .get("configMapGenerator"))
                                .get(0))
                        .get("files")))
                .containsExactly("relops-rules.yml");
        assertThat(Repository.read(K8S.resolve("monitoring/kustomization.yaml")))
                .contains("relops-prometheus-tokens", "metrics-token", "ingest-token");
    }

    /**
     * The same relabelling run by Debian's Prometheus (2.42): an alert of each overlay's namespace and one without a
     * namespace fire, and the Alertmanager (a recording endpoint) receives production's and the one without, again and
     * again, and never the local install's. Skipped, saying so, where the prometheus binary is absent.
     */
    @Test
    void debiansPrometheusDeliversOnlyProductionsAlerts() throws Exception {
        Map<String, Object> alerting = map(
                Repository.loadYaml(K8S.resolve("monitoring/prometheus.yml")).get("alerting"));
        Object production = Repository.loadYaml(K8S.resolve("overlays/production/kustomization.yaml"))
                .get("namespace");
        Object local = Repository.loadYaml(K8S.resolve("overlays/local/kustomization.yaml"))
                .get("namespace");
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer alertmanager = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        alertmanager.createContext("/api/v2/alerts", exchange -> {
            for (JsonNode alert : JsonMapper.builder().build().readTree(exchange.getRequestBody())) {
                received.add(alert.path("labels").path("alertname").asString() + " "
                        + alert.path("labels").path("namespace").asString("-"));
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        alertmanager.start();
        try (RealPrometheus prometheus = RealPrometheus.startWithConfig(
                workDir -> {
                    Path rules = workDir.resolve("rules.yml");
                    Files.writeString(rules, """
                            groups:
                              - name: installs
                                interval: 1s
                                rules:
                                  - alert: OfProduction
                                    expr: vector(1)
                                    labels: {namespace: %s}
                                  - alert: OfTheLocalInstall
                                    expr: vector(1)
                                    labels: {namespace: %s}
                                  - alert: OfNoNamespace
                                    expr: vector(1)
                            """.formatted(production, local));
                    Map<String, Object> config = new LinkedHashMap<>();
                    config.put("global", Map.of("evaluation_interval", "1s"));
                    config.put("rule_files", List.of(rules.toString()));
                    config.put(
                            "alerting",
                            Map.of(
                                    "alert_relabel_configs",
                                    alerting.get("alert_relabel_configs"),
                                    "alertmanagers",
                                    List.of(Map.of(
                                            "api_version",
                                            "v2",
                                            "static_configs",
                                            List.of(Map.of(
                                                    "targets",
                                                    List.of("127.0.0.1:"
                                                            + alertmanager
                                                                    .getAddress()
                                                                    .getPort())))))));
                    return Repository.yaml().dump(config);
                },
                "--rules.alert.resend-delay=1s")) {
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(received)
                            .as(prometheus::log)
                            .contains("OfProduction " + production, "OfNoNamespace -")
                            .filteredOn(("OfProduction " + production)::equals)
                            .hasSizeGreaterThanOrEqualTo(3));
            assertThat(received).as("alerts delivered").doesNotContain("OfTheLocalInstall " + local);
            assertThat(prometheus.query("ALERTS{alertname=\"OfTheLocalInstall\",alertstate=\"firing\"}"))
                    .as("the local install's alert is evaluated, only not delivered")
                    .contains("OfTheLocalInstall");
        } finally {
            alertmanager.stop(0);
        }
    }

    @Test
    void deploysEveryServiceModuleFromItsOwnPinnedImage() throws IOException {
        String version = Repository.projectVersion();
        for (Service service : Repository.services()) {
            Map<String, Object> container = container(deployment(service.module()));
            assertThat(container.get("image")).isEqualTo("relops/" + service.module() + ":" + version);
            assertThat(list(container.get("ports")))
                    .as("%s ports", service.module())
                    .contains(Map.of("name", "http", "containerPort", service.port()));
        }
        for (Map<String, Object> deployment : deployments()) {
            for (Map<String, Object> container : containers(deployment)) {
                assertThat((String) container.get("image"))
                        .as("image of %s", name(deployment))
                        .matches("[^:]+:v?\\d+\\.\\d+[A-Za-z0-9_.-]*")
                        .doesNotEndWith(":latest");
            }
        }
    }

    @Test
    void probesAndBoundsEveryContainerOfEveryDeployment() throws IOException {
        List<Map<String, Object>> deployments = deployments();
        assertThat(deployments)
                .hasSizeGreaterThanOrEqualTo(Repository.services().size());
        for (Map<String, Object> deployment : deployments) {
            for (Map<String, Object> container : containers(deployment)) {
                String what = name(deployment) + "/" + container.get("name");
                assertThat(container).as(what).containsKeys("livenessProbe", "readinessProbe");
                Map<String, Object> resources = map(container.get("resources"));
                assertThat(map(resources.get("requests"))).as(what).containsKeys("cpu", "memory");
                assertThat(map(resources.get("limits"))).as(what).containsKey("memory");
            }
        }
        for (Service service : Repository.services()) {
            Map<String, Object> container = container(deployment(service.module()));
            assertThat(map(map(container.get("livenessProbe")).get("httpGet")))
                    .containsEntry("path", "/actuator/health/liveness");
            assertThat(map(map(container.get("readinessProbe")).get("httpGet")))
                    .containsEntry("path", "/actuator/health/readiness");
        }
    }

    @Test
    void mountsTheCatalogConfigMapWhereAServiceReadsIt() throws IOException {
        assertThat(list(Repository.loadYaml(K8S.resolve("base/kustomization.yaml"))
                        .get("configMapGenerator")))
                .contains(Map.of("name", "relops-catalog", "files", List.of("catalog.yml")));
        for (Service service : Repository.services()) {
            Map<String, Object> pod = podSpec(deployment(service.module()));
            Map<String, Object> container = container(deployment(service.module()));
            List<Object> catalogVolumes = list(pod.get("volumes")).stream()
                    .filter(volume -> map(volume).get("configMap") instanceof Map<?, ?> configMap
                            && "relops-catalog".equals(configMap.get("name")))
                    .toList();
            String env = environment(container).get("RELOPS_CATALOG");
            if (!service.usesCatalog()) {
                assertThat(catalogVolumes).as(service.module()).isEmpty();
                assertThat(env).as(service.module()).isNull();
                continue;
            }
            assertThat(catalogVolumes).as(service.module()).hasSize(1);
            Object volumeName = map(catalogVolumes.get(0)).get("name");
            Map<String, Object> mount = list(container.get("volumeMounts")).stream()
                    .map(ComposeFileTest::map)
                    .filter(m -> volumeName.equals(m.get("name")))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(service.module() + " does not mount its catalog volume"));
            assertThat(env)
                    .as("RELOPS_CATALOG of %s", service.module())
                    .isEqualTo(mount.get("mountPath") + "/catalog.yml");
        }
    }

    @Test
    void protectsEveryDeploymentWithADisruptionBudgetAndScalesOnlyExistingOnes() throws IOException {
        List<Map<String, Object>> base = documents(K8S.resolve("base"));
        for (Service service : Repository.services()) {
            assertThat(base)
                    .as("PodDisruptionBudget of %s", service.module())
                    .anyMatch(document -> "PodDisruptionBudget".equals(document.get("kind"))
                            && Map.of("app.kubernetes.io/name", service.module())
                                    .equals(map(map(map(document.get("spec")).get("selector"))
                                            .get("matchLabels"))));
        }
        List<Object> autoscaled = base.stream()
                .filter(document -> "HorizontalPodAutoscaler".equals(document.get("kind")))
                .map(document ->
                        map(map(document.get("spec")).get("scaleTargetRef")).get("name"))
                .toList();
        assertThat(autoscaled).containsExactlyInAnyOrder("gateway-service", "healthcheck-service", "alert-service");
    }

    /**
     * Production runs two of every service; a patch turns each budget into minAvailable 1 (the base's maxUnavailable
     * 1 suits one replica), the budgets select their Deployment's pods, and every Deployment spreads its pods over
     * nodes. KustomizeRenderTest checks the rendered result where kubectl is installed.
     */
    @Test
    void productionRunsTwoOfEveryServiceKeepsOneThroughDisruptionsAndSpreadsThem() throws IOException {
        Map<String, Object> production = Repository.loadYaml(K8S.resolve("overlays/production/kustomization.yaml"));
        Map<Object, Object> replicas = new java.util.HashMap<>();
        list(production.get("replicas"))
                .forEach(
                        entry -> replicas.put(map(entry).get("name"), map(entry).get("count")));
        List<Object> budgetPatches = list(production.get("patches")).stream()
                .filter(patch ->
                        Map.of("kind", "PodDisruptionBudget").equals(map(patch).get("target")))
                .map(patch -> Repository.yaml().load((String) map(patch).get("patch")))
                .toList();
        assertThat(budgetPatches)
                .containsExactly(List.of(
                        Map.of("op", "remove", "path", "/spec/maxUnavailable"),
                        Map.of("op", "add", "path", "/spec/minAvailable", "value", 1)));

        List<Map<String, Object>> base = documents(K8S.resolve("base"));
        for (Service service : Repository.services()) {
            assertThat((Integer) replicas.get(service.module()))
                    .as("production replicas of %s", service.module())
                    .isGreaterThanOrEqualTo(2);
            Map<String, Object> deployment = deployment(service.module());
            Map<String, Object> podLabels =
                    map(map(map(map(deployment.get("spec")).get("template")).get("metadata"))
                            .get("labels"));
            List<Map<String, Object>> budgets = base.stream()
                    .filter(document -> "PodDisruptionBudget".equals(document.get("kind")))
                    .filter(budget -> selects(map(map(budget.get("spec")).get("selector")), podLabels))
                    .toList();
            assertThat(budgets).as("the budget of %s", service.module()).hasSize(1);
            assertThat(list(podSpec(deployment).get("topologySpreadConstraints")))
                    .as("topologySpreadConstraints of %s", service.module())
                    .anySatisfy(constraint -> {
                        assertThat(map(constraint))
                                .containsEntry("topologyKey", "kubernetes.io/hostname")
                                .containsEntry("maxSkew", 1)
                                .containsEntry("whenUnsatisfiable", "ScheduleAnyway");
                        assertThat(selects(map(map(constraint).get("labelSelector")), podLabels))
                                .isTrue();
                    });
        }
    }

    private static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
        Map<String, Object> matchLabels = map(selector.get("matchLabels"));
        return !matchLabels.isEmpty()
                && matchLabels.entrySet().stream()
                        .allMatch(label -> label.getValue().equals(labels.get(label.getKey())));
    }

    @Test
    void givesDeployServiceTheRightsOfItsKubernetesTarget() throws IOException {
        Map<String, Object> pod = podSpec(deployment("deploy-service"));
        assertThat(pod.get("serviceAccountName")).isEqualTo("relops-deploy-service");
        Map<String, Object> role = documents(K8S.resolve("base")).stream()
                .filter(document -> "Role".equals(document.get("kind")))
                .findFirst()
                .orElseThrow();
        List<String> resources = new ArrayList<>();
        for (Object rule : list(role.get("rules"))) {
            for (Object resource : list(map(rule).get("resources"))) {
                resources.add((String) resource);
            }
        }
        assertThat(resources).contains("deployments", "services", "httproutes", "pods");
        for (Service service : Repository.services()) {
            if (!service.module().equals("deploy-service")) {
                assertThat(podSpec(deployment(service.module())))
                        .as(service.module())
                        .containsEntry("automountServiceAccountToken", false);
            }
        }
    }

    @Test
    void givesEveryServiceItsOwnDatabaseSecret() throws IOException {
        List<Object> secrets = new ArrayList<>();
        for (Service service : Repository.services()) {
            if (!service.usesDatabase()) {
                continue;
            }
            Map<String, Object> user = null;
            Map<String, Object> password = null;
            for (Object variable : list(container(deployment(service.module())).getOrDefault("env", List.of()))) {
                if ("RELOPS_DB_USER".equals(map(variable).get("name"))) {
                    user = secretKeyRef(variable);
                } else if ("RELOPS_DB_PASSWORD".equals(map(variable).get("name"))) {
                    password = secretKeyRef(variable);
                }
            }
            assertThat(user).as("%s RELOPS_DB_USER", service.module()).isNotNull();
            assertThat(password).as("%s RELOPS_DB_PASSWORD", service.module()).isNotNull();
            assertThat(password.get("name")).as(service.module()).isEqualTo(user.get("name"));
            assertThat(user.get("name"))
                    .as(service.module())
                    .isEqualTo("relops-db-" + service.module().replace("-service", ""));
            secrets.add(user.get("name"));
        }
        assertThat(secrets).doesNotHaveDuplicates().isNotEmpty();
        // the production Job sets each role's password from the Secret its service reads
        String job = Repository.read(K8S.resolve("overlays/production/db-roles/job.yaml"));
        secrets.forEach(secret -> assertThat(job).contains("{name: " + secret + ", key: password}"));
        assertThat(job)
                .contains(
                        "{name: relops-audit-db-writer, key: password}",
                        "{name: relops-audit-db-maintainer, key: password}");
    }

    private static Map<String, Object> secretKeyRef(Object variable) {
        return map(map(map(variable).get("valueFrom")).get("secretKeyRef"));
    }

    @Test
    void talksToKafkaOverSaslSslInProduction() {
        assertThat(Repository.file("k8s/overlays/production/kustomization.yaml"))
                .content()
                .contains("SPRING_CLOUD_STREAM_KAFKA_BINDER_CONFIGURATION_SECURITY_PROTOCOL")
                .contains("value: SASL_SSL");
    }

    private static Map<String, Object> deployment(String name) throws IOException {
        return deployments().stream()
                .filter(deployment -> name.equals(name(deployment)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Deployment " + name + " under k8s/base"));
    }

    private static List<Map<String, Object>> deployments() throws IOException {
        return documents(K8S).stream()
                .filter(document -> "Deployment".equals(document.get("kind")))
                .toList();
    }

    private static String name(Map<String, Object> resource) {
        return (String) map(resource.get("metadata")).get("name");
    }

    private static Map<String, Object> podSpec(Map<String, Object> deployment) {
        return map(map(map(deployment.get("spec")).get("template")).get("spec"));
    }

    private static List<Map<String, Object>> containers(Map<String, Object> deployment) {
        return list(podSpec(deployment).get("containers")).stream()
                .map(ComposeFileTest::map)
                .toList();
    }

    private static Map<String, Object> container(Map<String, Object> deployment) {
        return containers(deployment).stream()
                .filter(container -> "service".equals(container.get("name")))
                .findFirst()
                .orElseThrow();
    }

    private static Map<String, String> environment(Map<String, Object> container) {
        Map<String, String> environment = new java.util.HashMap<>();
        for (Object variable : list(container.getOrDefault("env", List.of()))) {
            Object value = map(variable).get("value");
            environment.put((String) map(variable).get("name"), value == null ? "" : value.toString());
        }
        return environment;
    }

    /** Every Kubernetes object in the YAML files under a directory (kustomizations and the catalog excluded). */
    static List<Map<String, Object>> documents(Path dir) throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Path file : yamlFiles(dir)) {
            String fileName = file.getFileName().toString();
            if (fileName.startsWith("kustomization") || fileName.equals("catalog.yml")) {
                continue;
            }
            for (Object document : Repository.yaml().loadAll(Repository.read(file))) {
                if (document != null) {
                    documents.add(map(document));
                }
            }
        }
        return documents;
    }

    private static List<Path> kustomizations() throws IOException {
        return yamlFiles().stream()
                .filter(file -> file.getFileName().toString().equals("kustomization.yaml"))
                .toList();
    }

    private static List<Path> yamlFiles() throws IOException {
        return yamlFiles(K8S);
    }

    private static List<Path> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(file ->
                            file.toString().endsWith(".yaml") || file.toString().endsWith(".yml"))
                    .sorted()
                    .filter(Objects::nonNull)
                    .toList();
        }
    }

    /**
     * Whether an alert with {@code labels} passes {@code relabels}, as Prometheus applies keep and drop rules:
     * the source labels' values joined by ";" (an absent label is empty), matched by the fully anchored regex.
     */
    private static boolean delivered(List<Object> relabels, Map<String, Object> labels) {
        assertThat(relabels).as("alert_relabel_configs").isNotEmpty();
        for (Object rule : relabels) {
            Map<String, Object> relabel = map(rule);
            String value = list(relabel.get("source_labels")).stream()
                    .map(label -> String.valueOf(labels.getOrDefault(String.valueOf(label), "")))
                    .collect(Collectors.joining(";"));
            boolean matches = Pattern.compile("^(?:" + relabel.getOrDefault("regex", "(.*)") + ")$")
                    .matcher(value)
                    .matches();
            String action = String.valueOf(relabel.getOrDefault("action", "replace"));
            assertThat(action).as("only keep and drop decide delivery").isIn("keep", "drop");
            if (action.equals("keep") != matches) {
                return false;
            }
        }
        return true;
    }
}
