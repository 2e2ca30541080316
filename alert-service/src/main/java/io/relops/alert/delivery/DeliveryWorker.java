package io.relops.alert.delivery;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.CheckedRunnable;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.relops.alert.channel.NotificationRejected;
import io.relops.alert.notification.NotificationMessage;
import io.relops.alert.notification.NotificationMessage.AlertView;
import io.relops.alert.routing.AlertingProperties;
import io.relops.alert.routing.AlertingProperties.DeliverySpec;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.EventJson;
import io.relops.common.event.AlertNotified;
import io.relops.common.event.AlertResolved;
import io.relops.common.event.RelopsEvent;
import io.relops.platform.events.Outbox;
import io.relops.platform.redaction.Redaction;
import io.relops.platform.tracing.TraceContexts;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends the persisted notifications. Each integration has its own worker, its own Resilience4j
 * retry (exponential backoff), circuit breaker and rate limiter, and its own queue: a failing Slack
 * is retried on its own and never re-sends to, nor delays, PagerDuty.
 *
 * <p>A notification is claimed with {@code FOR UPDATE SKIP LOCKED} (the oldest pending one of its
 * group, so a resolution never overtakes its trigger), sent while the row is locked, and marked
 * delivered in the same transaction that appends {@code alert.notified} / {@code alert.resolved} to
 * the platform outbox. Any number of replicas run workers; each notification is sent by one. When
 * sending fails after the retries (or the circuit is open) the row stays pending with a later
 * {@code next_attempt_at}: an outage delays a notification but never loses it. A receiver that
 * refuses a notification for good (HTTP 4xx) has it marked {@code rejected}.
 */
@Component
public class DeliveryWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);
    static final URI SOURCE = CloudEventCodec.sourceOf("alert");

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Integrations integrations;
    private final Outbox outbox;
    private final MeterRegistry meters;
    private final AlertingProperties properties;
    private final TraceContexts traces;
    private final IntervalFunction redelivery;
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
    private volatile boolean running;

    DeliveryWorker(
            JdbcClient jdbc,
            TransactionTemplate tx,
            Integrations integrations,
            Outbox outbox,
            MeterRegistry meters,
            AlertingProperties properties,
            TraceContexts traces) {
        this.jdbc = jdbc;
        this.traces = traces;
        this.tx = tx;
        this.integrations = integrations;
        this.outbox = outbox;
        this.meters = meters;
        this.properties = properties;
        DeliverySpec d = properties.delivery();
        this.redelivery = IntervalFunction.ofExponentialBackoff(d.redeliveryBackoff(), 2.0, d.maxRedeliveryBackoff());
        scheduler.setPoolSize(Math.max(1, Math.min(16, integrations.all().size())));
        scheduler.setThreadNamePrefix("alert-delivery-");
    }

    /** One integration with its resilience decorators. */
    final class Lane implements Runnable {

        private final Integration integration;
        private final Retry retry;
        private final CircuitBreaker breaker;
        private final RateLimiter limiter;

        Lane(Integration integration) {
            this.integration = integration;
            DeliverySpec d = properties.delivery();
            this.retry = Retry.of(
                    integration.name(),
                    RetryConfig.custom()
                            .maxAttempts(d.maxAttempts())
                            .intervalFunction(IntervalFunction.ofExponentialBackoff(d.retryBackoff(), 2.0))
                            .ignoreExceptions(
                                    NotificationRejected.class,
                                    CallNotPermittedException.class,
                                    RequestNotPermitted.class)
                            .build());
            this.breaker = CircuitBreaker.of(
                    integration.name(),
                    CircuitBreakerConfig.custom()
                            .failureRateThreshold(d.failureRateThreshold())
                            .slidingWindowSize(Math.max(d.minimumCalls(), 10))
                            .minimumNumberOfCalls(d.minimumCalls())
                            .waitDurationInOpenState(d.openStateWait())
                            .permittedNumberOfCallsInHalfOpenState(1)
                            .ignoreExceptions(NotificationRejected.class)
                            .build());
            this.limiter = RateLimiter.of(
                    integration.name(),
                    RateLimiterConfig.custom()
                            .limitForPeriod(d.ratePerSecond())
                            .limitRefreshPeriod(Duration.ofSeconds(1))
                            .timeoutDuration(Duration.ofSeconds(5))
                            .build());
        }

        @Override
        public void run() {
            try {
                while (running && Boolean.TRUE.equals(tx.execute(s -> deliverOne()))) {
                    // keep going while there is work
                }
            } catch (RuntimeException e) {
                log.warn(
                        "delivery worker {} failed, retrying on the next tick: {}",
                        integration.name(),
                        Redaction.redact(e.toString()));
            }
        }

        /** Claims and sends the next due notification of this integration; false when there is none. */
        boolean deliverOne() {
            Optional<Claimed> next = jdbc.sql("""
                            select n.id, n.payload::text, n.attempts, n.created_at from notification n
                            where n.integration = ? and n.status = 'pending' and n.next_attempt_at <= now()
                              and not exists (select 1 from notification o where o.integration = n.integration
                                              and o.group_key = n.group_key and o.status = 'pending' and o.seq < n.seq)
                            order by n.seq limit 1 for update skip locked
                            """)
                    .param(integration.name())
                    .query((rs, n) -> new Claimed(
                            rs.getObject(1, UUID.class),
                            EventJson.mapper().readValue(rs.getString(2), NotificationMessage.class),
                            rs.getInt(3),
                            rs.getObject(4, OffsetDateTime.class)))
                    .optional();
            if (next.isEmpty()) {
                return false;
            }
            Claimed n = next.get();
            CheckedRunnable send = () -> integration.send(n.id(), n.message());
            try {
                Retry.decorateCheckedRunnable(
                                retry,
                                CircuitBreaker.decorateCheckedRunnable(
                                        breaker, RateLimiter.decorateCheckedRunnable(limiter, send)))
                        .run();
            } catch (NotificationRejected e) {
                jdbc.sql("update notification set status = 'rejected', attempts = attempts + 1, last_error = ?"
                                + " where id = ?")
                        .params(Redaction.redact(e.getMessage()), n.id())
                        .update();
                count("rejected");
                log.error(
                        "{} refused notification {} for good: {}",
                        integration.name(),
                        n.id(),
                        Redaction.redact(e.getMessage()));
                return true;
            } catch (Throwable e) {
                Duration wait = Duration.ofMillis(redelivery.apply(n.attempts() + 1));
                jdbc.sql("update notification set attempts = attempts + 1, last_error = ?,"
                                + " next_attempt_at = now() + ? * interval '1 millisecond' where id = ?")
                        // an error may name the channel's URL, which can be the secret itself (a Slack webhook)
                        .params(Redaction.redact(String.valueOf(e.getMessage())), wait.toMillis(), n.id())
                        .update();
                count(
                        e instanceof CallNotPermittedException || e instanceof RequestNotPermitted
                                ? "deferred"
                                : "failed");
                log.warn(
                        "{} could not deliver notification {} (attempt {}), next try in {}: {}",
                        integration.name(),
                        n.id(),
                        n.attempts() + 1,
                        wait,
                        Redaction.redact(e.toString()));
                return false; // let other lanes and later ticks go on
            }
            jdbc.sql("update notification set status = 'delivered', attempts = attempts + 1, delivered_at = now(),"
                            + " last_error = null where id = ?")
                    .param(n.id())
                    .update();
            audit(n);
            count("delivered");
            Timer.builder("relops.alert.delivery.latency")
                    .description("from the decision to notify to the delivery")
                    .tag("channel", integration.channel())
                    .publishPercentileHistogram()
                    .register(meters)
                    .record(Duration.between(n.createdAt(), OffsetDateTime.now()));
            return true;
        }

        private void audit(Claimed n) {
            for (AlertView alert : n.message().alerts()) {
                // in the trace of the signal that fired (or resolved) the alert: a release's alert is part of its trace
                String traceparent = jdbc.sql("select traceparent from alert where id = ?")
                        .param(alert.id())
                        .query(String.class)
                        .optional()
                        .orElse(null);
                traces.inSpan(traceparent, "alert " + alert.status(), () -> audit(n, alert));
            }
        }

        private void audit(Claimed n, AlertView alert) {
            String id = RelopsEvent.derivedId(n.id().toString(), alert.id() + "/" + alert.status());
            if (NotificationMessage.RESOLVED.equals(alert.status())) {
                outbox.append(RelopsEvent.withId(
                        id,
                        SOURCE,
                        new AlertResolved(
                                alert.id(),
                                alert.fingerprint(),
                                alert.application(),
                                alert.releaseId(),
                                integration.name())));
            } else {
                outbox.append(RelopsEvent.withId(
                        id,
                        SOURCE,
                        new AlertNotified(
                                alert.id(),
                                alert.fingerprint(),
                                alert.application(),
                                alert.releaseId(),
                                alert.severity(),
                                alert.annotations().getOrDefault("summary", alert.name()),
                                integration.name())));
            }
        }

        private void count(String outcome) {
            meters.counter(
                            "relops.alert.notifications",
                            "channel",
                            integration.channel(),
                            "receiver",
                            integration.receiver(),
                            "outcome",
                            outcome)
                    .increment();
        }
    }

    private record Claimed(UUID id, NotificationMessage message, int attempts, OffsetDateTime createdAt) {}

    @Override
    public void start() {
        scheduler.initialize();
        running = true;
        for (Integration integration : integrations.all()) {
            tasks.add(scheduler.scheduleWithFixedDelay(new Lane(integration), properties.tick()));
        }
    }

    @Override
    public void stop() {
        running = false;
        tasks.forEach(t -> t.cancel(false));
        scheduler.shutdown();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
