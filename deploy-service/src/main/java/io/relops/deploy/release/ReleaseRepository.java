package io.relops.deploy.release;

import io.relops.common.release.ReleaseStatus;
import io.relops.common.release.Strategy;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Releases, their timelines, live versions, slots and pre-deploy backups in deploy-service's schema. */
@Repository
public class ReleaseRepository {

    /** The statuses of a release in progress, as a SQL list. */
    private static final String IN_PROGRESS = Arrays.stream(ReleaseStatus.values())
            .filter(status -> !status.isTerminal())
            .map(status -> "'" + status.name() + "'")
            .collect(Collectors.joining(", ", "(", ")"));

    private final JdbcClient jdbc;

    public ReleaseRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Release r, String message) {
        jdbc.sql("""
                        insert into release (id, application, environment, version, previous_version, previous_release,
                                             strategy, status,
                                             stable_slot, stable_endpoint, requested_by, reason, commit_ref,
                                             requested_at, updated_at, completed_at, promoted_from)
                        values (:id, :application, :environment, :version, :previousVersion, :previousRelease,
                                :strategy, :status,
                                :stableSlot, :stableEndpoint, :requestedBy, :reason, :commitRef,
                                :requestedAt, :updatedAt, :completedAt, :promotedFrom)
                        """)
                .param("id", r.id())
                .param("application", r.application())
                .param("environment", r.environment())
                .param("version", r.version())
                .param("previousVersion", r.previousVersion())
                .param("previousRelease", r.previousRelease())
                .param("strategy", r.strategy().wireName())
                .param("status", r.status().name())
                .param("stableSlot", r.stableSlot())
                .param("stableEndpoint", r.stableEndpoint())
                .param("requestedBy", r.requestedBy())
                .param("reason", r.reason())
                .param("commitRef", r.commitRef())
                .param("requestedAt", r.requestedAt())
                .param("updatedAt", r.updatedAt())
                .param("completedAt", r.completedAt())
                .param("promotedFrom", r.promotedFrom())
                .update();
        note(r.id(), r.status(), message);
    }

    /** Writes what the lifecycle moves: state, placement, traffic, approval, backup, reason and times. */
    void save(Release r) {
        jdbc.sql("""
                        update release set status = :status, seq = :seq, paused = :paused, slot = :slot,
                               endpoint = :endpoint, step = :step, weight = :weight, approved_by = :approvedBy,
                               backup_id = :backupId, backup_sha256 = :backupSha256, reason = :reason,
                               watch_until = :watchUntil, updated_at = :updatedAt, completed_at = :completedAt
                        where id = :id
                        """)
                .param("status", r.status().name())
                .param("seq", r.seq())
                .param("paused", r.paused())
                .param("slot", r.slot())
                .param("endpoint", r.endpoint())
                .param("step", r.step())
                .param("weight", r.weight())
                .param("approvedBy", r.approvedBy())
                .param("backupId", r.backupId())
                .param("backupSha256", r.backupSha256())
                .param("reason", r.reason())
                .param("watchUntil", r.watchUntil())
                .param("updatedAt", r.updatedAt())
                .param("completedAt", r.completedAt())
                .param("id", r.id())
                .update();
    }

    /** Adds an entry to the release's timeline without changing its state. */
    void note(UUID id, ReleaseStatus status, String message) {
        jdbc.sql("insert into release_history (release_id, status, message) values (?, ?, ?)")
                .params(id, status.name(), message)
                .update();
    }

    public Optional<Release> find(UUID id) {
        return jdbc.sql("select * from release where id = ?")
                .param(id)
                .query(ReleaseRepository::release)
                .optional();
    }

    /** Namespace of this repository's advisory locks (the first key of the two-key form). */
    private static final int RELEASE_ID_LOCKS = 0x52454c31;

    /**
     * Serializes, until the end of the transaction, everything that may see a release id before the release row
     * exists: the request that creates it and a pre-deploy backup outcome that may arrive first on another topic.
     * Without it each could commit without seeing the other, and the release would wait for a backup it already has.
     */
    void lockReleaseId(UUID id) {
        jdbc.sql("select pg_advisory_xact_lock(?, ?)")
                .params(RELEASE_ID_LOCKS, id.hashCode())
                .query((rs, row) -> 1)
                .list();
    }

    /** The release, locked for the rest of the transaction. */
    Optional<Release> lock(UUID id) {
        return jdbc.sql("select * from release where id = ? for update")
                .param(id)
                .query(ReleaseRepository::release)
                .optional();
    }

    Optional<Release> inProgress(String application, String environment) {
        return jdbc.sql("select * from release where application = ? and environment = ? and status in " + IN_PROGRESS
                        + " for update")
                .params(application, environment)
                .query(ReleaseRepository::release)
                .optional();
    }

    /** When the oldest release of the application in the environment that is still in progress was requested. */
    Optional<OffsetDateTime> oldestInProgress(String application, String environment) {
        return jdbc.sql("select requested_at from release where application = ? and environment = ? and status in "
                        + IN_PROGRESS + " order by requested_at limit 1")
                .params(application, environment)
                .query((rs, row) -> rs.getObject("requested_at", OffsetDateTime.class))
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

    /**
     * The newest release of {@code version} in the environment that reached COMPLETED, with the time it did (its
     * first timeline entry in that state): it may have been rolled back since.
     */
    Optional<Promotion.Completed> completed(String application, String environment, String version) {
        return jdbc.sql("""
                        select r.id, min(h.at) as completed_at
                        from release r join release_history h on h.release_id = r.id and h.status = 'COMPLETED'
                        where r.application = ? and r.environment = ? and r.version = ?
                        group by r.id order by completed_at desc limit 1
                        """)
                .params(application, environment, version)
                .query((rs, row) -> new Promotion.Completed(
                        rs.getObject("id", UUID.class), rs.getObject("completed_at", OffsetDateTime.class)))
                .optional();
    }

    /** When the newest release of {@code version} in the environment that ended ROLLED_BACK ended. */
    Optional<OffsetDateTime> rolledBack(String application, String environment, String version) {
        return jdbc.sql("""
                        select coalesce(completed_at, updated_at) as ended from release
                        where application = ? and environment = ? and version = ? and status = 'ROLLED_BACK'
                        order by ended desc limit 1
                        """)
                .params(application, environment, version)
                .query((rs, row) -> rs.getObject("ended", OffsetDateTime.class))
                .optional();
    }

    /**
     * The newest release of {@code version} in the environment whose rollback started (a ROLLING_BACK timeline
     * entry, the newest of them is {@code since}) and did not end ROLLED_BACK: rolling back now, back in COMPLETED
     * after a failed restore, or FAILED. Aborted releases are left out: an abort is an operator's choice, not a
     * verdict on the version.
     */
    Optional<Promotion.Unsettled> rollbackUnsettled(String application, String environment, String version) {
        return jdbc.sql("""
                        select r.id, r.status, max(h.at) as since
                        from release r join release_history h on h.release_id = r.id and h.status = 'ROLLING_BACK'
                        where r.application = ? and r.environment = ? and r.version = ?
                          and r.status in ('ROLLING_BACK', 'COMPLETED', 'FAILED')
                        group by r.id, r.status order by since desc limit 1
                        """)
                .params(application, environment, version)
                .query((rs, row) -> new Promotion.Unsettled(
                        rs.getObject("id", UUID.class),
                        ReleaseStatus.valueOf(rs.getString("status")),
                        rs.getObject("since", OffsetDateTime.class)))
                .optional();
    }

    /** The newest release of each environment of {@code application}. */
    public List<Release> lastReleases(String application) {
        return jdbc.sql("""
                        select distinct on (environment) * from release where application = ?
                        order by environment, requested_at desc
                        """)
                .param(application)
                .query(ReleaseRepository::release)
                .list();
    }

    public List<ReleaseStep> history(UUID id) {
        return jdbc.sql("select at, status, message from release_history where release_id = ? order by id")
                .param(id)
                .query((rs, row) -> new ReleaseStep(
                        rs.getObject("at", OffsetDateTime.class),
                        ReleaseStatus.valueOf(rs.getString("status")),
                        rs.getString("message")))
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

    void makeLive(LiveVersion live) {
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

    /** Records what runs on a slot (or that nothing does any more). */
    void slot(String application, String environment, String slot, String version, String endpoint, boolean running) {
        jdbc.sql("""
                        insert into slot_state (application, environment, slot, version, endpoint, running)
                        values (?, ?, ?, ?, ?, ?)
                        on conflict (application, environment, slot) do update
                        set version = excluded.version, endpoint = excluded.endpoint, running = excluded.running,
                            updated_at = now()
                        """)
                .params(application, environment, slot, version, endpoint, running)
                .update();
    }

    void slotStopped(String application, String environment, String slot) {
        jdbc.sql("update slot_state set running = false, updated_at = now()"
                        + " where application = ? and environment = ? and slot = ?")
                .params(application, environment, slot)
                .update();
    }

    /** Whether {@code slot} runs {@code version}, as far as deploy-service knows. */
    boolean slotRuns(String application, String environment, String slot, String version) {
        return jdbc.sql("select count(*) from slot_state where application = ? and environment = ? and slot = ?"
                                + " and version = ? and running")
                        .params(application, environment, slot, version)
                        .query(Long.class)
                        .single()
                > 0;
    }

    /** Whether a release in progress or the live version uses {@code slot}. */
    boolean slotInUse(String application, String environment, String slot) {
        return jdbc.sql("select (select count(*) from live_version where application = :a and environment = :e"
                                + " and slot = :s) + (select count(*) from release where application = :a"
                                + " and environment = :e and slot = :s and status in " + IN_PROGRESS + ")")
                        .param("a", application)
                        .param("e", environment)
                        .param("s", slot)
                        .query(Long.class)
                        .single()
                > 0;
    }

    /** Records a pre-deploy backup's outcome; the first one for a release wins. */
    void backupOutcome(
            UUID releaseId, UUID backupId, boolean completed, @Nullable String sha256, @Nullable String reason) {
        jdbc.sql("""
                        insert into release_backup (release_id, backup_id, completed, sha256, reason)
                        values (?, ?, ?, ?, ?) on conflict do nothing
                        """).params(releaseId, backupId, completed, sha256, reason).update();
    }

    Optional<BackupOutcome> backupOutcome(UUID releaseId) {
        return jdbc.sql("select * from release_backup where release_id = ?")
                .param(releaseId)
                .query((rs, row) -> new BackupOutcome(
                        rs.getObject("backup_id", UUID.class),
                        rs.getBoolean("completed"),
                        rs.getString("sha256"),
                        rs.getString("reason")))
                .optional();
    }

    record BackupOutcome(
            UUID backupId,
            boolean completed,
            @Nullable String sha256,
            @Nullable String reason) {}

    private static Release release(ResultSet rs, int row) throws SQLException {
        return new Release(
                rs.getObject("id", UUID.class),
                rs.getString("application"),
                rs.getString("environment"),
                rs.getString("version"),
                rs.getString("previous_version"),
                rs.getObject("previous_release", UUID.class),
                Strategy.of(rs.getString("strategy")).orElse(Strategy.BLUE_GREEN),
                ReleaseStatus.valueOf(rs.getString("status")),
                rs.getString("slot"),
                rs.getString("endpoint"),
                rs.getString("stable_slot"),
                rs.getString("stable_endpoint"),
                rs.getInt("step"),
                rs.getInt("weight"),
                rs.getInt("seq"),
                rs.getBoolean("paused"),
                rs.getString("requested_by"),
                rs.getString("approved_by"),
                rs.getObject("backup_id", UUID.class),
                rs.getString("backup_sha256"),
                rs.getString("reason"),
                rs.getString("commit_ref"),
                rs.getObject("watch_until", OffsetDateTime.class),
                rs.getObject("requested_at", OffsetDateTime.class),
                rs.getObject("updated_at", OffsetDateTime.class),
                rs.getObject("completed_at", OffsetDateTime.class),
                rs.getObject("promoted_from", UUID.class));
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
