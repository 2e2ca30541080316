package io.relops.platform.events;

import io.relops.common.event.RelopsEvent;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Which CloudEvents ids this service has consumed: the idempotency of every handler. */
public class ProcessedEvents {

    private final JdbcClient jdbc;

    public ProcessedEvents(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records {@code event} as consumed in the caller's transaction.
     *
     * @return {@code false} when it had been consumed already: the caller must change nothing
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean markProcessed(RelopsEvent<?> event) {
        return jdbc.sql("insert into processed_event (event_id, event_type) values (?, ?) on conflict do nothing")
                        .params(event.id(), event.type().typeName())
                        .update()
                == 1;
    }
}
