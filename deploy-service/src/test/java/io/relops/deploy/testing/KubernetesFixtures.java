package io.relops.deploy.testing;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.relops.deploy.catalog.DeployCatalog;
import io.relops.deploy.targets.DeploymentTarget;
import io.relops.deploy.targets.TargetContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The kubernetes target's tests against fabric8's mock API server in CRUD mode, where no controller sets a
 * Deployment's status: a catalog entry for application {@code shop} in namespace {@link #NS}, and what the Deployment
 * controller would do once every pod is ready.
 */
public final class KubernetesFixtures {

    public static final String NS = "shop-prod";

    private KubernetesFixtures() {}

    /**
     * The catalog of application {@code shop} on the kubernetes target in {@link #NS} (2 replicas, port 8080, ready
     * timeout 10s), with {@code settings} (keys under {@code relops.applications.shop.}) on top, bound like
     * deploy-service binds catalog.yml.
     */
    public static TargetContext context(Map<String, String> settings) {
        Map<String, String> properties = new HashMap<>();
        String prefix = "relops.applications.shop.";
        properties.put(prefix + "target.type", "kubernetes");
        properties.put(prefix + "target.kubernetes.namespace", NS);
        properties.put(prefix + "target.kubernetes.replicas", "2");
        properties.put(prefix + "target.kubernetes.port", "8080");
        properties.put(prefix + "target.kubernetes.ready-timeout", "10s");
        settings.forEach((key, value) -> properties.put(prefix + key, value));
        DeployCatalog catalog = DeployCatalog.of(new MapConfigurationPropertySource(properties));
        return new TargetContext(
                UUID.randomUUID(), "shop", "prod", catalog.application("shop").orElseThrow());
    }

    /** Deploys {@code version} on {@code slot} while playing the Deployment controller that reports it ready. */
    public static String deployWhileMarkingReady(
            DeploymentTarget target, KubernetesClient client, TargetContext context, String slot, String version) {
        String name = "shop-" + slot;
        Deployment before =
                client.apps().deployments().inNamespace(NS).withName(name).get();
        Long previous = before == null ? null : before.getMetadata().getGeneration();
        CompletableFuture<Void> controller = CompletableFuture.runAsync(() -> {
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                Deployment now = client.apps()
                        .deployments()
                        .inNamespace(NS)
                        .withName(name)
                        .get();
                return now != null
                        && (previous == null
                                || !previous.equals(now.getMetadata().getGeneration()));
            });
            markReady(client, name);
        });
        String endpoint = target.deploy(context, slot, version);
        controller.orTimeout(10, TimeUnit.SECONDS).join();
        return endpoint;
    }

    /**
     * Plays the Deployment controller for every Deployment in {@link #NS} until closed: a watch that reports each new
     * generation ready ({@link #markReady}), for tests that scale slots (a grown slot is waited for).
     */
    public static Watch readyController(KubernetesClient client) {
        return client.apps().deployments().inNamespace(NS).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Deployment deployment) {
                Long generation = deployment.getMetadata().getGeneration();
                DeploymentStatus status = deployment.getStatus();
                boolean behind = status == null
                        || status.getObservedGeneration() == null
                        || (generation != null && status.getObservedGeneration() < generation);
                if (action != Action.DELETED && behind) {
                    markReady(client, deployment.getMetadata().getName());
                }
            }

            @Override
            public void onClose(WatcherException cause) {}
        });
    }

    /** What the Deployment controller reports once every pod of the current template is ready and available. */
    public static void markReady(KubernetesClient client, String name) {
        client.apps()
                .deployments()
                .inNamespace(NS)
                .withName(name)
                .editStatus(d -> new DeploymentBuilder(d)
                        .withNewStatus()
                        .withObservedGeneration(d.getMetadata().getGeneration())
                        .withReplicas(d.getSpec().getReplicas())
                        .withUpdatedReplicas(d.getSpec().getReplicas())
                        .withReadyReplicas(d.getSpec().getReplicas())
                        .withAvailableReplicas(d.getSpec().getReplicas())
                        .endStatus()
                        .build());
    }
}
