package io.relops.backup.lifecycle;

import io.relops.backup.retention.Retention;
import io.relops.backup.retention.Retention.Verification;
import io.relops.common.codec.EventJson;
import io.relops.common.event.BackupVerified.Check;
import io.relops.platform.tracing.TraceContexts;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;

/** The catalog of backups and restores in PostgreSQL. */
@Repository
public class BackupRepository {

    private static final TypeReference<Map<String, Long>> EVIDENCE = new TypeReference<>() {};
    private static final TypeReference<List<Check>> CHECKS = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final TraceContexts traces;

    BackupRepository(JdbcClient jdbc, TraceContexts traces) {
        this.jdbc = jdbc;
        this.traces = traces;
    }

    /** Records a backup request; {@code false} when a backup with this id exists already. */
    public boolean insertRequest(
            UUID id,
            String application,
            @Nullable String environment,
            @Nullable UUID releaseId,
            String trigger,
            String requestedBy,
            @Nullable String driver) {
        return jdbc.sql("""
                        insert into backup (id, application, environment, release_id, trigger, requested_by, status,
                                            driver, traceparent)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing
                        """)
                        .params(
                                id,
                                application,
                                environment,
                                releaseId,
                                trigger,
                                requestedBy,
                                BackupStatus.REQUESTED.name(),
                                driver,
                                traces.current())
                        .update()
                == 1;
    }

    /** Records a request that is refused at once (no policy, unknown driver). */
    public boolean insertFailed(
            UUID id,
            String application,
            @Nullable String environment,
            @Nullable UUID releaseId,
            String trigger,
            String requestedBy,
            String reason) {
        return jdbc.sql("""
                        insert into backup (id, application, environment, release_id, trigger, requested_by, status,
                                            reason)
                        values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing
                        """)
                        .params(
                                id,
                                application,
                                environment,
                                releaseId,
                                trigger,
                                requestedBy,
                                BackupStatus.FAILED.name(),
                                reason)
                        .update()
                == 1;
    }

    /** The trace context the backup was requested in (the release's trace for a pre-deploy backup), if any. */
    public @Nullable String traceparentOf(UUID id) {
        return jdbc.sql("select traceparent from backup where id = ?")
                .param(id)
                .query(String.class)
                .optional()
                .orElse(null);
    }

    /** Claims the oldest waiting backup (or one whose instance stopped reporting progress) for this instance. */
    public Optional<BackupRecord> claimBackup(Duration staleAfter) {
        return jdbc.sql("""
                        update backup set status = ?, started_at = now(), heartbeat_at = now(), bytes_done = 0
                        where id = (select id from backup
                                    where status = ?
                                       or (status = ? and heartbeat_at < now() - make_interval(secs => ?))
                                    order by requested_at limit 1 for update skip locked)
                        returning *
                        """)
                .params(
                        BackupStatus.REQUESTED.to(BackupStatus.RUNNING).name(),
                        BackupStatus.REQUESTED.name(),
                        BackupStatus.RUNNING.to(BackupStatus.RUNNING).name(),
                        staleAfter.toSeconds())
                .query(BackupRepository::backup)
                .optional();
    }

    /**
     * Claims a completed backup waiting for verification, or one whose verifying instance stopped reporting. The
     * request stays set until the outcome is recorded ({@link #verified}), so a verification lost with its instance
     * is taken over.
     */
    public Optional<BackupRecord> claimVerification(Duration staleAfter) {
        return jdbc.sql("""
                        update backup set verify_heartbeat_at = now()
                        where id = (select id from backup
                                    where verify_requested and status = ?
                                      and (verify_heartbeat_at is null
                                           or verify_heartbeat_at < now() - make_interval(secs => ?))
                                    order by completed_at limit 1 for update skip locked)
                        returning *
                        """)
                .params(BackupStatus.COMPLETED.name(), staleAfter.toSeconds())
                .query(BackupRepository::backup)
                .optional();
    }

    public void verifyHeartbeat(UUID id) {
        jdbc.sql("update backup set verify_heartbeat_at = now() where id = ? and verify_requested")
                .param(id)
                .update();
    }

    public Optional<RestoreRecord> claimRestore(Duration staleAfter) {
        return jdbc.sql("""
                        update restore set status = ?, started_at = now(), heartbeat_at = now()
                        where id = (select id from restore
                                    where status = ?
                                       or (status = ? and heartbeat_at < now() - make_interval(secs => ?))
                                    order by requested_at limit 1 for update skip locked)
                        returning *
                        """)
                .params(
                        RestoreStatus.REQUESTED.to(RestoreStatus.RUNNING).name(),
                        RestoreStatus.REQUESTED.name(),
                        RestoreStatus.RUNNING.to(RestoreStatus.RUNNING).name(),
                        staleAfter.toSeconds())
                .query(BackupRepository::restore)
                .optional();
    }

    /** The expected size of a running backup's artifact, for a progress bar. */
    public void bytesTotal(UUID id, long bytesTotal) {
        jdbc.sql("update backup set bytes_total = ? where id = ? and status = ?")
                .params(bytesTotal, id, BackupStatus.RUNNING.name())
                .update();
    }

    /** How many bytes the application's newest completed backup with this driver wrote, if there is one. */
    public OptionalLong previousBytes(String application, String driver) {
        return jdbc.sql("""
                        select bytes_done from backup where application = ? and driver = ? and status = ?
                        order by completed_at desc limit 1
                        """)
                .params(application, driver, BackupStatus.COMPLETED.name())
                .query(Long.class)
                .optional()
                .map(OptionalLong::of)
                .orElse(OptionalLong.empty());
    }

    /** Reports a running backup's progress; also its heartbeat. */
    public void progress(UUID id, long bytesDone) {
        jdbc.sql("update backup set bytes_done = ?, heartbeat_at = now() where id = ? and status = ?")
                .params(bytesDone, id, BackupStatus.RUNNING.name())
                .update();
    }

    public void heartbeat(UUID id) {
        jdbc.sql("update backup set heartbeat_at = now() where id = ? and status = ?")
                .params(id, BackupStatus.RUNNING.name())
                .update();
    }

    public void restoreHeartbeat(UUID id) {
        jdbc.sql("update restore set heartbeat_at = now() where id = ? and status = ?")
                .params(id, RestoreStatus.RUNNING.name())
                .update();
    }

    public void completed(
            UUID id,
            String storageKey,
            String location,
            long sizeBytes,
            long bytesDone,
            String sha256,
            boolean encrypted,
            Map<String, Long> evidence,
            long durationMs,
            boolean verify,
            Instant completedAt) {
        jdbc.sql("""
                        update backup set status = ?, storage_key = ?, location = ?, size_bytes = ?,
                            bytes_done = ?, bytes_total = ?, sha256 = ?, encrypted = ?, evidence = ?::jsonb, completed_at = ?,
                            duration_ms = ?, verify_requested = ?, reason = null
                        where id = ?
                        """)
                .params(
                        BackupStatus.RUNNING.to(BackupStatus.COMPLETED).name(),
                        storageKey,
                        location,
                        sizeBytes,
                        bytesDone,
                        bytesDone,
                        sha256,
                        encrypted,
                        EventJson.mapper().writeValueAsString(evidence),
                        Timestamp.from(completedAt),
                        durationMs,
                        verify,
                        id)
                .update();
    }

    public void failed(UUID id, String reason, long durationMs) {
        jdbc.sql("update backup set status = ?, reason = ?, completed_at = now(), duration_ms = ? where id = ?")
                .params(BackupStatus.RUNNING.to(BackupStatus.FAILED).name(), reason, durationMs, id)
                .update();
    }

    public void verified(UUID id, boolean passed, List<Check> checks) {
        jdbc.sql("""
                        update backup set verification = ?, verification_checks = ?::jsonb, verified_at = now(),
                            verify_requested = false, verify_heartbeat_at = null
                        where id = ?
                        """)
                .params(
                        (passed ? Verification.PASSED : Verification.FAILED).name(),
                        EventJson.mapper().writeValueAsString(checks),
                        id)
                .update();
    }

    /** Asks for a verification of a completed backup; {@code false} when there is no such backup to verify. */
    public boolean requestVerification(UUID id) {
        return jdbc.sql("update backup set verify_requested = true where id = ? and status = ?")
                        .params(id, BackupStatus.COMPLETED.name())
                        .update()
                == 1;
    }

    /** Records a prune; {@code false} when the backup is no longer COMPLETED (pruned already, by another pass). */
    public boolean pruned(UUID id, String reason) {
        return jdbc.sql(
                                "update backup set status = ?, pruned_at = now(), pruned_reason = ? where id = ? and status = ?")
                        .params(
                                BackupStatus.COMPLETED.to(BackupStatus.PRUNED).name(),
                                reason,
                                id,
                                BackupStatus.COMPLETED.name())
                        .update()
                == 1;
    }

    /** Pruned backups of the application whose artifact is not deleted yet, by id with their storage key. */
    public Map<UUID, String> artifactsToDelete(String application) {
        Map<UUID, String> keys = new LinkedHashMap<>();
        jdbc.sql("""
                        select id, storage_key from backup
                        where application = ? and status = ? and artifact_deleted_at is null
                        order by pruned_at
                        """).params(application, BackupStatus.PRUNED.name()).query((RowCallbackHandler)
                rs -> keys.put(rs.getObject(1, UUID.class), rs.getString(2)));
        return keys;
    }

    /** The applications with a pruned backup whose artifact is not deleted yet (a prune cut short by an outage). */
    public List<String> applicationsWithPrunedArtifacts() {
        return jdbc.sql("""
                        select distinct application from backup
                        where status = ? and artifact_deleted_at is null
                        """)
                .param(BackupStatus.PRUNED.name())
                .query(String.class)
                .list();
    }

    public void artifactDeleted(UUID id) {
        jdbc.sql("update backup set artifact_deleted_at = now() where id = ?")
                .param(id)
                .update();
    }

    public boolean insertRestore(
            UUID id, UUID backupId, String application, @Nullable UUID releaseId, String trigger, String requestedBy) {
        return jdbc.sql("""
                        insert into restore (id, backup_id, application, release_id, trigger, requested_by, status)
                        values (?, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing
                        """)
                        .params(
                                id,
                                backupId,
                                application,
                                releaseId,
                                trigger,
                                requestedBy,
                                RestoreStatus.REQUESTED.name())
                        .update()
                == 1;
    }

    public void restoreFinished(UUID id, boolean ok, @Nullable String reason, long durationMs) {
        jdbc.sql("update restore set status = ?, reason = ?, completed_at = now(), duration_ms = ? where id = ?")
                .params(RestoreStatus.RUNNING.to(RestoreStatus.outcome(ok)).name(), reason, durationMs, id)
                .update();
    }

    public Optional<BackupRecord> find(UUID id) {
        return jdbc.sql("select * from backup where id = ?")
                .param(id)
                .query(BackupRepository::backup)
                .optional();
    }

    public Optional<RestoreRecord> findRestore(UUID id) {
        return jdbc.sql("select * from restore where id = ?")
                .param(id)
                .query(BackupRepository::restore)
                .optional();
    }

    public List<BackupRecord> list(@Nullable String application, int limit) {
        return jdbc.sql(
                        "select * from backup where (?::text is null or application = ?) order by requested_at desc limit ?")
                .params(application, application, limit)
                .query(BackupRepository::backup)
                .list();
    }

    public List<RestoreRecord> restoresOf(UUID backupId) {
        return jdbc.sql("select * from restore where backup_id = ? order by requested_at desc")
                .param(backupId)
                .query(BackupRepository::restore)
                .list();
    }

    /** The pre-deploy backup a release caused, if it completed. */
    public Optional<BackupRecord> preDeployBackup(UUID releaseId) {
        return jdbc.sql("select * from backup where release_id = ? and trigger = 'pre-deploy' and status = ?"
                        + " order by requested_at desc limit 1")
                .params(releaseId, BackupStatus.COMPLETED.name())
                .query(BackupRepository::backup)
                .optional();
    }

    /** The stored backups of an application in an environment (null: without one), as retention sees them. */
    public List<Retention.Candidate> retentionCandidates(
            String application, @Nullable String environment, Duration protectReleasesFor, Instant now) {
        return jdbc.sql("""
                        select b.id, b.completed_at, b.verification,
                               exists (select 1 from active_release r where r.release_id = b.release_id
                                       and r.requested_at > ?) as protected
                        from backup b where b.application = ? and b.environment is not distinct from ?::text
                                        and b.status = ?
                        """)
                .params(
                        Timestamp.from(now.minus(protectReleasesFor)),
                        application,
                        environment,
                        BackupStatus.COMPLETED.name())
                .query((rs, n) -> new Retention.Candidate(
                        rs.getObject(1, UUID.class),
                        rs.getTimestamp(2).toInstant(),
                        rs.getString(3) == null ? Verification.NONE : Verification.valueOf(rs.getString(3)),
                        rs.getBoolean(4)))
                .list();
    }

    public void releaseStarted(UUID releaseId, String application, Instant now) {
        jdbc.sql("insert into active_release (release_id, application, requested_at) values (?, ?, ?)"
                        + " on conflict do nothing")
                .params(releaseId, application, Timestamp.from(now))
                .update();
    }

    public void releaseEnded(UUID releaseId) {
        jdbc.sql("delete from active_release where release_id = ?")
                .param(releaseId)
                .update();
    }

    /** When the newest verified backup of the application was taken, if any. */
    public Optional<Instant> newestVerified(String application) {
        return jdbc.sql(
                        "select max(completed_at) from backup where application = ? and status = ? and verification = ?")
                .params(application, BackupStatus.COMPLETED.name(), Verification.PASSED.name())
                .query((rs, n) -> {
                    Timestamp t = rs.getTimestamp(1);
                    return Optional.ofNullable(t == null ? null : t.toInstant());
                })
                .single();
    }

    static BackupRecord backup(ResultSet rs, int n) throws SQLException {
        String checks = rs.getString("verification_checks");
        String evidence = rs.getString("evidence");
        return new BackupRecord(
                rs.getObject("id", UUID.class),
                rs.getString("application"),
                rs.getString("environment"),
                rs.getObject("release_id", UUID.class),
                rs.getString("trigger"),
                rs.getString("requested_by"),
                BackupStatus.valueOf(rs.getString("status")),
                rs.getString("reason"),
                rs.getString("driver"),
                rs.getString("location"),
                (Long) rs.getObject("size_bytes"),
                rs.getLong("bytes_done"),
                (Long) rs.getObject("bytes_total"),
                rs.getString("sha256"),
                rs.getBoolean("encrypted"),
                instant(rs, "requested_at"),
                instant(rs, "started_at"),
                instant(rs, "completed_at"),
                (Long) rs.getObject("duration_ms"),
                rs.getString("verification"),
                checks == null ? null : EventJson.mapper().readValue(checks, CHECKS),
                instant(rs, "verified_at"),
                instant(rs, "pruned_at"),
                rs.getString("pruned_reason"),
                rs.getString("storage_key"),
                evidence == null ? Map.of() : EventJson.mapper().readValue(evidence, EVIDENCE));
    }

    static RestoreRecord restore(ResultSet rs, int n) throws SQLException {
        return new RestoreRecord(
                rs.getObject("id", UUID.class),
                rs.getObject("backup_id", UUID.class),
                rs.getString("application"),
                rs.getObject("release_id", UUID.class),
                rs.getString("trigger"),
                rs.getString("requested_by"),
                RestoreStatus.valueOf(rs.getString("status")),
                rs.getString("reason"),
                instant(rs, "requested_at"),
                instant(rs, "started_at"),
                instant(rs, "completed_at"),
                (Long) rs.getObject("duration_ms"));
    }

    private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
