package io.relops.deploy.targets.kubernetes;

import static io.relops.deploy.testing.KubernetesFixtures.NS;
import static io.relops.deploy.testing.KubernetesFixtures.context;
import static io.relops.deploy.testing.KubernetesFixtures.deployWhileMarkingReady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.relops.deploy.targets.DeploymentFailedException;
import io.relops.deploy.targets.TargetContext;
import io.relops.deploy.targets.Traffic;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The slots' pod template derived from the user's own Deployment ({@code workload-ref}) or the catalog's {@code
 * pod-template}: only the main container's image tag and relops' labels change.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesWorkloadRefTest {

    KubernetesClient client;

    private KubernetesTarget target;

    @BeforeEach
    void setUp() {
        target = new KubernetesTarget(client);
    }

    @Test
    void bothSlotsRunTheUsersPodTemplateWithOnlyTheImageTagAndRelopsLabelsChanged() {
        Deployment user = client.apps()
                .deployments()
                .inNamespace(NS)
                .resource(usersDeployment())
                .create();
        TargetContext context = context(Map.of("target.kubernetes.workload-ref.name", "shop-web"));

        deployWhileMarkingReady(target, client, context, "blue", "1.4.2");
        deployWhileMarkingReady(target, client, context, "green", "1.5.0");

        PodTemplateSpec original = user.getSpec().getTemplate();
        for (var slot : Map.of("blue", "1.4.2", "green", "1.5.0").entrySet()) {
            Deployment deployment = deployment("shop-" + slot.getKey());
            PodTemplateSpec template = deployment.getSpec().getTemplate();
            PodSpec pod = template.getSpec();
            Container app = pod.getContainers().get(0);
            Container originalApp = original.getSpec().getContainers().get(0);
            assertThat(app.getImage()).isEqualTo("registry.example.com:5000/team/shop:" + slot.getValue());
            assertThat(app.getReadinessProbe()).isEqualTo(originalApp.getReadinessProbe());
            assertThat(app.getLivenessProbe()).isEqualTo(originalApp.getLivenessProbe());
            assertThat(app.getResources()).isEqualTo(originalApp.getResources());
            assertThat(app.getEnv()).isEqualTo(originalApp.getEnv());
            assertThat(app.getEnv())
                    .anySatisfy(env -> assertThat(
                                    env.getValueFrom().getSecretKeyRef().getName())
                            .isEqualTo("shop-db"));
            assertThat(app.getEnvFrom()).isEqualTo(originalApp.getEnvFrom());
            assertThat(app.getVolumeMounts()).isEqualTo(originalApp.getVolumeMounts());
            assertThat(app.getPorts()).isEqualTo(originalApp.getPorts());
            assertThat(app.getSecurityContext()).isEqualTo(originalApp.getSecurityContext());
            assertThat(pod.getContainers().get(1))
                    .as("the sidecar")
                    .isEqualTo(original.getSpec().getContainers().get(1));
            assertThat(pod.getInitContainers()).isEqualTo(original.getSpec().getInitContainers());
            assertThat(pod.getVolumes()).isEqualTo(original.getSpec().getVolumes());
            assertThat(pod.getServiceAccountName()).isEqualTo("shop-runtime");
            assertThat(pod.getSecurityContext()).isEqualTo(original.getSpec().getSecurityContext());
            assertThat(pod.getNodeSelector()).isEqualTo(Map.of("pool", "web"));
            assertThat(pod.getTolerations()).isEqualTo(original.getSpec().getTolerations());
            assertThat(pod.getAffinity()).isEqualTo(original.getSpec().getAffinity());
            assertThat(template.getMetadata().getLabels())
                    .containsEntry("app", "shop")
                    .containsEntry("slot", slot.getKey())
                    .containsEntry("app.kubernetes.io/managed-by", "relops")
                    .containsEntry("app.kubernetes.io/name", "shop");
            assertThat(template.getMetadata().getAnnotations())
                    .containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("relops.io/version", slot.getValue());
            assertThat(deployment.getSpec().getSelector().getMatchLabels())
                    .isEqualTo(Map.of("app", "shop", "slot", slot.getKey()));
            assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
            assertThat(deployment.getSpec().getMinReadySeconds()).isEqualTo(10);
        }
        Deployment after = deployment("shop-web");
        assertThat(after.getSpec()).as("the user's Deployment is left alone").isEqualTo(user.getSpec());
    }

    @Test
    void changesTheNamedContainerWhenItIsNotTheFirstAndAddsTheCatalogsEnv() {
        Deployment user = usersDeployment();
        var containers = user.getSpec().getTemplate().getSpec().getContainers();
        user.getSpec().getTemplate().getSpec().setContainers(java.util.List.of(containers.get(1), containers.get(0)));
        client.apps().deployments().inNamespace(NS).resource(user).create();
        TargetContext context = context(Map.of(
                "target.kubernetes.workload-ref.name", "shop-web",
                "target.kubernetes.container", "app",
                "target.kubernetes.env.LOG_LEVEL", "debug",
                "target.kubernetes.env.REGION", "eu"));

        deployWhileMarkingReady(target, client, context, "blue", "2.0.0");

        var pod = deployment("shop-blue").getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers().get(0).getImage()).isEqualTo("envoyproxy/envoy:v1.31.0");
        assertThat(pod.getContainers().get(1).getImage()).isEqualTo("registry.example.com:5000/team/shop:2.0.0");
        assertThat(pod.getContainers().get(1).getEnv())
                .extracting(EnvVar::getName)
                .containsExactly("DB_PASSWORD", "LOG_LEVEL", "REGION");
        assertThat(pod.getContainers().get(1).getEnv().get(1).getValue()).isEqualTo("debug");
    }

    @Test
    void theCatalogsImageRepositoryWinsOverTheWorkloads() {
        client.apps().deployments().inNamespace(NS).resource(usersDeployment()).create();
        TargetContext context = context(Map.of(
                "target.kubernetes.workload-ref.name", "shop-web",
                "target.kubernetes.image", "mirror.example.com/shop"));

        deployWhileMarkingReady(target, client, context, "blue", "2.0.0");

        assertThat(deployment("shop-blue")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo("mirror.example.com/shop:2.0.0");
    }

    @Test
    void failsNamingAWorkloadRefThatDoesNotExistOrAContainerItLacks() {
        assertThatThrownBy(() -> target.deploy(
                        context(Map.of("target.kubernetes.workload-ref.name", "shop-web")), "blue", "1.0.0"))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessage("shop: target.kubernetes.workload-ref names the Deployment shop-prod/shop-web, which does"
                        + " not exist");

        client.apps().deployments().inNamespace(NS).resource(usersDeployment()).create();
        assertThatThrownBy(() -> target.deploy(
                        context(Map.of(
                                "target.kubernetes.workload-ref.name", "shop-web",
                                "target.kubernetes.container", "web")),
                        "blue",
                        "1.0.0"))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("target.kubernetes.container 'web' is not a container of the Deployment"
                        + " shop-prod/shop-web (target.kubernetes.workload-ref) (containers: [app, envoy])");
        assertThatThrownBy(() -> target.deploy(
                        context(Map.of(
                                "target.kubernetes.workload-ref.name", "shop-web", "target.kubernetes.port", "9090")),
                        "blue",
                        "1.0.0"))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("declares the ports [8080], not target.kubernetes.port 9090");
        assertThat(client.apps()
                        .deployments()
                        .inNamespace(NS)
                        .withName("shop-blue")
                        .get())
                .isNull();
    }

    @Test
    void theUsersDeploymentIsNeverWrittenToNotEvenWhenARelopsSlotServesEverything() {
        client.apps().deployments().inNamespace(NS).resource(usersDeployment()).create();
        TargetContext context = context(Map.of("target.kubernetes.workload-ref.name", "shop-web"));
        String blue = deployWhileMarkingReady(target, client, context, "blue", "1.0.0");
        String before = deployment("shop-web").getMetadata().getResourceVersion();

        target.route(context, Traffic.all("blue", blue));

        assertThat(deployment("shop-web").getSpec().getReplicas()).isEqualTo(3);
        assertThat(deployment("shop-web").getMetadata().getResourceVersion()).isEqualTo(before);
    }

    @Test
    void aPodTemplateInTheCatalogKeepsItsLabelKeysAndSettings() {
        TargetContext context = context(Map.of("target.kubernetes.pod-template", """
                metadata:
                  labels:
                    app.kubernetes.io/part-of: shop
                  annotations:
                    prometheus.io/port: "8080"
                spec:
                  serviceAccountName: shop-runtime
                  containers:
                    - name: app
                      image: registry.example.com/shop:0.0.1
                      ports:
                        - containerPort: 8080
                      readinessProbe:
                        httpGet: { path: /ready, port: 8080 }
                      resources:
                        requests: { cpu: 250m, memory: 256Mi }
                      env:
                        - name: DB_PASSWORD
                          valueFrom:
                            secretKeyRef: { name: shop-db, key: password }
                """));

        deployWhileMarkingReady(target, client, context, "green", "3.1.0");

        PodTemplateSpec template = deployment("shop-green").getSpec().getTemplate();
        Container app = template.getSpec().getContainers().get(0);
        assertThat(app.getImage()).isEqualTo("registry.example.com/shop:3.1.0");
        assertThat(app.getReadinessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString(8080));
        assertThat(app.getResources().getRequests()).containsEntry("cpu", new Quantity("250m"));
        assertThat(app.getEnv().get(0).getValueFrom().getSecretKeyRef().getKey())
                .isEqualTo("password");
        assertThat(template.getSpec().getServiceAccountName()).isEqualTo("shop-runtime");
        assertThat(template.getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/part-of", "shop")
                .containsEntry("slot", "green");
        assertThat(template.getMetadata().getAnnotations()).containsEntry("prometheus.io/port", "8080");
    }

    @Test
    void aPodTemplateThatIsNotOneFailsNamingTheKey() {
        TargetContext context = context(Map.of("target.kubernetes.pod-template", "spec:\n  hostname: x\n"));

        assertThatThrownBy(() -> target.deploy(context, "blue", "1.0.0"))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("target.kubernetes.pod-template has no spec.containers");
    }

    @Test
    void anImagesRepositoryIsItsReferenceWithoutTagOrDigest() {
        assertThat(SlotTemplates.repository("registry.example.com:5000/team/shop:1.2"))
                .isEqualTo("registry.example.com:5000/team/shop");
        assertThat(SlotTemplates.repository("registry.example.com:5000/team/shop"))
                .isEqualTo("registry.example.com:5000/team/shop");
        assertThat(SlotTemplates.repository("shop:1.2@sha256:0123abcd")).isEqualTo("shop");
        assertThat(SlotTemplates.repository("nginx")).isEqualTo("nginx");
    }

    private Deployment deployment(String name) {
        return client.apps().deployments().inNamespace(NS).withName(name).get();
    }

    /** A Deployment as a Helm chart writes it: probes, resources, secrets, volumes, a sidecar, scheduling. */
    private static Deployment usersDeployment() {
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName("shop-web")
                .withNamespace(NS)
                .withLabels(Map.of("app.kubernetes.io/name", "shop", "helm.sh/chart", "shop-1.0.0"))
                .endMetadata()
                .withNewSpec()
                .withReplicas(3)
                .withMinReadySeconds(10)
                .withNewSelector()
                .withMatchLabels(Map.of("app.kubernetes.io/name", "shop"))
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(Map.of("app.kubernetes.io/name", "shop"))
                .withAnnotations(Map.of("prometheus.io/scrape", "true"))
                .endMetadata()
                .withNewSpec()
                .withServiceAccountName("shop-runtime")
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withFsGroup(2000L)
                .endSecurityContext()
                .withNodeSelector(Map.of("pool", "web"))
                .addNewToleration()
                .withKey("dedicated")
                .withOperator("Equal")
                .withValue("web")
                .withEffect("NoSchedule")
                .endToleration()
                .withNewAffinity()
                .withNewPodAntiAffinity()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution()
                .withWeight(100)
                .withNewPodAffinityTerm()
                .withTopologyKey("kubernetes.io/hostname")
                .withNewLabelSelector()
                .withMatchLabels(Map.of("app.kubernetes.io/name", "shop"))
                .endLabelSelector()
                .endPodAffinityTerm()
                .endPreferredDuringSchedulingIgnoredDuringExecution()
                .endPodAntiAffinity()
                .endAffinity()
                .addNewInitContainer()
                .withName("migrate")
                .withImage("registry.example.com:5000/team/shop-migrations:1.0.0")
                .endInitContainer()
                .addNewContainer()
                .withName("app")
                .withImage("registry.example.com:5000/team/shop:1.0.0")
                .addNewPort()
                .withName("http")
                .withContainerPort(8080)
                .endPort()
                .withNewReadinessProbe()
                .withNewHttpGet()
                .withPath("/actuator/health/readiness")
                .withPort(new IntOrString("http"))
                .endHttpGet()
                .withPeriodSeconds(5)
                .withFailureThreshold(3)
                .endReadinessProbe()
                .withNewLivenessProbe()
                .withNewHttpGet()
                .withPath("/actuator/health/liveness")
                .withPort(new IntOrString("http"))
                .endHttpGet()
                .endLivenessProbe()
                .withNewResources()
                .withRequests(Map.of("cpu", new Quantity("500m"), "memory", new Quantity("512Mi")))
                .withLimits(Map.of("memory", new Quantity("512Mi")))
                .endResources()
                .withEnv(new EnvVarBuilder()
                        .withName("DB_PASSWORD")
                        .withNewValueFrom()
                        .withNewSecretKeyRef()
                        .withName("shop-db")
                        .withKey("password")
                        .endSecretKeyRef()
                        .endValueFrom()
                        .build())
                .addNewEnvFrom()
                .withNewConfigMapRef()
                .withName("shop-config")
                .endConfigMapRef()
                .endEnvFrom()
                .addNewVolumeMount()
                .withName("tls")
                .withMountPath("/etc/shop/tls")
                .withReadOnly(true)
                .endVolumeMount()
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false)
                .endSecurityContext()
                .endContainer()
                .addNewContainer()
                .withName("envoy")
                .withImage("envoyproxy/envoy:v1.31.0")
                .addNewPort()
                .withContainerPort(9901)
                .endPort()
                .endContainer()
                .addNewVolume()
                .withName("tls")
                .withNewSecret()
                .withSecretName("shop-tls")
                .endSecret()
                .endVolume()
                .addNewVolume()
                .withName("cache")
                .withNewEmptyDir()
                .endEmptyDir()
                .endVolume()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }
}
