package io.relops.alert.alert;

import io.micrometer.core.instrument.MeterRegistry;
import io.relops.alert.channel.NotificationChannel;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.event.AlertNotified;
import io.relops.common.event.RelopsEvent;
import io.relops.platform.events.InboundEvents;
import io.relops.platform.events.Outbox;
import io.relops.platform.events.ProcessedEvents;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Raises an alert for each failure or rollback event and notifies every channel. The alert, its
 * notifications and the {@code alert.notified} events commit with the deduplication mark, so a
 * redelivered event raises nothing twice.
 */
@Service
public class Alerting {

    static final URI SOURCE = CloudEventCodec.sourceOf("alert");

    private final JdbcClient jdbc;
    private final ProcessedEvents processed;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final List<NotificationChannel> channels;
    private final MeterRegistry meters;

    Alerting(
            JdbcClient jdbc,
            ProcessedEvents processed,
            Outbox outbox,
            TransactionTemplate tx,
            List<NotificationChannel> channels,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.processed = processed;
        this.outbox = outbox;
        this.tx = tx;
        this.channels = channels;
        this.meters = meters;
    }

    @Bean
    static Consumer<Message<byte[]>> onReleaseEvent(InboundEvents inbound, Alerting alerting) {
        return message -> inbound.handle(message, alerting::onEvent);
    }

    @Bean
    static Consumer<Message<byte[]>> onHealthEvent(InboundEvents inbound, Alerting alerting) {
        return message -> inbound.handle(message, alerting::onEvent);
    }

    @Bean
    static Consumer<Message<byte[]>> onBackupEvent(InboundEvents inbound, Alerting alerting) {
        return message -> inbound.handle(message, alerting::onEvent);
    }

    void onEvent(RelopsEvent<?> event) {
        AlertRules.raisedBy(event.data())
                .ifPresent(raised -> tx.executeWithoutResult(status -> {
                    if (!processed.markProcessed(event)) {
                        return;
                    }
                    Alert alert = new Alert(
                            UUID.fromString(RelopsEvent.derivedId(event.id(), "alert")),
                            fingerprint(event.subject(), raised.name()),
                            event.subject(),
                            event.releaseId(),
                            raised.name(),
                            raised.severity(),
                            raised.summary(),
                            "FIRING",
                            event.id(),
                            event.time());
                    jdbc.sql("""
                            insert into alert (id, fingerprint, application, release_id, alert_name, severity, summary,
                                               status, cause_event)
                            values (?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """)
                            .params(
                                    alert.id(),
                                    alert.fingerprint(),
                                    alert.application(),
                                    alert.releaseId(),
                                    alert.name(),
                                    alert.severity(),
                                    alert.summary(),
                                    alert.status(),
                                    alert.causeEvent())
                            .update();
                    for (NotificationChannel channel : channels) {
                        jdbc.sql("insert into notification (id, alert_id, receiver) values (?, ?, ?)")
                                .params(
                                        UUID.fromString(
                                                RelopsEvent.derivedId(alert.id().toString(), channel.receiver())),
                                        alert.id(),
                                        channel.receiver())
                                .update();
                        channel.send(alert);
                        outbox.append(RelopsEvent.withId(
                                RelopsEvent.derivedId(alert.id().toString(), "notified/" + channel.receiver()),
                                SOURCE,
                                new AlertNotified(
                                        alert.id(),
                                        alert.fingerprint(),
                                        alert.application(),
                                        alert.releaseId(),
                                        alert.severity(),
                                        alert.summary(),
                                        channel.receiver())));
                        meters.counter(
                                        "relops.alert.notifications",
                                        "application",
                                        alert.application(),
                                        "receiver",
                                        channel.receiver())
                                .increment();
                    }
                }));
    }

    static String fingerprint(String application, String alertName) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((application + "\n" + alertName).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
