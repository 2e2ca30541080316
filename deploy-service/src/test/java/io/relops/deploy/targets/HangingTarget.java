package io.relops.deploy.targets;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * A deployment target for tests (type {@code hanging}): the first deploy after {@link #arm} hangs until its thread
 * is interrupted (then it fails) or a minute passes; the deploys after it succeed at once.
 */
@Component
public class HangingTarget implements DeploymentTarget {

    private static final AtomicInteger deploys = new AtomicInteger();
    private static volatile CountDownLatch hanging = new CountDownLatch(1);
    private static volatile CountDownLatch interrupted = new CountDownLatch(1);

    public static void arm() {
        deploys.set(0);
        hanging = new CountDownLatch(1);
        interrupted = new CountDownLatch(1);
    }

    /** Deploys called since {@link #arm}. */
    public static int deploys() {
        return deploys.get();
    }

    /** Waits until the first deploy hangs. */
    public static boolean awaitHanging(long seconds) throws InterruptedException {
        return hanging.await(seconds, TimeUnit.SECONDS);
    }

    /** Whether the hanging deploy's thread was interrupted (its call cancelled). */
    public static boolean interrupted() {
        return interrupted.getCount() == 0;
    }

    @Override
    public String type() {
        return "hanging";
    }

    @Override
    public List<String> slots(TargetContext context) {
        return List.of("blue", "green");
    }

    @Override
    public String deploy(TargetContext context, String slot, String version) {
        if (deploys.incrementAndGet() == 1) {
            hanging.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
                Thread.currentThread().interrupt();
                throw new DeploymentFailedException("interrupted while deploying");
            }
        }
        return "http://" + context.application() + "-" + slot + ".test";
    }

    @Override
    public Routed route(TargetContext context, Traffic traffic) {
        return Routed.exactly(type(), traffic);
    }

    @Override
    public void stop(TargetContext context, String slot) {}
}
