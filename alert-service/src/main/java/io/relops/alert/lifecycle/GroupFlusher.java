package io.relops.alert.lifecycle;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.relops.alert.delivery.NotificationOutbox;
import io.relops.alert.notification.NotificationMessage;
import io.relops.alert.notification.NotificationMessage.AlertView;
import io.relops.alert.routing.AlertingProperties;
import io.relops.alert.routing.Route;
import io.relops.alert.routing.RoutingTree;
import io.relops.alert.silence.Silence;
import io.relops.alert.silence.SilenceStore;
import java.sql.Array;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Flushes the aggregation groups that are due, with Alertmanager's semantics: the first
 * notification of a group after {@code group_wait}, then at most one per {@code group_interval}
 * tick and only when the set of firing alerts grew, or alerts were resolved (for receivers that
 * {@code send_resolved}), or everything resolved after a notification, or {@code repeat_interval}
 * passed with unacknowledged alerts still firing. Silenced and inhibited alerts are left out (and
 * notified once the silence ends, on the next tick). It also resolves alerts whose {@code endsAt}
 * passed and escalates unacknowledged critical alerts.
 *
 * <p>Every replica runs this on each tick; a group or an alert is claimed with {@code FOR UPDATE
 * SKIP LOCKED}, so each decision is taken by exactly one replica, in the transaction that writes its
 * notifications to the outbox.
 */
@Component
public class GroupFlusher {

    private static final Logger log = LoggerFactory.getLogger(GroupFlusher.class);
    private static final int MAX_GROUPS_PER_TICK = 500;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final RoutingTree routing;
    private final AlertIntake intake;
    private final SilenceStore silences;
    private final Suppressions suppressions;
    private final NotificationOutbox outbox;
    private final AlertStore alerts;
    private final AlertingProperties properties;
    private final Map<String, AtomicLong> alertGauges = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final @Nullable Duration firstEscalation;

    GroupFlusher(
            JdbcClient jdbc,
            TransactionTemplate tx,
            RoutingTree routing,
            AlertIntake intake,
            SilenceStore silences,
            Suppressions suppressions,
            NotificationOutbox outbox,
            AlertStore alerts,
            AlertingProperties properties,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.routing = routing;
        this.intake = intake;
        this.silences = silences;
        this.suppressions = suppressions;
        this.outbox = outbox;
        this.alerts = alerts;
        this.properties = properties;
        this.meters = meters;
        this.firstEscalation = shortestEscalation(routing.root());
    }

    @Scheduled(fixedDelayString = "${relops.alerting.tick:1s}", initialDelayString = "${relops.alerting.tick:1s}")
    void tick() {
        try {
            expire();
            int flushed = 0;
            while (flushed < MAX_GROUPS_PER_TICK && Boolean.TRUE.equals(tx.execute(s -> flushOne()))) {
                flushed++;
            }
            escalate();
            refreshGauges();
        } catch (RuntimeException e) {
            log.warn("alert tick failed, retrying on the next tick: {}", e.toString());
        }
    }

    /** Alerts whose endsAt passed are resolved (Alertmanager's resolve_timeout for pushed alerts). */
    void expire() {
        tx.executeWithoutResult(s -> jdbc.sql("""
                        update alert set status = 'resolved', resolved_at = ends_at, updated_at = now()
                        where fingerprint in (select fingerprint from alert where status = 'firing' and ends_at <= now()
                                              for update skip locked)
                        returning labels::text
                        """)
                .query((rs, n) -> AlertStore.map(rs.getString(1)))
                .list()
                .forEach(intake::group));
    }

    /** Claims one due group and flushes it; false when no group is due. */
    boolean flushOne() {
        Optional<GroupRow> claimed = jdbc.sql("""
                        select group_key, route_id, receiver, group_labels::text, notified_firing, notified_resolved,
                               notified_at, now()
                        from alert_group where flush_at <= now() order by flush_at limit 1 for update skip locked
                        """)
                .query((rs, n) -> new GroupRow(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        AlertStore.map(rs.getString(4)),
                        strings(rs.getArray(5)),
                        strings(rs.getArray(6)),
                        rs.getObject(7, OffsetDateTime.class),
                        rs.getObject(8, OffsetDateTime.class)))
                .optional();
        if (claimed.isEmpty()) {
            return false;
        }
        flush(claimed.get());
        return true;
    }

    private void flush(GroupRow group) {
        Route route = routing.route(group.routeId());
        List<StoredAlert> members = jdbc.sql("select " + prefixed() + " from alert a join alert_group_member m"
                        + " on m.fingerprint = a.fingerprint where m.group_key = ? order by a.starts_at")
                .param(group.key())
                .query(AlertStore.ROW)
                .list();
        OffsetDateTime now = OffsetDateTime.now();
        List<Silence> active = silences.active();
        List<StoredAlert> firing = new ArrayList<>();
        List<StoredAlert> resolved = new ArrayList<>();
        boolean firingRemains = false;
        for (StoredAlert alert : members) {
            if (alert.firing()) {
                firingRemains = true;
                if (!muted(alert, active, now)) {
                    firing.add(alert);
                }
            } else {
                resolved.add(alert);
            }
        }
        Set<String> firingIds = ids(firing);
        Set<String> resolvedIds = ids(resolved);
        if (needsUpdate(group, route, firing, firingIds, resolvedIds)) {
            List<StoredAlert> included = new ArrayList<>(firing);
            included.addAll(resolved);
            outbox.enqueue(message(group, included, firing.isEmpty(), "notification"));
            jdbc.sql("update alert_group set notified_firing = ?, notified_resolved = ?, notified_at = now()"
                            + " where group_key = ?")
                    .params(firingIds.toArray(String[]::new), resolvedIds.toArray(String[]::new), group.key())
                    .update();
        }
        if (!resolved.isEmpty()) {
            jdbc.sql("delete from alert_group_member m using alert a where m.group_key = ? and m.fingerprint ="
                            + " a.fingerprint and a.status = 'resolved'")
                    .param(group.key())
                    .update();
        }
        if (firingRemains) {
            jdbc.sql("update alert_group set flush_at = now() + ? * interval '1 millisecond' where group_key = ?")
                    .params(route.groupInterval().toMillis(), group.key())
                    .update();
        } else {
            jdbc.sql("delete from alert_group where group_key = ?")
                    .param(group.key())
                    .update();
        }
    }

    /**
     * Alertmanager's dedup decision (notify.go, DedupStage.needsUpdate), over the group's last notification. The
     * repeat is timed on the database's clock, the one {@code notified_at} was written with.
     */
    private boolean needsUpdate(
            GroupRow group, Route route, List<StoredAlert> firing, Set<String> firingIds, Set<String> resolvedIds) {
        if (group.notifiedAt() == null) {
            return !firing.isEmpty();
        }
        if (!group.notifiedFiring().containsAll(firingIds)) {
            return true;
        }
        if (firingIds.isEmpty()) {
            return !group.notifiedFiring().isEmpty();
        }
        if (!group.notifiedResolved().containsAll(resolvedIds) && !resolvedIds.isEmpty()) {
            return true;
        }
        boolean unacknowledged = firing.stream().anyMatch(a -> a.acknowledgedAt() == null);
        return unacknowledged && group.notifiedAt().isBefore(group.claimedAt().minus(route.repeatInterval()));
    }

    private boolean muted(StoredAlert alert, List<Silence> active, OffsetDateTime now) {
        return suppressions.muted(alert, active, now);
    }

    /** Sends unacknowledged critical alerts to their route's {@code escalate-to} receiver after {@code escalate-after}. */
    void escalate() {
        if (firstEscalation == null) {
            return;
        }
        tx.executeWithoutResult(s -> {
            List<StoredAlert> candidates = jdbc.sql("select " + AlertStore.COLUMNS + " from alert where status ="
                            + " 'firing' and severity = 'critical' and acknowledged_at is null and escalated_at is null"
                            + " and starts_at <= now() - ? * interval '1 millisecond' for update skip locked")
                    .param(firstEscalation.toMillis())
                    .query(AlertStore.ROW)
                    .list();
            OffsetDateTime now = OffsetDateTime.now();
            List<Silence> active = silences.active();
            for (StoredAlert alert : candidates) {
                Route route = routing.match(alert.labels()).stream()
                        .filter(r -> r.escalateTo() != null && r.escalateAfter() != null)
                        .findFirst()
                        .orElse(null);
                if (route == null
                        || alert.startsAt().plus(route.escalateAfter()).isAfter(now)
                        || muted(alert, active, now)) {
                    continue;
                }
                String key = "escalation:" + alert.fingerprint() + ":" + alert.id();
                outbox.enqueue(new NotificationMessage(
                        "4",
                        key,
                        NotificationMessage.FIRING,
                        route.escalateTo(),
                        "escalation",
                        alert.labels(),
                        alert.labels(),
                        alert.annotations(),
                        properties.externalUrl(),
                        List.of(view(alert))));
                jdbc.sql("update alert set escalated_at = now() where fingerprint = ?")
                        .param(alert.fingerprint())
                        .update();
                log.info(
                        "escalated unacknowledged alert {} {} to {}",
                        alert.fingerprint(),
                        alert.labels(),
                        route.escalateTo());
            }
        });
    }

    private NotificationMessage message(GroupRow group, List<StoredAlert> included, boolean resolved, String kind) {
        List<AlertView> views = included.stream().map(GroupFlusher::view).toList();
        return new NotificationMessage(
                "4",
                group.key(),
                resolved ? NotificationMessage.RESOLVED : NotificationMessage.FIRING,
                group.receiver(),
                kind,
                group.groupLabels(),
                common(views.stream().map(AlertView::labels).toList()),
                common(views.stream().map(AlertView::annotations).toList()),
                properties.externalUrl(),
                views);
    }

    static AlertView view(StoredAlert a) {
        return new AlertView(
                a.id(),
                a.fingerprint(),
                a.status(),
                a.labels(),
                a.annotations(),
                a.startsAt(),
                a.firing() ? a.endsAt() : a.resolvedAt(),
                a.generatorUrl(),
                a.releaseId());
    }

    private static Map<String, String> common(List<Map<String, String>> all) {
        if (all.isEmpty()) {
            return Map.of();
        }
        Map<String, String> common = new LinkedHashMap<>(all.get(0));
        for (Map<String, String> next : all) {
            common.entrySet().removeIf(e -> !e.getValue().equals(next.get(e.getKey())));
        }
        return common;
    }

    private void refreshGauges() {
        alerts.countByStatus()
                .forEach((state, count) -> alertGauges
                        .computeIfAbsent(state, s -> {
                            AtomicLong holder = new AtomicLong();
                            Gauge.builder("relops.alert.alerts", holder, AtomicLong::get)
                                    .description("alerts by state")
                                    .tag("state", s)
                                    .register(meters);
                            return holder;
                        })
                        .set(count));
    }

    private static @Nullable Duration shortestEscalation(Route route) {
        Duration best = route.escalateTo() == null ? null : route.escalateAfter();
        for (Route child : route.routes()) {
            Duration d = shortestEscalation(child);
            if (d != null && (best == null || d.compareTo(best) < 0)) {
                best = d;
            }
        }
        return best;
    }

    private static String prefixed() {
        return Arrays.stream(AlertStore.COLUMNS.split(",\\s*"))
                .map(c -> "a." + c)
                .reduce((x, y) -> x + ", " + y)
                .orElseThrow();
    }

    private static Set<String> ids(List<StoredAlert> alerts) {
        Set<String> ids = new HashSet<>();
        alerts.forEach(a -> ids.add(a.id().toString()));
        return ids;
    }

    private static Set<String> strings(@Nullable Array array) throws java.sql.SQLException {
        if (array == null) {
            return Set.of();
        }
        return new HashSet<>(Arrays.asList((String[]) array.getArray()));
    }

    private record GroupRow(
            String key,
            String routeId,
            String receiver,
            Map<String, String> groupLabels,
            Set<String> notifiedFiring,
            Set<String> notifiedResolved,
            @Nullable OffsetDateTime notifiedAt,
            OffsetDateTime claimedAt) {}
}
