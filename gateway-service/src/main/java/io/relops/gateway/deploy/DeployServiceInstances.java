package io.relops.gateway.deploy;

import io.relops.gateway.GatewayProperties;
import java.net.URI;
import java.util.List;
import java.util.stream.IntStream;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.ServiceInstanceListSuppliers;
import org.springframework.context.annotation.Bean;

/**
 * deploy-service's instances as {@code relops.gateway.deploy-url} lists them, in the load balancer's own context for
 * {@value DeployService#ID} (a {@code @LoadBalancerClient} configuration: not a component, so that other services'
 * load balancers do not see it).
 */
class DeployServiceInstances {

    @Bean
    ServiceInstanceListSupplier instances(GatewayProperties properties) {
        List<URI> urls = properties.deployUrls();
        ServiceInstance[] instances = IntStream.range(0, urls.size())
                .mapToObj(i -> instance(i + 1, urls.get(i)))
                .toArray(ServiceInstance[]::new);
        return ServiceInstanceListSuppliers.from(DeployService.ID, instances);
    }

    private static ServiceInstance instance(int n, URI url) {
        boolean secure = "https".equals(url.getScheme());
        int port = url.getPort() != -1 ? url.getPort() : secure ? 443 : 80;
        return new DefaultServiceInstance(DeployService.ID + "-" + n, DeployService.ID, url.getHost(), port, secure);
    }
}
