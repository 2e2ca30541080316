package io.relops.deploy.targets.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.relops.deploy.catalog.DeployCatalog;
import io.relops.deploy.targets.DeploymentFailedException;
import io.relops.deploy.targets.TargetContext;
import io.relops.deploy.targets.TargetUnavailableException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** API failures through the real client: the mock server in expectations mode answers with errors. */
class KubernetesTargetFailureTest {

    private static final String DEPLOYMENTS = "/apis/apps/v1/namespaces/shop-prod/deployments";

    private KubernetesMockServer server;
    private KubernetesClient client;
    private KubernetesTarget target;

    @BeforeEach
    void setUp() {
        server = new KubernetesMockServer(false);
        server.init();
        // as deploy-service's client: no request retries inside fabric8, GuardedTargets retries
        client = server.createClient(builder ->
                builder.editOrNewConfig().withRequestRetryBackoffLimit(0).endConfig());
        target = new KubernetesTarget(client);
    }

    @AfterEach
    void tearDown() {
        client.close();
        server.destroy();
    }

    @Test
    void aServerErrorIsTransientSoThatItIsRetried() {
        server.expect()
                .get()
                .withPath(DEPLOYMENTS + "/shop-blue")
                .andReturn(503, status(503, "ServiceUnavailable", "etcd leader changed"))
                .always();

        assertThatThrownBy(() -> target.stop(context(), "blue"))
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("HTTP 503");
    }

    @Test
    void aRefusedDeploymentIsAVerdictNamingTheReason() {
        server.expect()
                .get()
                .withPath(DEPLOYMENTS + "/shop-blue")
                .andReturn(404, "")
                .always();
        server.expect()
                .post()
                .withPath(DEPLOYMENTS)
                .andReturn(
                        422,
                        status(
                                422,
                                "Invalid",
                                "Deployment.apps \"shop-blue\" is invalid: spec.template.spec.containers[0].image:"
                                        + " Invalid value"))
                .always();

        assertThatThrownBy(() -> target.deploy(context(), "blue", "1.0.0"))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("HTTP 422")
                .hasMessageContaining("spec.template.spec.containers[0].image: Invalid value");
    }

    @Test
    void anUnreachableApiServerIsTransient() {
        server.destroy();

        assertThatThrownBy(() -> target.stop(context(), "blue"))
                .isInstanceOf(TargetUnavailableException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains("Kubernetes API unavailable"));
    }

    private static io.fabric8.kubernetes.api.model.Status status(int code, String reason, String message) {
        return new StatusBuilder()
                .withStatus("Failure")
                .withCode(code)
                .withReason(reason)
                .withMessage(message)
                .build();
    }

    private static TargetContext context() {
        Map<String, String> properties = new HashMap<>();
        String prefix = "relops.applications.shop.target.";
        properties.put(prefix + "type", "kubernetes");
        properties.put(prefix + "kubernetes.namespace", "shop-prod");
        properties.put(prefix + "kubernetes.image", "registry.example.com/shop");
        DeployCatalog catalog = DeployCatalog.of(new MapConfigurationPropertySource(properties));
        return new TargetContext(
                UUID.randomUUID(), "shop", "prod", catalog.application("shop").orElseThrow());
    }
}
