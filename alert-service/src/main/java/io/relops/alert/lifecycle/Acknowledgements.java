package io.relops.alert.lifecycle;

import io.relops.common.codec.CloudEventCodec;
import io.relops.common.event.AlertAcknowledged;
import io.relops.common.event.RelopsEvent;
import io.relops.platform.events.Outbox;
import java.net.URI;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Acknowledging an alert: the acknowledgement and its event ({@code io.relops.alert.acknowledged} on {@code
 * relops.alert}, through the outbox) commit together, so the audit log names who took the alert on.
 */
@Service
class Acknowledgements {

    private static final URI SOURCE = CloudEventCodec.sourceOf("alert");

    private final AlertStore alerts;
    private final Outbox outbox;

    Acknowledgements(AlertStore alerts, Outbox outbox) {
        this.alerts = alerts;
        this.outbox = outbox;
    }

    /** {@code actor} acknowledges the alert; false when there is none with that fingerprint. */
    @Transactional
    boolean acknowledge(String fingerprint, String actor, @Nullable String comment) {
        if (!alerts.acknowledge(fingerprint, actor, comment)) {
            return false;
        }
        Optional<StoredAlert> alert = alerts.find(fingerprint);
        alert.ifPresent(a -> outbox.append(RelopsEvent.of(
                SOURCE,
                new AlertAcknowledged(a.id(), a.fingerprint(), a.application(), a.releaseId(), actor, comment))));
        return true;
    }
}
