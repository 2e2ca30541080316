package io.relops.deploy.release;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Releases and live versions in deploy-service's schema. */
@Repository
public class ReleaseRepository {

    private final JdbcClient jdbc;

    public ReleaseRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(Release r) {
        jdbc.sql("""
                        insert into release (id, application, environment, version, previous_version, strategy, status,
                                             slot, endpoint, requested_by, reason, requested_at, updated_at, completed_at)
                        values (:id, :application, :environment, :version, :previousVersion, :strategy, :status,
                                :slot, :endpoint, :requestedBy, :reason, :requestedAt, :updatedAt, :completedAt)
                        """)
                .param("id", r.id())
                .param("application", r.application())
                .param("environment", r.environment())
                .param("version", r.version())
                .param("previousVersion", r.previousVersion())
                .param("strategy", r.strategy())
                .param("status", r.status().name())
                .param("slot", r.slot())
                .param("endpoint", r.endpoint())
                .param("requestedBy", r.requestedBy())
                .param("reason", r.reason())
                .param("requestedAt", r.requestedAt())
                .param("updatedAt", r.updatedAt())
                .param("completedAt", r.completedAt())
                .update();
    }

    /** Moves a release to {@code status}; terminal states stamp {@code completed_at}. */
    public void transition(UUID id, ReleaseStatus status, @Nullable String endpoint, @Nullable String reason) {
        jdbc.sql("""
                        update release set status = :status, endpoint = coalesce(:endpoint, endpoint),
                               reason = coalesce(:reason, reason), updated_at = now(),
                               completed_at = case when :terminal then now() else completed_at end
                        where id = :id
                        """)
                .param("status", status.name())
                .param("endpoint", endpoint)
                .param("reason", reason)
                .param("terminal", status.isTerminal())
                .param("id", id)
                .update();
    }

    public Optional<Release> find(UUID id) {
        return jdbc.sql("select * from release where id = ?")
                .param(id)
                .query(ReleaseRepository::release)
                .optional();
    }

    /** The release, locked for the rest of the transaction. */
    public Optional<Release> lock(UUID id) {
        return jdbc.sql("select * from release where id = ? for update")
                .param(id)
                .query(ReleaseRepository::release)
                .optional();
    }

    public Optional<Release> inProgress(String application, String environment) {
        return jdbc.sql("""
                        select * from release where application = ? and environment = ?
                        and status in ('REQUESTED', 'AWAITING_APPROVAL', 'AWAITING_BACKUP', 'DEPLOYING', 'VERIFYING',
                                       'PROMOTING', 'ROLLING_BACK')
                        """)
                .params(application, environment)
                .query(ReleaseRepository::release)
                .optional();
    }

    public List<Release> list(
            @Nullable String application, @Nullable String environment, @Nullable ReleaseStatus status, int limit) {
        return jdbc.sql("""
                        select * from release
                        where (cast(:application as text) is null or application = :application)
                          and (cast(:environment as text) is null or environment = :environment)
                          and (cast(:status as text) is null or status = :status)
                        order by requested_at desc limit :limit
                        """)
                .param("application", application)
                .param("environment", environment)
                .param("status", status == null ? null : status.name())
                .param("limit", limit)
                .query(ReleaseRepository::release)
                .list();
    }

    public Optional<LiveVersion> live(String application, String environment) {
        return jdbc.sql("select * from live_version where application = ? and environment = ?")
                .params(application, environment)
                .query(ReleaseRepository::liveVersion)
                .optional();
    }

    public List<LiveVersion> allLive() {
        return jdbc.sql("select * from live_version")
                .query(ReleaseRepository::liveVersion)
                .list();
    }

    public void makeLive(LiveVersion live) {
        jdbc.sql("""
                        insert into live_version (application, environment, version, slot, endpoint, release_id)
                        values (?, ?, ?, ?, ?, ?)
                        on conflict (application, environment) do update
                        set version = excluded.version, slot = excluded.slot, endpoint = excluded.endpoint,
                            release_id = excluded.release_id, since = now()
                        """)
                .params(
                        live.application(),
                        live.environment(),
                        live.version(),
                        live.slot(),
                        live.endpoint(),
                        live.releaseId())
                .update();
    }

    private static Release release(ResultSet rs, int row) throws SQLException {
        return new Release(
                rs.getObject("id", UUID.class),
                rs.getString("application"),
                rs.getString("environment"),
                rs.getString("version"),
                rs.getString("previous_version"),
                rs.getString("strategy"),
                ReleaseStatus.valueOf(rs.getString("status")),
                rs.getString("slot"),
                rs.getString("endpoint"),
                rs.getString("requested_by"),
                rs.getString("reason"),
                rs.getObject("requested_at", OffsetDateTime.class),
                rs.getObject("updated_at", OffsetDateTime.class),
                rs.getObject("completed_at", OffsetDateTime.class));
    }

    private static LiveVersion liveVersion(ResultSet rs, int row) throws SQLException {
        return new LiveVersion(
                rs.getString("application"),
                rs.getString("environment"),
                rs.getString("version"),
                rs.getString("slot"),
                rs.getString("endpoint"),
                rs.getObject("release_id", UUID.class));
    }
}
