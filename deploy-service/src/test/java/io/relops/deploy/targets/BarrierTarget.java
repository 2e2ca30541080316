package io.relops.deploy.targets;

import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * A deployment target for tests (type {@code barrier}): each deploy waits until {@link #arm parties} deploys
 * are in flight at once, or fails after 20 s. So a release of each of N applications completes its deploy
 * only if deploy-service runs N target calls at the same time.
 */
@Component
public class BarrierTarget implements DeploymentTarget {

    private static volatile CyclicBarrier barrier = new CyclicBarrier(1);
    private static final AtomicInteger inFlight = new AtomicInteger();
    private static final AtomicInteger maxInFlight = new AtomicInteger();

    /** The next deploys wait for {@code parties} of them to be in flight together. */
    public static void arm(int parties) {
        barrier = new CyclicBarrier(parties);
        maxInFlight.set(0);
    }

    /** The most deploys that were in flight at once since {@link #arm}. */
    public static int maxInFlight() {
        return maxInFlight.get();
    }

    @Override
    public String type() {
        return "barrier";
    }

    @Override
    public List<String> slots(TargetContext context) {
        return List.of("blue", "green");
    }

    @Override
    public String deploy(TargetContext context, String slot, String version) {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            barrier.await(20, TimeUnit.SECONDS);
            return "http://" + context.application() + "-" + slot + ".test";
        } catch (TimeoutException | BrokenBarrierException e) {
            throw new DeploymentFailedException("only " + maxInFlight.get()
                    + " deploys were in flight at once (the barrier waits for " + barrier.getParties() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeploymentFailedException("interrupted at the barrier");
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
