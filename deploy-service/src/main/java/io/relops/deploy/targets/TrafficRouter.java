package io.relops.deploy.targets;

/**
 * Who splits an application's stable traffic between the slots its target runs, chosen by the catalog's {@code
 * router.type} (docs/deploy-targets.md, "Routers"), as Argo Rollouts separates its {@code trafficRouting} from the
 * workload: {@code builtin}, {@code kubernetes} and {@code webhook} are the target's own routing; {@code nginx} and
 * {@code haproxy} drive a proxy the user runs.
 *
 * <p>A route call is a step of the release like a target call: made by the task runner under the call's lease,
 * retried ({@link TargetUnavailableException}) inside a circuit breaker, bounded by the phase's deadline; a {@link
 * DeploymentFailedException} is a verdict. Every call must be idempotent: after a crash the step is repeated.
 */
public interface TrafficRouter {

    /** The catalog's {@code router.type} this implementation serves. */
    String type();

    /**
     * Splits the application's traffic as {@code traffic} says (a canary at weight 0 with the catalog's {@code
     * router.match}: only matching requests reach it). Requests in flight finish where they started.
     *
     * @return the weights the router confirmed
     */
    Routed route(TargetContext context, Traffic traffic);

    /**
     * Whether the router's calls must run on the deploy-service instance that holds the process host's lease (a
     * local configuration file and command, a local admin socket): then every call of the release is made there.
     */
    default boolean hostBound() {
        return false;
    }

    /**
     * {@link #hostBound()} for {@code context}'s application, whose catalog settings may decide it (HAProxy's admin
     * socket: a unix socket path is host-bound, {@code host:port} is not).
     */
    default boolean hostBound(TargetContext context) {
        return hostBound();
    }
}
