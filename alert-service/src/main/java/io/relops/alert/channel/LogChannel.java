package io.relops.alert.channel;

import io.relops.alert.notification.Notification;
import io.relops.alert.notification.NotificationMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes each notification to the service log ({@code relops.notifications}): the local default. */
public class LogChannel implements Channel {

    private static final Logger log = LoggerFactory.getLogger("relops.notifications");

    private final MessageText text;

    public LogChannel(MessageText text) {
        this.text = text;
    }

    @Override
    public void send(Notification notification) {
        NotificationMessage message = notification.message();
        log.warn("{} (notification {})\n{}", MessageText.title(message), notification.id(), text.body(message));
    }
}
