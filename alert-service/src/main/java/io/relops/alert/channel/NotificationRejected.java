package io.relops.alert.channel;

/** The receiving end refused a notification for good (e.g. HTTP 400): retrying would not help. */
public class NotificationRejected extends RuntimeException {

    public NotificationRejected(String message) {
        super(message);
    }
}
