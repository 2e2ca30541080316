package io.relops.alert.channel;

import io.relops.alert.alert.Alert;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Writes each notification to the service log: the receiver of the local default. */
@Component
class LogChannel implements NotificationChannel {

    private static final Logger log = LoggerFactory.getLogger("relops.notifications");

    @Override
    public String receiver() {
        return "log";
    }

    @Override
    public void send(Alert alert) {
        log.warn(
                "[{}] {} {}: {}",
                alert.severity().toUpperCase(java.util.Locale.ROOT),
                alert.application(),
                alert.name(),
                alert.summary());
    }
}
