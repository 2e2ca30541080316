package io.relops.deploy.targets.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/**
 * The Kubernetes client of the {@code kubernetes} target: fabric8's defaults (the in-cluster
 * service account when deploy-service runs in a pod, else {@code KUBECONFIG} or {@code
 * ~/.kube/config}), built on first use only, so applications on other targets never need a
 * cluster. fabric8's own request retries are off: {@code GuardedTargets} (Resilience4j) is the one
 * retry policy around target calls, and two nested ones would multiply the attempts.
 */
@Configuration(proxyBeanMethods = false)
class KubernetesClientConfiguration {

    @Bean(destroyMethod = "close")
    @Lazy
    KubernetesClient kubernetesClient() {
        Config config = new ConfigBuilder(Config.autoConfigure(null))
                .withRequestRetryBackoffLimit(0)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
