package io.relops.healthcheck.monitor;

import io.relops.common.event.DeploymentReady;
import io.relops.common.event.ReleaseCompleted;
import io.relops.common.event.RelopsEvent;
import io.relops.common.event.RollbackCompleted;
import io.relops.common.event.TrafficShifted;
import io.relops.healthcheck.probe.HealthCatalog;
import io.relops.healthcheck.probe.HealthCatalog.HealthSpec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Which slot serves each application, learnt from the release topic: {@code deployment.ready} and
 * {@code traffic.shifted} say where a release runs; {@code traffic.shifted} at 100 % and {@code
 * release.completed} make it live ({@code release.completed} also opens the post-release watch
 * window); {@code rollback.completed} returns to what served before.
 */
@Repository
public class LiveSlots {

    private static final Logger log = LoggerFactory.getLogger(LiveSlots.class);

    private final JdbcClient jdbc;
    private final HealthCatalog catalog;

    public LiveSlots(JdbcClient jdbc, HealthCatalog catalog) {
        this.jdbc = jdbc;
        this.catalog = catalog;
    }

    /** Applies one release event, in the caller's transaction (the one that marks it consumed). */
    @Transactional(propagation = Propagation.MANDATORY)
    public void onReleaseEvent(RelopsEvent<?> event) {
        if (event.data() instanceof DeploymentReady ready) {
            deployed(
                    ready.releaseId(),
                    ready.application(),
                    ready.environment(),
                    ready.version(),
                    ready.slot(),
                    ready.endpoint());
        } else if (event.data() instanceof TrafficShifted shifted) {
            deployed(
                    shifted.releaseId(),
                    shifted.application(),
                    shifted.environment(),
                    shifted.version(),
                    shifted.slot(),
                    shifted.endpoint());
            if (shifted.weight() >= 100) {
                makeLive(shifted.releaseId(), null);
            }
        } else if (event.data() instanceof ReleaseCompleted completed) {
            Duration window = catalog.health(completed.application(), completed.environment())
                    .map(HealthSpec::watchWindow)
                    .orElse(Duration.ofMinutes(5));
            makeLive(completed.releaseId(), OffsetDateTime.now().plus(window));
        } else if (event.data() instanceof RollbackCompleted rolledBack) {
            rolledBack(rolledBack);
        }
    }

    private void deployed(
            UUID releaseId, String application, String environment, String version, String slot, String endpoint) {
        jdbc.sql("""
                        insert into release_slot (release_id, application, environment, version, slot, endpoint)
                        values (?, ?, ?, ?, ?, ?)
                        on conflict (release_id) do update set slot = excluded.slot, endpoint = excluded.endpoint
                        """)
                .params(releaseId, application, environment, version, slot, endpoint)
                .update();
    }

    private void makeLive(UUID releaseId, @Nullable OffsetDateTime watchUntil) {
        Optional<Deployed> deployed = jdbc.sql("select * from release_slot where release_id = ?")
                .param(releaseId)
                .query((rs, n) -> new Deployed(
                        rs.getString("application"),
                        rs.getString("environment"),
                        rs.getString("version"),
                        rs.getString("slot"),
                        rs.getString("endpoint")))
                .optional();
        if (deployed.isEmpty()) {
            log.warn(
                    "release {} completed but its slot is unknown (no deployment.ready seen): not monitored",
                    releaseId);
            return;
        }
        Deployed d = deployed.get();
        // a new live release keeps what served before (for a rollback); the same release only updates
        jdbc.sql("""
                        insert into live_slot (application, environment, release_id, version, slot, endpoint, watch_until)
                        values (:application, :environment, :releaseId, :version, :slot, :endpoint, :watchUntil)
                        on conflict (application, environment) do update set
                          previous_release  = case when live_slot.release_id is distinct from excluded.release_id
                                                   then live_slot.release_id else live_slot.previous_release end,
                          previous_version  = case when live_slot.release_id is distinct from excluded.release_id
                                                   then live_slot.version else live_slot.previous_version end,
                          previous_slot     = case when live_slot.release_id is distinct from excluded.release_id
                                                   then live_slot.slot else live_slot.previous_slot end,
                          previous_endpoint = case when live_slot.release_id is distinct from excluded.release_id
                                                   then live_slot.endpoint else live_slot.previous_endpoint end,
                          since       = case when live_slot.release_id is distinct from excluded.release_id
                                             then now() else live_slot.since end,
                          release_id  = excluded.release_id,
                          version     = excluded.version,
                          slot        = excluded.slot,
                          endpoint    = excluded.endpoint,
                          watch_until = coalesce(excluded.watch_until, live_slot.watch_until)
                        """)
                .param("application", d.application())
                .param("environment", d.environment())
                .param("releaseId", releaseId)
                .param("version", d.version())
                .param("slot", d.slot())
                .param("endpoint", d.endpoint())
                .param("watchUntil", watchUntil)
                .update();
        log.info(
                "{} {} is live on {} ({}){}",
                d.application(),
                d.version(),
                d.slot(),
                d.endpoint(),
                watchUntil == null ? "" : ", watched until " + watchUntil);
    }

    private void rolledBack(RollbackCompleted rollback) {
        // the failed release was live: what served before serves again (or nothing, if nothing did)
        int restored = jdbc.sql("""
                        update live_slot set release_id = previous_release, version = previous_version,
                          slot = previous_slot, endpoint = previous_endpoint, since = now(), watch_until = null,
                          previous_release = null, previous_version = null, previous_slot = null,
                          previous_endpoint = null
                        where application = ? and environment = ? and release_id = ? and previous_endpoint is not null
                        """)
                .params(rollback.application(), rollback.environment(), rollback.releaseId())
                .update();
        int removed = jdbc.sql("delete from live_slot where application = ? and environment = ? and release_id = ?")
                .params(rollback.application(), rollback.environment(), rollback.releaseId())
                .update();
        log.info(
                "{} rolled back to {}: {}",
                rollback.application(),
                rollback.restoredVersion(),
                restored == 1
                        ? "the previous slot is live again"
                        : removed == 1 ? "nothing live" : "live slot unchanged");
    }

    /** What serves {@code application} in {@code environment} now, if anything does. */
    public Optional<LiveSlot> live(String application, String environment) {
        return jdbc.sql("select * from live_slot where application = ? and environment = ?")
                .params(application, environment)
                .query(LiveSlots::map)
                .optional();
    }

    public List<LiveSlot> all() {
        return jdbc.sql("select * from live_slot order by application, environment")
                .query(LiveSlots::map)
                .list();
    }

    static LiveSlot map(ResultSet rs, int row) throws SQLException {
        return new LiveSlot(
                rs.getString("application"),
                rs.getString("environment"),
                rs.getObject("release_id", UUID.class),
                rs.getString("version"),
                rs.getString("slot"),
                rs.getString("endpoint"),
                rs.getObject("since", OffsetDateTime.class),
                rs.getObject("watch_until", OffsetDateTime.class));
    }

    private record Deployed(String application, String environment, String version, String slot, String endpoint) {}
}
