package io.relops.packaging;

import static io.relops.packaging.ComposeFileTest.list;
import static io.relops.packaging.ComposeFileTest.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each overlay renders with {@code kubectl kustomize} (skipped, loudly, where kubectl is absent). */
class KustomizeRenderTest {

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void rendersTheOverlayWithEveryServiceInItsNamespace(String overlay) throws Exception {
        String output = render("k8s/overlays/" + overlay);
        List<Map<String, Object>> resources = resources(output);
        String namespace = overlay.equals("local") ? "relops-local" : "relops";
        List<String> deployments = resources.stream()
                .filter(resource -> "Deployment".equals(resource.get("kind")))
                .peek(resource -> assertThat(map(resource.get("metadata")).get("namespace"))
                        .isEqualTo(namespace))
                .map(resource -> (String) map(resource.get("metadata")).get("name"))
                .toList();
        assertThat(deployments)
                .containsAll(Repository.services().stream()
                        .map(Repository.Service::module)
                        .toList());
        // the generated catalog ConfigMap got a content hash, and the Deployments follow it
        String catalog = resources.stream()
                .filter(resource -> "ConfigMap".equals(resource.get("kind")))
                .map(resource -> (String) map(resource.get("metadata")).get("name"))
                .filter(name -> name.startsWith("relops-catalog-"))
                .findFirst()
                .orElseThrow();
        assertThat(output).contains("name: " + catalog);
        if (overlay.equals("production")) {
            assertThat(output).contains("value: SASL_SSL");
            // production's Secrets are created beforehand, never rendered from the repository
            assertThat(resources).noneMatch(resource -> "Secret".equals(resource.get("kind")));
        }
    }

    /**
     * Every Deployment that runs two replicas or more (its own count, or its autoscaler's minimum) has a
     * PodDisruptionBudget that selects its pods and keeps one of them (minAvailable 1), and spreads its pods over
     * nodes; production runs two of every service.
     */
    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void protectsAndSpreadsEveryReplicatedDeployment(String overlay) throws Exception {
        List<Map<String, Object>> resources = resources(render("k8s/overlays/" + overlay));
        List<Map<String, Object>> budgets = resources.stream()
                .filter(resource -> "PodDisruptionBudget".equals(resource.get("kind")))
                .toList();
        List<String> replicated = new ArrayList<>();
        for (Map<String, Object> deployment : resources) {
            if (!"Deployment".equals(deployment.get("kind"))) {
                continue;
            }
            String name = (String) map(deployment.get("metadata")).get("name");
            Map<String, Object> template = map(map(deployment.get("spec")).get("template"));
            Map<String, Object> podLabels = map(map(template.get("metadata")).get("labels"));
            int replicas = Math.max(replicas(deployment), autoscalerMinimum(resources, name));
            if (replicas < 2) {
                continue;
            }
            replicated.add(name);
            List<Map<String, Object>> protecting = budgets.stream()
                    .filter(budget -> selects(map(map(budget.get("spec")).get("selector")), podLabels))
                    .toList();
            assertThat(protecting)
                    .as("PodDisruptionBudget selecting the pods of %s", name)
                    .hasSize(1);
            Map<String, Object> budget = map(protecting.get(0).get("spec"));
            assertThat(budget.get("minAvailable"))
                    .as("minAvailable of %s's budget", name)
                    .isEqualTo(1);
            assertThat(budget).as("%s's budget", name).doesNotContainKey("maxUnavailable");
            assertThat(map(protecting.get(0).get("metadata")).get("namespace"))
                    .isEqualTo(map(deployment.get("metadata")).get("namespace"));

            List<Object> spread = ComposeFileTest.list(map(template.get("spec")).get("topologySpreadConstraints"));
            assertThat(spread)
                    .as("topologySpreadConstraints of %s", name)
                    .anyMatch(constraint ->
                            "kubernetes.io/hostname".equals(map(constraint).get("topologyKey"))
                                    && List.of("ScheduleAnyway", "DoNotSchedule")
                                            .contains(map(constraint).get("whenUnsatisfiable"))
                                    && Integer.valueOf(1).equals(map(constraint).get("maxSkew"))
                                    && selects(map(map(constraint).get("labelSelector")), podLabels));
        }
        if (overlay.equals("production")) {
            assertThat(replicated)
                    .containsAll(Repository.services().stream()
                            .map(Repository.Service::module)
                            .toList());
        } else {
            assertThat(replicated).as("the local overlay runs one of each").isEmpty();
        }
    }

    private static int replicas(Map<String, Object> deployment) {
        Object replicas = map(deployment.get("spec")).get("replicas");
        return replicas == null ? 1 : ((Number) replicas).intValue();
    }

    private static int autoscalerMinimum(List<Map<String, Object>> resources, String deployment) {
        return resources.stream()
                .filter(resource -> "HorizontalPodAutoscaler".equals(resource.get("kind")))
                .map(resource -> map(resource.get("spec")))
                .filter(spec ->
                        deployment.equals(map(spec.get("scaleTargetRef")).get("name")))
                .mapToInt(spec -> spec.get("minReplicas") == null ? 1 : ((Number) spec.get("minReplicas")).intValue())
                .max()
                .orElse(0);
    }

    /** A label selector with matchLabels only (what relops uses) that selects pods with these labels. */
    private static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
        assertThat(selector).as("selector %s", selector).containsOnlyKeys("matchLabels");
        Map<String, Object> matchLabels = map(selector.get("matchLabels"));
        return !matchLabels.isEmpty()
                && matchLabels.entrySet().stream()
                        .allMatch(label -> label.getValue().equals(labels.get(label.getKey())));
    }

    /** The roles scripts are kept once, in ops/postgres/initdb (docker-compose mounts it); both users render them. */
    @ParameterizedTest
    @ValueSource(strings = {"k8s/overlays/local", "k8s/overlays/production/db-roles"})
    void runsTheOneCopyOfTheDatabaseRolesScripts(String dir) throws Exception {
        String output = render(dir);
        Map<String, Object> configMap = resources(output).stream()
                .filter(resource -> "ConfigMap".equals(resource.get("kind")))
                .filter(resource -> ((String) map(resource.get("metadata")).get("name")).startsWith("relops-db-roles-"))
                .findFirst()
                .orElseThrow();
        for (String script : List.of("10-relops-roles.sql", "20-relops-role-passwords.sh")) {
            assertThat(map(configMap.get("data")).get(script))
                    .as(script)
                    .isEqualTo(Files.readString(Repository.file("ops/postgres/initdb/" + script)));
        }
        assertThat(output).contains("name: " + map(configMap.get("metadata")).get("name") + "\n");
    }

    /**
     * k8s/monitoring renders its two ConfigMaps into the namespace {@code monitoring} under the names a Prometheus
     * outside the kustomization mounts them by (no hash suffix), the rules one copy of ops/prometheus/relops-rules.yml.
     */
    @Test
    void rendersThePrometheusConfigMapsUnderTheNamesPrometheusMounts() throws Exception {
        List<Map<String, Object>> configMaps = resources(render("k8s/monitoring")).stream()
                .filter(resource -> "ConfigMap".equals(resource.get("kind")))
                .toList();
        assertThat(configMaps)
                .extracting(resource -> map(resource.get("metadata")).get("name"))
                .containsExactlyInAnyOrder("relops-prometheus", "relops-prometheus-rules");
        assertThat(configMaps)
                .extracting(resource -> map(resource.get("metadata")).get("namespace"))
                .containsOnly("monitoring");
        Map<String, Object> rules = configMaps.stream()
                .filter(resource -> "relops-prometheus-rules"
                        .equals(map(resource.get("metadata")).get("name")))
                .findFirst()
                .orElseThrow();
        assertThat(map(rules.get("data")).get("relops-rules.yml"))
                .isEqualTo(Files.readString(Repository.file("ops/prometheus/relops-rules.yml")));
        // the configuration as rendered: production's alerts only reach production's alert-service
        Map<String, Object> prometheus = configMaps.stream()
                .filter(resource ->
                        "relops-prometheus".equals(map(resource.get("metadata")).get("name")))
                .findFirst()
                .orElseThrow();
        String config = String.valueOf(map(prometheus.get("data")).get("prometheus.yml"));
        assertThat(config).isEqualTo(Files.readString(Repository.file("k8s/monitoring/prometheus.yml")));
        Map<String, Object> alerting = map(map(Repository.yaml().load(config)).get("alerting"));
        assertThat(list(alerting.get("alert_relabel_configs")))
                .singleElement()
                .satisfies(relabel -> assertThat(map(relabel))
                        .containsEntry("source_labels", List.of("namespace"))
                        .containsEntry("regex", "relops|")
                        .containsEntry("action", "keep"));
    }

    /** {@code kubectl kustomize dir}'s output; the test is skipped, loudly, without kubectl and kustomize 5. */
    private static String render(String dir) throws Exception {
        Path kubectl = kubectl();
        assumeTrue(kubectl != null, "kubectl is not on the PATH: the overlays are NOT rendered");
        assumeTrue(
                kustomizeMajorVersion(kubectl) >= 5,
                "kubectl's built-in kustomize is older than v5 (Debian's kubernetes-client is): the overlays are NOT"
                        + " rendered");
        Process process = new ProcessBuilder(
                        kubectl.toString(), "kustomize", Repository.file(dir).toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private static List<Map<String, Object>> resources(String output) {
        List<Map<String, Object>> resources = new ArrayList<>();
        for (Object document : Repository.yaml().loadAll(output)) {
            resources.add(map(document));
        }
        return resources;
    }

    private static int kustomizeMajorVersion(Path kubectl) throws Exception {
        Process process = new ProcessBuilder(kubectl.toString(), "version", "--client")
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(30, TimeUnit.SECONDS);
        Matcher version = Pattern.compile("Kustomize Version: v(\\d+)").matcher(output);
        return version.find() ? Integer.parseInt(version.group(1)) : 0;
    }

    private static @Nullable Path kubectl() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "kubectl");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
