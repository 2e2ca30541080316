package io.relops.deploy.release;

import io.relops.common.release.ReleaseStatus;
import io.relops.platform.tracing.TraceContexts;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The engine's durable work queue ({@code release_task}). Tasks of one application and environment
 * are claimed one at a time in id order, with {@code FOR UPDATE SKIP LOCKED}, so several replicas
 * and threads share the work without running two steps of one application at once. A task keeps the trace context
 * of the transaction that queued it ({@code traceparent}), and runs in that trace.
 */
@Repository
class TaskQueue {

    private final JdbcClient jdbc;
    private final Runnable wakeUp;
    private final TraceContexts traces;

    TaskQueue(JdbcClient jdbc, TaskWakeUp wakeUp, TraceContexts traces) {
        this.jdbc = jdbc;
        this.wakeUp = wakeUp;
        this.traces = traces;
    }

    /** Adds a task in the caller's transaction; the runner is woken when it commits. */
    void add(Release release, ReleaseTask task, Duration delay) {
        jdbc.sql("""
                        insert into release_task (app_key, release_id, kind, due_at, seq, slot, version, step, weight,
                                                  final_status, reason, cause_time, traceparent)
                        values (:appKey, :releaseId, :kind, now() + :delayMs * interval '1 millisecond', :seq, :slot,
                                :version, :step, :weight, :finalStatus, :reason, :causeTime, :traceparent)
                        """)
                .param("appKey", release.appKey())
                .param("releaseId", task.releaseId())
                .param("kind", task.kind().name())
                .param("delayMs", delay.toMillis())
                .param("seq", task.seq())
                .param("slot", task.slot())
                .param("version", task.version())
                .param("step", task.step())
                .param("weight", task.weight())
                .param(
                        "finalStatus",
                        task.finalStatus() == null ? null : task.finalStatus().name())
                .param("reason", task.reason())
                .param("causeTime", task.causeTime())
                .param("traceparent", traces.current())
                .update();
        if (delay.isZero() && TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    wakeUp.run();
                }
            });
        }
    }

    void add(Release release, ReleaseTask task) {
        add(release, task, Duration.ZERO);
    }

    /** The next due task no other is ahead of, locked until the caller's transaction ends. */
    Optional<ReleaseTask> claimNext() {
        return jdbc.sql("""
                        select * from release_task t
                        where t.due_at <= now()
                          and not exists (select 1 from release_task e
                                          where e.app_key = t.app_key and e.id < t.id and e.due_at <= now())
                        order by t.id
                        limit 1
                        for update skip locked
                        """).query(TaskQueue::task).optional();
    }

    void done(long id) {
        jdbc.sql("delete from release_task where id = ?").param(id).update();
    }

    /** Puts a task that failed unexpectedly back, due again after {@code backoff}. */
    void retryLater(long id, Duration backoff, String error) {
        jdbc.sql("""
                        update release_task set attempts = attempts + 1, last_error = :error,
                               due_at = now() + :backoffMs * interval '1 millisecond'
                        where id = :id
                        """)
                .param("error", error)
                .param("backoffMs", backoff.toMillis())
                .param("id", id)
                .update();
    }

    int pending(UUID releaseId) {
        return jdbc.sql("select count(*) from release_task where release_id = ?")
                .param(releaseId)
                .query(Integer.class)
                .single();
    }

    private static ReleaseTask task(ResultSet rs, int row) throws SQLException {
        String finalStatus = rs.getString("final_status");
        return new ReleaseTask(
                rs.getLong("id"),
                rs.getObject("release_id", UUID.class),
                ReleaseTask.Kind.valueOf(rs.getString("kind")),
                rs.getInt("seq"),
                rs.getString("slot"),
                rs.getString("version"),
                rs.getObject("step", Integer.class),
                rs.getObject("weight", Integer.class),
                finalStatus == null ? null : ReleaseStatus.valueOf(finalStatus),
                rs.getString("reason"),
                rs.getObject("cause_time", OffsetDateTime.class),
                rs.getInt("attempts"),
                rs.getString("traceparent"));
    }
}
