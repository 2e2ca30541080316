package io.relops.benchmarks.deploy;

import io.relops.deploy.targets.DeploymentTarget;
import io.relops.deploy.targets.Routed;
import io.relops.deploy.targets.TargetContext;
import io.relops.deploy.targets.Traffic;
import java.util.List;

/** A deployment target that does its work instantly: what remains is relops' own reaction time. */
public class InstantTarget implements DeploymentTarget {

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
        return "http://" + context.application() + "-" + slot + ".bench";
    }

    @Override
    public Routed route(TargetContext context, Traffic traffic) {
        return Routed.exactly(type(), traffic);
    }

    @Override
    public void stop(TargetContext context, String slot) {}
}
