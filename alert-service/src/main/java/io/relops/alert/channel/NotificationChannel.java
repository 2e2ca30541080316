package io.relops.alert.channel;

import io.relops.alert.alert.Alert;

/** Where notifications go (the log now; Slack, PagerDuty, email and webhooks with the alert issue). */
public interface NotificationChannel {

    /** The receiver name used in {@code alert.notified}. */
    String receiver();

    void send(Alert alert);
}
