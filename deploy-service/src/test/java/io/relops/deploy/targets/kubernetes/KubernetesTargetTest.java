package io.relops.deploy.targets.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.relops.deploy.catalog.DeployCatalog;
import io.relops.deploy.targets.DeploymentFailedException;
import io.relops.deploy.targets.DeploymentTarget;
import io.relops.deploy.targets.GuardedTargets;
import io.relops.deploy.targets.TargetContext;
import io.relops.deploy.targets.TargetUnavailableException;
import io.relops.deploy.targets.Traffic;
import io.relops.deploy.testing.KubernetesFixtures;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The kubernetes target against fabric8's mock API server in CRUD mode (no controller sets status). */
@EnableKubernetesMockClient(crud = true)
class KubernetesTargetTest {

    private static final String NS = KubernetesFixtures.NS;

    KubernetesClient client;

    private KubernetesTarget target;

    @BeforeEach
    void setUp() {
        target = new KubernetesTarget(client);
    }

    @Test
    void deploysTheSlotAsADeploymentWithTheCatalogsImageLabelsAndEnvironment() {
        TargetContext context = context(Map.of());

        String endpoint = deployWhileMarkingReady(context, "green", "1.4.2");

        assertThat(endpoint).isEqualTo("http://shop-green.shop-prod.svc.cluster.local:8080");
        Deployment deployment = deployment("shop-green").get();
        assertThat(deployment.getMetadata().getLabels())
                .containsEntry("app", "shop")
                .containsEntry("slot", "green");
        assertThat(deployment.getMetadata().getAnnotations())
                .containsEntry("relops.io/version", "1.4.2")
                .containsEntry("relops.io/release-id", context.releaseId().toString());
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(deployment.getSpec().getSelector().getMatchLabels())
                .isEqualTo(Map.of("app", "shop", "slot", "green"));
        var container =
                deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("registry.example.com/shop:1.4.2");
        assertThat(container.getPorts().get(0).getContainerPort()).isEqualTo(8080);
        assertThat(container.getEnv())
                .containsExactly(new EnvVar("LOG_LEVEL", "debug", null), new EnvVar("REGION", "eu", null));
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("app", "shop")
                .containsEntry("slot", "green");
        Service service =
                client.services().inNamespace(NS).withName("shop-green").get();
        assertThat(service.getSpec().getSelector()).isEqualTo(Map.of("app", "shop", "slot", "green"));
        assertThat(service.getSpec().getPorts().get(0).getPort()).isEqualTo(8080);
    }

    @Test
    void returnsOnlyOnceTheRolloutIsReady() {
        TargetContext context = context(Map.of());
        CompletableFuture<String> deploy = CompletableFuture.supplyAsync(() -> target.deploy(context, "blue", "2.0.0"));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> deployment("shop-blue").get() != null);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !deploy.isDone());
        markReady("shop-blue");

        assertThat(deploy)
                .succeedsWithin(Duration.ofSeconds(10))
                .isEqualTo("http://shop-blue.shop-prod.svc.cluster.local:8080");
    }

    @Test
    void failsNamingTheDeadlineAndThePodStateWhenTheRolloutNeverCompletes() {
        TargetContext context = context(Map.of("ready-timeout", "1s"));
        client.pods()
                .inNamespace(NS)
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName("shop-green-7d9f-abcde")
                        .withLabels(Map.of("app", "shop", "slot", "green"))
                        .endMetadata()
                        .withNewStatus()
                        .withPhase("Pending")
                        .addNewContainerStatus()
                        .withName("shop")
                        .withReady(false)
                        .withNewState()
                        .withNewWaiting()
                        .withReason("ImagePullBackOff")
                        .withMessage("Back-off pulling image \"registry.example.com/shop:9.9.9\"")
                        .endWaiting()
                        .endState()
                        .endContainerStatus()
                        .endStatus()
                        .build())
                .create();

        assertThatThrownBy(() -> target.deploy(context, "green", "9.9.9"))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("shop 9.9.9 on slot green (Deployment shop-prod/shop-green)")
                .hasMessageContaining("was not ready within the deadline of PT1S")
                .hasMessageContaining("0/2 replicas ready")
                .hasMessageContaining("shop-green-7d9f-abcde Pending (ImagePullBackOff: Back-off pulling image");
    }

    @Test
    void failsTheReleasesDeployWhenReplicasStayUnavailablePastTheReadyTimeout() {
        TargetContext context = context(Map.of("ready-timeout", "2s"));
        for (String pod : List.of("shop-green-7d9f-aaaaa", "shop-green-7d9f-bbbbb")) {
            boolean crashing = pod.endsWith("bbbbb");
            client.pods()
                    .inNamespace(NS)
                    .resource(new PodBuilder()
                            .withNewMetadata()
                            .withName(pod)
                            .withLabels(Map.of("app", "shop", "slot", "green"))
                            .endMetadata()
                            .withNewStatus()
                            .withPhase("Running")
                            .addNewContainerStatus()
                            .withName("shop")
                            .withReady(!crashing)
                            .withNewState()
                            .withWaiting(
                                    crashing
                                            ? new ContainerStateWaiting(
                                                    "back-off 40s restarting failed container=shop", "CrashLoopBackOff")
                                            : null)
                            .endState()
                            .endContainerStatus()
                            .endStatus()
                            .build())
                    .create();
        }
        // the call a release's deploy step makes: guarded, and a verdict is not retried
        DeploymentTarget guarded = new GuardedTargets(List.of(target), List.of()).of(context);
        CompletableFuture<String> deploy =
                CompletableFuture.supplyAsync(() -> guarded.deploy(context, "green", "3.0.0"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> deployment("shop-green").get() != null);
        deployment("shop-green")
                .editStatus(d -> new DeploymentBuilder(d)
                        .withNewStatus()
                        .withObservedGeneration(d.getMetadata().getGeneration())
                        .withReplicas(2)
                        .withUpdatedReplicas(2)
                        .withReadyReplicas(1)
                        .withAvailableReplicas(0)
                        .withUnavailableReplicas(2)
                        .endStatus()
                        .build());

        assertThat(deploy)
                .failsWithin(Duration.ofSeconds(10))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause()
                .isInstanceOf(DeploymentFailedException.class)
                .withMessage("shop 3.0.0 on slot green (Deployment shop-prod/shop-green) was not ready within the"
                        + " deadline of PT2S: 1/2 replicas ready, 0 available, 2 updated, 2 unavailable; pods:"
                        + " shop-green-7d9f-aaaaa Running, shop-green-7d9f-bbbbb Running (CrashLoopBackOff: back-off"
                        + " 40s restarting failed container=shop)");
    }

    @Test
    void aReadyReplicaCountsOnlyOnceItIsAvailable() {
        Deployment deployment = new DeploymentBuilder()
                .withNewMetadata()
                .withName("shop-blue")
                .withGeneration(3L)
                .endMetadata()
                .withNewStatus()
                .withObservedGeneration(3L)
                .withReplicas(2)
                .withUpdatedReplicas(2)
                .withReadyReplicas(2)
                .withAvailableReplicas(1)
                .endStatus()
                .build();

        assertThat(Rollouts.rolledOut(deployment, 2)).isFalse();
        deployment.getStatus().setAvailableReplicas(2);
        assertThat(Rollouts.rolledOut(deployment, 2)).isTrue();
        deployment.getStatus().setReplicas(3); // an old replica is left
        assertThat(Rollouts.rolledOut(deployment, 2)).isFalse();
    }

    @Test
    void failsAtOnceWhenTheDeploymentReportsItsProgressDeadlineExceeded() {
        TargetContext context = context(Map.of("ready-timeout", "30s"));
        CompletableFuture<String> deploy =
                CompletableFuture.supplyAsync(() -> target.deploy(context, "green", "2.0.0"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> deployment("shop-green").get() != null);

        // reported for a generation before this deploy's edit: not its verdict yet
        reportProgressDeadlineExceeded("shop-green", -1, java.time.Instant.now());
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> !deploy.isDone());

        reportProgressDeadlineExceeded("shop-green", 0, java.time.Instant.now());

        assertThat(deploy)
                .failsWithin(Duration.ofSeconds(10))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause()
                .isInstanceOf(DeploymentFailedException.class)
                .withMessageContaining("failed its rollout: 0/2 replicas ready, 0 available, 2 updated")
                .withMessageContaining("has timed out progressing");
    }

    @Test
    void aProgressDeadlineLeftByAFailedRolloutDoesNotFailTheNextDeployToTheSlot() {
        TargetContext context = context(Map.of("ready-timeout", "30s"));
        CompletableFuture<String> failed =
                CompletableFuture.supplyAsync(() -> target.deploy(context, "green", "2.0.0"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> deployment("shop-green").get() != null);
        reportProgressDeadlineExceeded("shop-green", 0, java.time.Instant.now());
        assertThat(failed).failsWithin(Duration.ofSeconds(10));
        target.stop(context, "green"); // scales to 0, the condition stays

        long before = deployment("shop-green").get().getMetadata().getGeneration();
        CompletableFuture<String> next = CompletableFuture.supplyAsync(() -> target.deploy(context, "green", "2.0.1"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> deployment("shop-green").get().getMetadata().getGeneration() > before);

        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> !next.isDone());
        markReady("shop-green");
        assertThat(next).succeedsWithin(Duration.ofSeconds(10));
    }

    @Test
    void aProgressDeadlineConditionLastUpdatedBeforeThisDeploysEditIsNotItsVerdict() {
        Deployment observed = new DeploymentBuilder()
                .withNewMetadata()
                .withName("shop-green")
                .withGeneration(4L)
                .endMetadata()
                .withNewStatus()
                .withObservedGeneration(4L)
                .addNewCondition()
                .withType("Progressing")
                .withStatus("False")
                .withReason("ProgressDeadlineExceeded")
                .withLastUpdateTime("2026-01-01T10:00:00Z")
                .endCondition()
                .endStatus()
                .build();

        assertThat(Rollouts.progressDeadlineExceeded(observed, 4, java.time.Instant.parse("2026-01-01T10:00:01Z")))
                .isFalse();
        assertThat(Rollouts.progressDeadlineExceeded(observed, 4, java.time.Instant.parse("2026-01-01T10:00:00Z")))
                .isTrue();
        assertThat(Rollouts.progressDeadlineExceeded(observed, 5, java.time.Instant.parse("2026-01-01T10:00:00Z")))
                .as("the controller has not observed generation 5 yet")
                .isFalse();
    }

    /** What the Deployment controller reports when the rollout of generation + {@code offset} timed out. */
    private void reportProgressDeadlineExceeded(String name, long offset, java.time.Instant at) {
        deployment(name)
                .editStatus(d -> new DeploymentBuilder(d)
                        .withNewStatus()
                        .withObservedGeneration(d.getMetadata().getGeneration() + offset)
                        .withReplicas(2)
                        .withUpdatedReplicas(2)
                        .withReadyReplicas(0)
                        .addNewCondition()
                        .withType("Progressing")
                        .withStatus("False")
                        .withReason("ProgressDeadlineExceeded")
                        .withLastUpdateTime(at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                                .toString())
                        .withMessage("ReplicaSet \"shop-green-7d9f\" has timed out progressing.")
                        .endCondition()
                        .endStatus()
                        .build());
    }

    @Test
    void waitsForTheControllerToObserveANewVersion() {
        TargetContext context = context(Map.of("ready-timeout", "1s"));
        deployWhileMarkingReady(context, "blue", "1.0.0");

        // the status still says ready, but for the previous generation: not rolled out
        assertThatThrownBy(() -> target.deploy(context, "blue", "1.0.1"))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("deadline of PT1S");
        assertThat(deployment("shop-blue")
                        .get()
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo("registry.example.com/shop:1.0.1");
    }

    @Test
    void redeployingTheSameVersionChangesNothing() {
        TargetContext context = context(Map.of());
        deployWhileMarkingReady(context, "blue", "1.0.0");
        Deployment first = deployment("shop-blue").get();

        String endpoint = target.deploy(context, "blue", "1.0.0");

        Deployment second = deployment("shop-blue").get();
        assertThat(endpoint).isEqualTo("http://shop-blue.shop-prod.svc.cluster.local:8080");
        assertThat(second.getMetadata().getGeneration())
                .isEqualTo(first.getMetadata().getGeneration());
        assertThat(client.apps().deployments().inNamespace(NS).list().getItems())
                .hasSize(1);
        assertThat(client.services().inNamespace(NS).list().getItems()).hasSize(1);
    }

    @Test
    void refusesAVersionThatIsNotAnImageTag() {
        TargetContext context = context(Map.of());

        assertThatThrownBy(() -> target.deploy(context, "blue", "1.0@sha256:evil"))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("not a valid image tag");
        assertThat(deployment("shop-blue").get()).isNull();
    }

    @Test
    void blueGreenSwitchesTheStableServiceSelector() {
        TargetContext context = context(Map.of());
        String blue = deployWhileMarkingReady(context, "blue", "1.0.0");
        String green = deployWhileMarkingReady(context, "green", "1.1.0");

        target.route(context, Traffic.all("blue", blue));
        assertThat(stableService().getSpec().getSelector()).isEqualTo(Map.of("app", "shop", "slot", "blue"));

        target.route(context, Traffic.all("green", green));
        assertThat(stableService().getSpec().getSelector()).isEqualTo(Map.of("app", "shop", "slot", "green"));
        assertThat(client.services().inNamespace(NS).list().getItems())
                .extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder("shop", "shop-blue", "shop-green");
    }

    @Test
    void takingOverTheUsersServiceChangesOnlyItsSelector() {
        client.services()
                .inNamespace(NS)
                .resource(new io.fabric8.kubernetes.api.model.ServiceBuilder()
                        .withNewMetadata()
                        .withName("shop")
                        .withLabels(Map.of("team", "checkout"))
                        .endMetadata()
                        .withNewSpec()
                        .withSelector(Map.of("app", "shop-web"))
                        .addNewPort()
                        .withName("web")
                        .withPort(80)
                        .withTargetPort(new io.fabric8.kubernetes.api.model.IntOrString(8080))
                        .endPort()
                        .endSpec()
                        .build())
                .create();
        TargetContext context = context(Map.of());
        String blue = deployWhileMarkingReady(context, "blue", "1.0.0");

        target.route(context, Traffic.all("blue", blue));

        Service service = stableService();
        assertThat(service.getSpec().getSelector()).isEqualTo(Map.of("app", "shop", "slot", "blue"));
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getName()).isEqualTo("web");
            assertThat(port.getPort()).isEqualTo(80);
            assertThat(port.getTargetPort().getIntVal()).isEqualTo(8080);
        });
        assertThat(service.getMetadata().getLabels()).isEqualTo(Map.of("team", "checkout"));
    }

    @Test
    void canaryWithGatewayApiWritesTheHttpRouteWeights() {
        TargetContext context =
                context(Map.of("traffic", "gateway-api", "gateway.name", "edge", "gateway.namespace", "infra"));
        String blue = deployWhileMarkingReady(context, "blue", "1.0.0");
        String green = deployWhileMarkingReady(context, "green", "1.1.0");

        target.route(context, Traffic.split("blue", blue, "green", green, 25));

        HTTPRoute route = client.resources(HTTPRoute.class)
                .inNamespace(NS)
                .withName("shop")
                .get();
        assertThat(route.getSpec().getParentRefs().get(0).getName()).isEqualTo("edge");
        assertThat(route.getSpec().getParentRefs().get(0).getNamespace()).isEqualTo("infra");
        assertThat(weights(route)).isEqualTo(Map.of("shop-blue", 75, "shop-green", 25));
        assertThat(stableService().getSpec().getSelector()).isEqualTo(Map.of("app", "shop", "slot", "blue"));

        target.route(context, Traffic.split("blue", blue, "green", green, 50));
        assertThat(weights(client.resources(HTTPRoute.class)
                        .inNamespace(NS)
                        .withName("shop")
                        .get()))
                .isEqualTo(Map.of("shop-blue", 50, "shop-green", 50));

        target.route(context, Traffic.split("blue", blue, "green", green, 100));
        assertThat(weights(client.resources(HTTPRoute.class)
                        .inNamespace(NS)
                        .withName("shop")
                        .get()))
                .isEqualTo(Map.of("shop-green", 100));
        assertThat(stableService().getSpec().getSelector()).isEqualTo(Map.of("app", "shop", "slot", "green"));
    }

    @Test
    void canaryWithoutGatewayApiApproximatesTheWeightByReplicas() {
        TargetContext context = context(Map.of("replicas", "4"));
        String blue = deployWhileMarkingReady(context, "blue", "1.0.0");
        String green = deployWhileMarkingReady(context, "green", "1.1.0");
        target.route(context, Traffic.all("blue", blue));

        target.route(context, Traffic.split("blue", blue, "green", green, 25));

        assertThat(deployment("shop-green").get().getSpec().getReplicas()).isEqualTo(1);
        assertThat(deployment("shop-blue").get().getSpec().getReplicas()).isEqualTo(3);
        assertThat(stableService().getSpec().getSelector())
                .isEqualTo(Map.of("app", "shop", "app.kubernetes.io/managed-by", "relops"));

        // the shrunk slots reported ready first, so that the controller below has only the route's edits to answer
        markReady("shop-green");
        markReady("shop-blue");
        try (var controller = KubernetesFixtures.readyController(client)) {
            target.route(context, Traffic.split("blue", blue, "green", green, 50));
            assertThat(deployment("shop-green").get().getSpec().getReplicas()).isEqualTo(2);
            assertThat(deployment("shop-blue").get().getSpec().getReplicas()).isEqualTo(2);

            target.route(context, Traffic.all("green", green));
            assertThat(deployment("shop-green").get().getSpec().getReplicas()).isEqualTo(4);
            assertThat(stableService().getSpec().getSelector()).isEqualTo(Map.of("app", "shop", "slot", "green"));
        }
    }

    @Test
    void theReplicaRatioShrinksTheOtherSlotOnlyOnceTheGrownSlotsPodsAreReady() {
        TargetContext context = context(Map.of("replicas", "4"));
        String blue = deployWhileMarkingReady(context, "blue", "1.0.0");
        String green = deployWhileMarkingReady(context, "green", "1.1.0");
        target.route(context, Traffic.all("blue", blue));
        target.route(context, Traffic.split("blue", blue, "green", green, 25)); // green 1, blue 3: both shrink

        CompletableFuture<?> half = CompletableFuture.runAsync(
                () -> target.route(context, Traffic.split("blue", blue, "green", green, 50)));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> deployment("shop-green").get().getSpec().getReplicas() == 2);
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(2))
                .until(() -> !half.isDone()
                        && deployment("shop-blue").get().getSpec().getReplicas() == 3);
        markReady("shop-green");
        assertThat(half).succeedsWithin(Duration.ofSeconds(10));
        assertThat(deployment("shop-blue").get().getSpec().getReplicas()).isEqualTo(2);

        // all to green: it grows to 4, and the stable Service selects it only once those pods are ready
        CompletableFuture<?> all = CompletableFuture.runAsync(() -> target.route(context, Traffic.all("green", green)));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> deployment("shop-green").get().getSpec().getReplicas() == 4);
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(2))
                .until(() -> !all.isDone()
                        && stableService().getSpec().getSelector().containsKey("app.kubernetes.io/managed-by"));
        markReady("shop-green");
        assertThat(all).succeedsWithin(Duration.ofSeconds(10));
        assertThat(stableService().getSpec().getSelector()).isEqualTo(Map.of("app", "shop", "slot", "green"));
    }

    @Test
    void aGrownSlotWhosePodsNeverGetReadyFailsTheRouteAtTheReadyTimeout() {
        TargetContext context = context(Map.of("replicas", "4", "ready-timeout", "1s"));
        String blue = deployWhileMarkingReady(context, "blue", "1.0.0");
        String green = deployWhileMarkingReady(context, "green", "1.1.0");
        target.route(context, Traffic.all("blue", blue));
        target.route(context, Traffic.split("blue", blue, "green", green, 25));

        assertThatThrownBy(() -> target.route(context, Traffic.split("blue", blue, "green", green, 50)))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("shop scaled to 2 replicas on slot green (Deployment shop-prod/shop-green) was"
                        + " not ready within the deadline of PT1S");
        assertThat(deployment("shop-blue").get().getSpec().getReplicas())
                .as("the stable slot is not shrunk")
                .isEqualTo(3);
    }

    @Test
    void replicaSplitKeepsAPodOnEachSideThatReceivesTraffic() {
        assertThat(KubernetesTarget.replicaSplit(4, 5)).containsExactly(3, 1);
        assertThat(KubernetesTarget.replicaSplit(4, 50)).containsExactly(2, 2);
        assertThat(KubernetesTarget.replicaSplit(10, 25)).containsExactly(7, 3);
        assertThat(KubernetesTarget.replicaSplit(4, 99)).containsExactly(1, 3);
        assertThat(KubernetesTarget.replicaSplit(1, 50)).containsExactly(1, 1);
    }

    @Test
    void stopScalesTheSlotToZeroAndIsANoOpWithoutDeployment() {
        TargetContext context = context(Map.of());
        deployWhileMarkingReady(context, "blue", "1.0.0");

        target.stop(context, "blue");
        target.stop(context, "blue");
        target.stop(context, "green");

        assertThat(deployment("shop-blue").get().getSpec().getReplicas()).isZero();
        assertThat(deployment("shop-green").get()).isNull();
    }

    @Test
    void classifiesApiFailuresAsTransientOrFinal() {
        assertThat(KubernetesTarget.translate("apply x", new KubernetesClientException("down", 503, null)))
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("HTTP 503");
        assertThat(KubernetesTarget.translate("apply x", new KubernetesClientException("busy", 429, null)))
                .isInstanceOf(TargetUnavailableException.class);
        assertThat(KubernetesTarget.translate(
                        "apply x", new KubernetesClientException("no route", new IOException("connection refused"))))
                .isInstanceOf(TargetUnavailableException.class);
        assertThat(KubernetesTarget.translate("apply x", new KubernetesClientException("invalid image", 422, null)))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("Kubernetes refused to apply x (HTTP 422): invalid image");
        assertThat(KubernetesTarget.translate("apply x", new KubernetesClientException("forbidden", 403, null)))
                .isInstanceOf(DeploymentFailedException.class);
    }

    private String deployWhileMarkingReady(TargetContext context, String slot, String version) {
        return KubernetesFixtures.deployWhileMarkingReady(target, client, context, slot, version);
    }

    private void markReady(String name) {
        KubernetesFixtures.markReady(client, name);
    }

    private RollableScalableResource<Deployment> deployment(String name) {
        return client.apps().deployments().inNamespace(NS).withName(name);
    }

    private Service stableService() {
        return client.services().inNamespace(NS).withName("shop").get();
    }

    private static Map<String, Integer> weights(HTTPRoute route) {
        Map<String, Integer> weights = new HashMap<>();
        List<HTTPBackendRef> backends = route.getSpec().getRules().get(0).getBackendRefs();
        backends.forEach(b -> weights.put(b.getName(), b.getWeight()));
        return weights;
    }

    @Test
    void anEnvironmentsObjectsAreNamedAfterItsNameWhereItSharesTheNamespace() {
        Map<String, String> properties = properties(Map.of());
        properties.put("relops.applications.shop.environments.prod.approval.required", "true");
        properties.put("relops.applications.shop.environments.staging.target.kubernetes.name", "shop-staging");
        properties.put("relops.applications.shop.environments.staging.target.kubernetes.replicas", "1");
        DeployCatalog catalog = DeployCatalog.of(new MapConfigurationPropertySource(properties));
        TargetContext staging = new TargetContext(
                UUID.randomUUID(),
                "shop",
                "staging",
                catalog.application("shop", "staging").orElseThrow());

        CompletableFuture<String> deploy = CompletableFuture.supplyAsync(() -> target.deploy(staging, "blue", "2.0.0"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> deployment("shop-staging-blue").get() != null);
        markReady("shop-staging-blue");

        assertThat(deploy)
                .succeedsWithin(Duration.ofSeconds(10))
                .isEqualTo("http://shop-staging-blue.shop-prod.svc.cluster.local:8080");
        Deployment deployment = deployment("shop-staging-blue").get();
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        assertThat(deployment.getSpec().getSelector().getMatchLabels())
                .isEqualTo(Map.of("app", "shop-staging", "slot", "blue"));
        assertThat(deployment("shop-blue").get()).as("prod's objects").isNull();
        target.route(staging, Traffic.all("blue", "http://shop-staging-blue.shop-prod.svc.cluster.local:8080"));
        assertThat(client.services()
                        .inNamespace(NS)
                        .withName("shop-staging")
                        .get()
                        .getSpec()
                        .getSelector())
                .isEqualTo(Map.of("app", "shop-staging", "slot", "blue"));
        assertThat(client.services().inNamespace(NS).withName("shop").get())
                .as("prod's stable Service")
                .isNull();
    }

    /** The catalog entry of application {@code shop}, bound like deploy-service binds catalog.yml. */
    private static TargetContext context(Map<String, String> kubernetes) {
        DeployCatalog catalog = DeployCatalog.of(new MapConfigurationPropertySource(properties(kubernetes)));
        return new TargetContext(
                UUID.randomUUID(), "shop", "prod", catalog.application("shop").orElseThrow());
    }

    private static Map<String, String> properties(Map<String, String> kubernetes) {
        Map<String, String> properties = new HashMap<>();
        String prefix = "relops.applications.shop.target.";
        properties.put(prefix + "type", "kubernetes");
        properties.put(prefix + "kubernetes.namespace", NS);
        properties.put(prefix + "kubernetes.image", "registry.example.com/shop");
        properties.put(prefix + "kubernetes.replicas", "2");
        properties.put(prefix + "kubernetes.port", "8080");
        properties.put(prefix + "kubernetes.env.REGION", "eu");
        properties.put(prefix + "kubernetes.env.LOG_LEVEL", "debug");
        properties.put(prefix + "kubernetes.ready-timeout", "10s");
        kubernetes.forEach((key, value) -> properties.put(prefix + "kubernetes." + key, value));
        return properties;
    }
}
