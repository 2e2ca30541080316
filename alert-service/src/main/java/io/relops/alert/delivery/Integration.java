package io.relops.alert.delivery;

import io.relops.alert.channel.Channel;
import io.relops.alert.notification.Notification;
import io.relops.alert.notification.NotificationMessage;
import java.util.UUID;

/**
 * One integration of a receiver (e.g. the first Slack webhook of receiver {@code team}): it has its own retry,
 * circuit breaker and rate limiter, and its own queue of notifications, so a failing Slack never delays or re-sends
 * what goes to PagerDuty.
 *
 * @param name {@code <receiver>/<channel>[<index>]}, e.g. {@code team/slack[0]}: the key of its outbox rows
 * @param channel {@code slack}, {@code pagerduty}, {@code email}, {@code webhook} or {@code log}
 * @param sendResolved whether resolved alerts are sent (else a notification carries its firing alerts only)
 * @param sender the channel that delivers (see {@link Channel#send} for refusals and repeats)
 */
public record Integration(String name, String receiver, String channel, boolean sendResolved, Channel sender) {

    void send(UUID id, NotificationMessage message) throws Exception {
        sender.send(new Notification(id, message));
    }
}
