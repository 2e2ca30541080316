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
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * The deployment target of each application, by its catalog {@code target.type}, with every call
 * wrapped in Resilience4j: a retry with exponential backoff for {@link TargetUnavailableException}
 * (never for a {@link DeploymentFailedException}, which is a verdict), inside a circuit breaker per
 * application, environment and target, so a backend that is down fails releases fast with a clear reason instead
 * of piling calls onto it.
 */
@Component
public class GuardedTargets {

    private final Map<String, DeploymentTarget> byType;
    private final RetryRegistry retries;
    private final CircuitBreakerRegistry breakers;

    public GuardedTargets(List<DeploymentTarget> targets) {
        this.byType = targets.stream().collect(Collectors.toMap(DeploymentTarget::type, Function.identity()));
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
        public String deploy(TargetContext context, String slot, String version) {
            return call(() -> target.deploy(context, slot, version));
        }

        @Override
        public void route(TargetContext context, Traffic traffic) {
            call(() -> {
                target.route(context, traffic);
                return null;
            });
        }

        @Override
        public void stop(TargetContext context, String slot) {
            call(() -> {
                target.stop(context, slot);
                return null;
            });
        }

        private <T> T call(Supplier<T> call) {
            try {
                return Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(breaker, call))
                        .get();
            } catch (CallNotPermittedException e) {
                throw new DeploymentFailedException("the " + target.type() + " target is failing: circuit breaker "
                        + breaker.getName() + " is open; calls resume after a pause");
            } catch (TargetUnavailableException e) {
                throw new DeploymentFailedException(
                        "the " + target.type() + " target is unavailable after "
                                + retry.getRetryConfig().getMaxAttempts() + " attempts: " + e.getMessage(),
                        e);
            }
        }
    }
}
