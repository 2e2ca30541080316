package io.relops.deploy.release;

import io.relops.deploy.catalog.DeployCatalog.CanaryStep;
import java.util.ArrayList;
import java.util.List;

/** Checks a catalog's canary steps and completes them with the final 100 % step when it is missing. */
final class CanaryPlan {

    private CanaryPlan() {}

    /**
     * @throws IllegalArgumentException naming the bad step, when weights are not strictly increasing
     *     percentages in 1..100
     */
    static List<CanaryStep> of(List<CanaryStep> steps) {
        List<CanaryStep> plan = new ArrayList<>();
        int previous = 0;
        for (int i = 0; i < steps.size(); i++) {
            CanaryStep step = steps.get(i);
            if (step.weight() < 1 || step.weight() > 100) {
                throw new IllegalArgumentException(
                        "canary step " + (i + 1) + ": weight " + step.weight() + " is not a percentage in 1..100");
            }
            if (step.weight() <= previous) {
                throw new IllegalArgumentException("canary step " + (i + 1) + ": weight " + step.weight()
                        + " does not increase on the step before (" + previous + ")");
            }
            previous = step.weight();
            plan.add(step);
        }
        if (previous < 100) {
            plan.add(new CanaryStep(100, null, false));
        }
        return List.copyOf(plan);
    }
}
