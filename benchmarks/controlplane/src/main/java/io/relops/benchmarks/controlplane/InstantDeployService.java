package io.relops.benchmarks.controlplane;

import io.relops.deploy.DeployServiceApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** deploy-service as it ships, plus the {@link InstantTarget}: the main class of the benchmark's deploy process. */
public final class InstantDeployService {

    private InstantDeployService() {}

    public static void main(String[] args) {
        new SpringApplicationBuilder(DeployServiceApplication.class, InstantTarget.class).run(args);
    }
}
