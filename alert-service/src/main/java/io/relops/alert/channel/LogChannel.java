package io.relops.alert.channel;

import io.relops.alert.delivery.Integration;
import io.relops.alert.delivery.NotificationMessage;
import io.relops.alert.routing.AlertingProperties.LogSpec;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes each notification to the service log ({@code relops.notifications}): the local default. */
public class LogChannel implements Integration {

    private static final Logger log = LoggerFactory.getLogger("relops.notifications");

    private final String name;
    private final String receiver;
    private final LogSpec spec;

    public LogChannel(String name, String receiver, LogSpec spec) {
        this.name = name;
        this.receiver = receiver;
        this.spec = spec;
    }

    @Override
    public void send(UUID id, NotificationMessage message) {
        log.warn("{} (notification {})\n{}", MessageText.title(message), id, MessageText.body(message));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String receiver() {
        return receiver;
    }

    @Override
    public String channel() {
        return "log";
    }

    @Override
    public boolean sendResolved() {
        return spec.sendResolved();
    }
}
