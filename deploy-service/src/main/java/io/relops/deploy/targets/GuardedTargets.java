package io.relops.deploy.targets;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The deployment target of each application, by its catalog {@code target.type}, and its traffic router, by {@code
 * router.type} (by default the target's own routing), with every call
 * wrapped in Resilience4j: a retry with exponential backoff for {@link TargetUnavailableException}
 * (never for a {@link DeploymentFailedException}, which is a verdict), inside a circuit breaker per
 * application, environment and target, so a backend that is down fails releases fast with a clear reason instead
 * of piling calls onto it.
 */
@Component
public class GuardedTargets {

    private final Map<String, DeploymentTarget> byType;
    private final Map<String, TrafficRouter> routers;
    private final RetryRegistry retries;
    private final CircuitBreakerRegistry breakers;

    public GuardedTargets(List<DeploymentTarget> targets, List<TrafficRouter> routers) {
        this.byType = targets.stream().collect(Collectors.toMap(DeploymentTarget::type, Function.identity()));
        this.routers = routers.stream().collect(Collectors.toMap(TrafficRouter::type, Function.identity()));
        this.retries = RetryRegistry.of(RetryConfig.custom()
                .maxAttempts(4)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(200), 2.0))
                .retryExceptions(TargetUnavailableException.class)
                .build());
        this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowSize(10)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(30))
                .recordExceptions(TargetUnavailableException.class)
                .build());
    }

    /** The guarded target of {@code context}'s application. */
    public DeploymentTarget of(TargetContext context) {
        String type = context.spec().target() == null
                ? "process"
                : context.spec().target().type();
        DeploymentTarget target = byType.get(type);
        if (target == null) {
            throw new DeploymentFailedException("application " + context.application() + " uses deployment target '"
                    + type + "', which this deploy-service does not provide (available: " + byType.keySet() + ")");
        }
        String name = context.application() + "-" + context.environment() + "-" + type;
        return new Guarded(target, retries.retry(name), breakers.circuitBreaker(name));
    }

    /**
     * The guarded router of {@code context}'s application: the catalog's {@code router.type}, by default the target's
     * own routing ({@link DeploymentTarget#routerType()}). A target without routing of its own (compose) and no
     * {@code router.type}: its route call, which says the router it needs.
     */
    public TrafficRouter router(TargetContext context) {
        DeploymentTarget target = of(context);
        String own = target.routerType();
        String type = context.spec().router().typeFor(target.type());
        TrafficRouter router;
        if (type.equals(own) || (own == null && type.equals(target.type()))) {
            // the target's own calls, unguarded: the router's retry and circuit breaker below guard them
            router = new TargetRouter(type, byType.get(target.type()));
        } else {
            router = routers.get(type);
            if (router == null) {
                boolean another = byType.values().stream().anyMatch(t -> type.equals(t.routerType()));
                throw new DeploymentFailedException("application " + context.application() + " in "
                        + context.environment() + " uses router '" + type + "', which "
                        + (another ? "routes only its own target, not " + target.type() : "this deploy-service lacks")
                        + " (routers for target " + target.type() + ": " + available(own) + ")");
            }
        }
        String name = context.application() + "-" + context.environment() + "-router-" + type;
        return new GuardedRouter(router, retries.retry(name), breakers.circuitBreaker(name));
    }

    private List<String> available(@Nullable String own) {
        List<String> names = new ArrayList<>();
        if (own != null) {
            names.add(own);
        }
        names.addAll(new TreeSet<>(routers.keySet()));
        return names;
    }

    /** A target's own routing as a router. */
    private record TargetRouter(String type, DeploymentTarget target) implements TrafficRouter {

        @Override
        public Routed route(TargetContext context, Traffic traffic) {
            return target.route(context, traffic);
        }

        @Override
        public boolean hostBound() {
            return !target.outlivesDeployService();
        }
    }

    private record GuardedRouter(TrafficRouter router, Retry retry, CircuitBreaker breaker) implements TrafficRouter {

        @Override
        public String type() {
            return router.type();
        }

        @Override
        public boolean hostBound() {
            return router.hostBound();
        }

        @Override
        public boolean hostBound(TargetContext context) {
            return router.hostBound(context);
        }

        @Override
        public Routed route(TargetContext context, Traffic traffic) {
            return guarded("the " + router.type() + " router", retry, breaker, () -> router.route(context, traffic));
        }
    }

    private record Guarded(DeploymentTarget target, Retry retry, CircuitBreaker breaker) implements DeploymentTarget {

        @Override
        public String type() {
            return target.type();
        }

        @Override
        public List<String> slots(TargetContext context) {
            return target.slots(context);
        }

        @Override
        public boolean outlivesDeployService() {
            return target.outlivesDeployService();
        }

        @Override
        public boolean hostBound() {
            return target.hostBound();
        }

        @Override
        public String deploy(TargetContext context, String slot, String version) {
            return call(() -> target.deploy(context, slot, version));
        }

        @Override
        public Routed route(TargetContext context, Traffic traffic) {
            return call(() -> target.route(context, traffic));
        }

        @Override
        public @Nullable String routerType() {
            return target.routerType();
        }

        @Override
        public void stop(TargetContext context, String slot) {
            call(() -> {
                target.stop(context, slot);
                return null;
            });
        }

        private <T> T call(Supplier<T> call) {
            return guarded("the " + target.type() + " target", retry, breaker, call);
        }
    }

    private static <T> T guarded(String what, Retry retry, CircuitBreaker breaker, Supplier<T> call) {
        try {
            return Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(breaker, call))
                    .get();
        } catch (CallNotPermittedException e) {
            throw new DeploymentFailedException(what + " is failing: circuit breaker " + breaker.getName()
                    + " is open; calls resume after a pause");
        } catch (TargetUnavailableException e) {
            throw new DeploymentFailedException(
                    what + " is unavailable after " + retry.getRetryConfig().getMaxAttempts() + " attempts: "
                            + e.getMessage(),
                    e);
        }
    }
}
