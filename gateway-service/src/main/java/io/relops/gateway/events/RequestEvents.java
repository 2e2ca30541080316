package io.relops.gateway.events;

import io.relops.common.codec.EventSignature;
import io.relops.common.event.RelopsEvent;
import io.relops.platform.events.EventPublisher;
import io.relops.platform.events.Outbox;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * Publishes the event an operator's request makes (a release request, an action, an ingested CloudEvent). Without an
 * {@code Idempotency-Key} it is sent to Kafka ({@code acks=all}) before the answer. Inside a keyed request's
 * transaction ({@code IdempotentPosts}) it is written to the gateway's outbox in that transaction instead, so that the
 * key, the event and the stored answer commit together: a request that fails, or whose commit fails, has published
 * nothing, and a retry finds all three or none. The outbox relay sends the event right after the commit, with the
 * gateway's signature as it was stored.
 */
@Component
public class RequestEvents {

    /**
     * The request attribute set when the request's event went into its transaction: if that transaction does not
     * commit, the request did nothing, whatever its answer said.
     */
    public static final String IN_TRANSACTION = RequestEvents.class.getName() + ".inTransaction";

    private final EventPublisher publisher;
    private final Outbox outbox;

    RequestEvents(EventPublisher publisher, Outbox outbox) {
        this.publisher = publisher;
        this.outbox = outbox;
    }

    public void publish(RelopsEvent<?> event) {
        publish(event, null);
    }

    public void publish(RelopsEvent<?> event, @Nullable EventSignature signature) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            publisher.publish(event, signature);
            return;
        }
        outbox.append(event, signature);
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (request != null) {
            request.setAttribute(IN_TRANSACTION, Boolean.TRUE, RequestAttributes.SCOPE_REQUEST);
        }
    }
}
