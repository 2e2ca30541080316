package io.relops.alert.delivery;

import io.relops.alert.notification.NotificationMessage;
import io.relops.common.codec.EventJson;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Persists a notification once per integration of its receiver, in the transaction that decided it,
 * before anything is sent; the {@link DeliveryWorker} sends it from there. An integration that does
 * not send resolved alerts gets the notification without them, or nothing when nothing is left.
 */
@Component
public class NotificationOutbox {

    private final JdbcClient jdbc;
    private final Integrations integrations;

    NotificationOutbox(JdbcClient jdbc, Integrations integrations) {
        this.jdbc = jdbc;
        this.integrations = integrations;
    }

    /** Returns how many integrations the notification was queued for. */
    @Transactional(propagation = Propagation.MANDATORY)
    public int enqueue(NotificationMessage message) {
        int queued = 0;
        for (Integration integration : integrations.of(message.receiver())) {
            NotificationMessage payload = integration.sendResolved() ? message : message.withoutResolved();
            if (payload.alerts().isEmpty()) {
                continue;
            }
            jdbc.sql("insert into notification (id, group_key, receiver, integration, channel, status, payload)"
                            + " values (?, ?, ?, ?, ?, 'pending', ?::jsonb)")
                    .params(
                            UUID.randomUUID(),
                            message.groupKey(),
                            message.receiver(),
                            integration.name(),
                            integration.channel(),
                            EventJson.mapper().writeValueAsString(payload))
                    .update();
            queued++;
        }
        return queued;
    }
}
