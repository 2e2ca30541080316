package io.relops.deploy.targets;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Where an application's versions run, chosen per application by the catalog's {@code target.type}:
 * {@code process} (local OS processes, the local default), {@code kubernetes} and {@code webhook}.
 * A target never takes a command, image or URL from a request: only the catalog and a validated
 * version string.
 *
 * <p>Calls are made by deploy-service's task runner, outside any consumer thread, wrapped in
 * Resilience4j (see {@link GuardedTargets}); each call may block until its work is done or the
 * catalog's deadline passes. Every call must be idempotent: after a crash deploy-service repeats the
 * step it had not recorded as done.
 */
public interface DeploymentTarget {

    /** The catalog's {@code target.type} this implementation serves. */
    String type();

    /** The application's slots, in the order they are used (e.g. {@code blue}, {@code green}). */
    List<String> slots(TargetContext context);

    /**
     * Runs {@code version} on {@code slot} (replacing whatever ran there) and returns once it is
     * ready to serve, not yet receiving users' traffic.
     *
     * @return the slot's own base URL (what health probes use)
     * @throws DeploymentFailedException naming what went wrong, e.g. a deadline passed
     */
    String deploy(TargetContext context, String slot, String version);

    /**
     * The target's own routing (its router type {@link #routerType()}): splits the application's traffic as {@code
     * traffic} says. Requests in flight finish where they started; the previous slot keeps running until {@link
     * #stop}. A catalog whose {@code router.type} names another router ({@code nginx}, {@code haproxy}) never calls
     * it: that {@link TrafficRouter} does.
     *
     * @return the weights the target confirmed
     */
    Routed route(TargetContext context, Traffic traffic);

    /**
     * The {@code router.type} of this target's own routing ({@link #route}), the application's router when the
     * catalog names none; {@code null} when the target has none and needs a {@link TrafficRouter}.
     */
    default @Nullable String routerType() {
        return type();
    }

    /** Stops what runs on {@code slot} (gracefully, then forcibly); a no-op when nothing does. */
    void stop(TargetContext context, String slot);

    /**
     * Whether what this target runs keeps running when deploy-service stops (true for a cluster or an
     * external system). When false, deploy-service starts the live versions again when it starts.
     */
    default boolean outlivesDeployService() {
        return true;
    }

    /**
     * Whether this target's calls must run on the deploy-service instance that holds the process host's lease: its
     * workloads are that instance's children ({@link #outlivesDeployService()} false), or its commands reach only
     * that host's engine and ports (compose). Then every call of the release is made there.
     */
    default boolean hostBound() {
        return !outlivesDeployService();
    }
}
