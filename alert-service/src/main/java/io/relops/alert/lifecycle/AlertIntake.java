package io.relops.alert.lifecycle;

import io.relops.alert.routing.Route;
import io.relops.alert.routing.RoutingTree;
import io.relops.platform.tracing.TraceContexts;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Applies alert signals: deduplicates them by fingerprint, opens a new firing episode when an alert
 * fires again after it was resolved, and puts every alert that changed into the aggregation group
 * of each route that receives it, scheduling that group's next flush (group_wait for a new group,
 * the next group_interval tick for an existing one). Nothing is sent here: notifications are
 * decided when a group is flushed.
 *
 * <p>Inputs on different topics are not ordered, so a resolution may arrive before the failure it
 * answers: it is kept, and a failure older than the resolution does not fire again.
 */
@Component
public class AlertIntake {

    private final JdbcClient jdbc;
    private final RoutingTree routing;
    private final TraceContexts traces;

    AlertIntake(JdbcClient jdbc, RoutingTree routing, TraceContexts traces) {
        this.jdbc = jdbc;
        this.routing = routing;
        this.traces = traces;
    }

    /** Applies {@code signals} in the caller's transaction; returns how many alerts changed state. */
    @Transactional(propagation = Propagation.MANDATORY)
    public int apply(List<AlertSignal> signals) {
        int changed = 0;
        for (AlertSignal signal : signals) {
            boolean expired = signal.firing()
                    && signal.endsAt() != null
                    && !signal.endsAt().isAfter(OffsetDateTime.now());
            boolean didChange = signal.firing() && !expired ? fire(signal) : resolve(signal, expired);
            if (didChange) {
                changed++;
                group(signal.labels());
            }
            remember(signal);
        }
        return changed;
    }

    /**
     * Keeps the trace context of the last signal about an alert (the release event, or the API call, that fired or
     * resolved it): its {@code alert.notified} goes out in that trace, though the notification is sent later.
     */
    private void remember(AlertSignal s) {
        String traceparent = traces.current();
        if (traceparent != null) {
            jdbc.sql("update alert set traceparent = ? where fingerprint = ?")
                    .params(traceparent, s.fingerprint())
                    .update();
        }
    }

    private boolean fire(AlertSignal s) {
        // the common case first: the same alert again, deduplicated with its annotations refreshed
        int refreshed = jdbc.sql("""
                        update alert set annotations = ?::jsonb, release_id = coalesce(?, release_id), ends_at = ?,
                                         generator_url = coalesce(?, generator_url), updated_at = now()
                        where fingerprint = ? and status = 'firing'
                        """)
                .params(AlertStore.json(s.annotations()), s.releaseId(), s.endsAt(), s.generatorUrl(), s.fingerprint())
                .update();
        if (refreshed == 1) {
            return false;
        }
        int inserted = jdbc.sql("""
                        insert into alert (fingerprint, id, labels, annotations, application, release_id, severity,
                                           status, starts_at, ends_at, generator_url, cause)
                        values (?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, 'firing', ?, ?, ?, ?)
                        on conflict (fingerprint) do nothing
                        """)
                .params(
                        s.fingerprint(),
                        UUID.randomUUID(),
                        AlertStore.json(s.labels()),
                        AlertStore.json(s.annotations()),
                        s.application(),
                        s.releaseId(),
                        s.severity(),
                        s.at(),
                        s.endsAt(),
                        s.generatorUrl(),
                        s.cause())
                .update();
        if (inserted == 1) {
            return true;
        }
        Current current = current(s.fingerprint());
        if (current.firing()) {
            // the same alert again: deduplicated, its annotations refreshed
            jdbc.sql("""
                            update alert set annotations = ?::jsonb, release_id = coalesce(?, release_id), ends_at = ?,
                                             generator_url = coalesce(?, generator_url), updated_at = now()
                            where fingerprint = ?
                            """)
                    .params(
                            AlertStore.json(s.annotations()),
                            s.releaseId(),
                            s.endsAt(),
                            s.generatorUrl(),
                            s.fingerprint())
                    .update();
            return false;
        }
        if (current.resolvedAt() != null && !current.resolvedAt().isBefore(s.at())) {
            return false; // a failure older than the recovery that already resolved it
        }
        jdbc.sql("""
                        update alert set id = ?, status = 'firing', annotations = ?::jsonb, release_id = ?, starts_at = ?,
                                         ends_at = ?, resolved_at = null, generator_url = ?, cause = ?,
                                         acknowledged_by = null, acknowledged_at = null, ack_comment = null,
                                         escalated_at = null, updated_at = now()
                        where fingerprint = ?
                        """)
                .params(
                        UUID.randomUUID(),
                        AlertStore.json(s.annotations()),
                        s.releaseId(),
                        s.at(),
                        s.endsAt(),
                        s.generatorUrl(),
                        s.cause(),
                        s.fingerprint())
                .update();
        return true;
    }

    private boolean resolve(AlertSignal s, boolean expired) {
        OffsetDateTime at = expired && s.endsAt() != null ? s.endsAt() : s.at();
        int inserted = jdbc.sql("""
                        insert into alert (fingerprint, id, labels, annotations, application, release_id, severity,
                                           status, starts_at, resolved_at, generator_url, cause)
                        values (?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, 'resolved', ?, ?, ?, ?)
                        on conflict (fingerprint) do nothing
                        """)
                .params(
                        s.fingerprint(),
                        UUID.randomUUID(),
                        AlertStore.json(s.labels()),
                        AlertStore.json(s.annotations()),
                        s.application(),
                        s.releaseId(),
                        s.severity(),
                        at,
                        at,
                        s.generatorUrl(),
                        s.cause())
                .update();
        if (inserted == 1) {
            return false; // nothing was firing: remember the recovery, notify nobody
        }
        Current current = current(s.fingerprint());
        if (!current.firing()) {
            jdbc.sql("update alert set resolved_at = greatest(resolved_at, ?) where fingerprint = ?")
                    .params(at, s.fingerprint())
                    .update();
            return false;
        }
        if (at.isBefore(current.startsAt())) {
            return false; // a recovery older than this firing episode
        }
        jdbc.sql("update alert set status = 'resolved', resolved_at = ?, updated_at = now() where fingerprint = ?")
                .params(at, s.fingerprint())
                .update();
        return true;
    }

    private Current current(String fingerprint) {
        return jdbc.sql("select status, starts_at, resolved_at from alert where fingerprint = ? for update")
                .param(fingerprint)
                .query((rs, n) -> new Current(
                        rs.getString(1), rs.getObject(2, OffsetDateTime.class), rs.getObject(3, OffsetDateTime.class)))
                .single();
    }

    private record Current(
            String status,
            OffsetDateTime startsAt,
            @org.jspecify.annotations.Nullable OffsetDateTime resolvedAt) {
        boolean firing() {
            return StoredAlert.FIRING.equals(status);
        }
    }

    /** Puts the alert into the group of every route that receives it and schedules the group's flush. */
    void group(Map<String, String> labels) {
        String fingerprint = AlertSignal.fingerprint(labels);
        for (Route route : routing.match(labels)) {
            String key = route.groupKey(labels);
            jdbc.sql("""
                            insert into alert_group (group_key, route_id, receiver, group_labels, flush_at)
                            values (?, ?, ?, ?::jsonb, now() + ? * interval '1 millisecond')
                            on conflict (group_key) do update set flush_at = coalesce(alert_group.flush_at,
                                greatest(now(), alert_group.notified_at + ? * interval '1 millisecond'))
                            """)
                    .params(
                            key,
                            route.id(),
                            route.receiver(),
                            AlertStore.json(route.groupLabels(labels)),
                            route.groupWait().toMillis(),
                            route.groupInterval().toMillis())
                    .update();
            jdbc.sql("insert into alert_group_member (group_key, fingerprint) values (?, ?) on conflict do nothing")
                    .params(key, fingerprint)
                    .update();
        }
    }
}
