package io.relops.alert.delivery;

import java.util.UUID;

/**
 * One integration of a receiver (e.g. the first Slack webhook of receiver {@code team}): it has its
 * own retry, circuit breaker and rate limiter, and its own queue of notifications, so a failing
 * Slack never delays or re-sends what goes to PagerDuty.
 */
public interface Integration {

    /** {@code <receiver>/<channel>[<index>]}, e.g. {@code team/slack[0]}: the key of its outbox rows. */
    String name();

    String receiver();

    /** {@code slack}, {@code pagerduty}, {@code email}, {@code webhook} or {@code log}. */
    String channel();

    boolean sendResolved();

    /**
     * Delivers one notification. Throws {@link NotificationRejected} when the receiving end refuses
     * it for good (a 4xx other than 408/429); any other exception is transient and retried.
     *
     * <p>Delivery is at least once: a notification sent just before alert-service (or its database)
     * stops, and not yet marked delivered, is sent again afterwards. {@code id} is the notification's
     * id, the same on every attempt: integrations that can pass it on let the receiving end apply a
     * repeat once (the webhook's {@code Idempotency-Key}, the e-mail's {@code Message-ID}).
     */
    void send(UUID id, NotificationMessage message) throws Exception;
}
