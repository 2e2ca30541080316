package io.relops.alert.channel;

import io.relops.alert.notification.Notification;

/** How a notification reaches the outside: Slack, PagerDuty, e-mail, a webhook or the log. */
public interface Channel {

    /**
     * Delivers one notification. Throws {@link NotificationRejected} when the receiving end refuses it for good (a 4xx
     * other than 408/429); any other exception is transient and retried.
     */
    void send(Notification notification) throws Exception;
}
