package io.relops.benchmarks.controlplane;

import io.relops.deploy.targets.DeploymentTarget;
import io.relops.deploy.targets.Routed;
import io.relops.deploy.targets.TargetContext;
import io.relops.deploy.targets.Traffic;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;

/**
 * A deployment target that does its work instantly; each slot's endpoint is the benchmark's {@link ProbeServer}
 * ({@code relops.benchmark.probe-endpoint}), which healthcheck-service probes for real and which answers at once.
 */
public class InstantTarget implements DeploymentTarget {

    private final String endpoint;

    public InstantTarget(@Value("${relops.benchmark.probe-endpoint}") String endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public String type() {
        return "instant";
    }

    @Override
    public List<String> slots(TargetContext context) {
        return List.of("blue", "green");
    }

    @Override
    public String deploy(TargetContext context, String slot, String version) {
        return endpoint + "/" + context.application() + "/" + slot;
    }

    @Override
    public Routed route(TargetContext context, Traffic traffic) {
        return Routed.exactly(type(), traffic);
    }

    @Override
    public void stop(TargetContext context, String slot) {}
}
