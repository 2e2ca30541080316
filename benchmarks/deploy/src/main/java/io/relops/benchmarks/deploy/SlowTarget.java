package io.relops.benchmarks.deploy;

import io.relops.deploy.targets.DeploymentFailedException;
import io.relops.deploy.targets.DeploymentTarget;
import io.relops.deploy.targets.Routed;
import io.relops.deploy.targets.TargetContext;
import io.relops.deploy.targets.Traffic;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deployment target whose deploy takes {@link #DEPLOY_TIME} (a rollout that waits for its pods, say) and
 * counts how many deploys were in flight at once; routing and stopping are instant.
 */
public class SlowTarget implements DeploymentTarget {

    static final Duration DEPLOY_TIME = Duration.ofSeconds(2);
    static final AtomicInteger inFlight = new AtomicInteger();
    static final AtomicInteger maxInFlight = new AtomicInteger();

    @Override
    public String type() {
        return "slow";
    }

    @Override
    public List<String> slots(TargetContext context) {
        return List.of("blue", "green");
    }

    @Override
    public String deploy(TargetContext context, String slot, String version) {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            Thread.sleep(DEPLOY_TIME.toMillis()); // the target's own work, not a wait for a test's outcome
            return "http://" + context.application() + "-" + slot + ".bench";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeploymentFailedException("deploy interrupted");
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @Override
    public Routed route(TargetContext context, Traffic traffic) {
        return Routed.exactly(type(), traffic);
    }

    @Override
    public void stop(TargetContext context, String slot) {}
}
