package io.relops.deploy.release;

import io.relops.common.release.ReleaseStatus;
import io.relops.deploy.release.ReleaseTask.Kind;
import io.relops.platform.tracing.TraceContexts;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The engine's durable work queue ({@code release_task}): target calls and timers.
 *
 * <ul>
 *   <li>A <b>call</b> is claimed with a lease ({@code lease_owner}, {@code lease_until}) in a short transaction
 *       and runs with no transaction open; its runner renews the lease while it works ({@link #renew}) and
 *       records the outcome only while it still holds it ({@link #finish}). Calls of one application and
 *       environment run one at a time in id order; a lease that expires (its runner died) makes the call
 *       claimable again, by any replica, once.
 *   <li>A <b>timer</b> (deadline, pause) is claimed and decided in one transaction; timers never wait behind a
 *       call, so a deadline fires while a call hangs.
 * </ul>
 *
 * A task keeps the trace context of the transaction that queued it ({@code traceparent}), and runs in that trace.
 */
@Repository
class TaskQueue {

    private static final List<String> CALLS =
            Arrays.stream(Kind.values()).filter(Kind::isCall).map(Kind::name).toList();
    private static final List<String> TIMERS = Arrays.stream(Kind.values())
            .filter(kind -> !kind.isCall())
            .map(Kind::name)
            .toList();

    private final JdbcClient jdbc;
    private final Runnable wakeUp;
    private final TraceContexts traces;
    private final TargetCalls calls;

    TaskQueue(JdbcClient jdbc, TaskWakeUp wakeUp, TraceContexts traces, TargetCalls calls) {
        this.jdbc = jdbc;
        this.wakeUp = wakeUp;
        this.traces = traces;
        this.calls = calls;
    }

    /**
     * Adds a task of {@code release} in the caller's transaction; the runner is woken when it commits. A task of an
     * application whose target runs on the process host is marked {@code host_bound}.
     */
    void add(Release release, ReleaseTask task, Duration delay) {
        jdbc.sql("""
                        insert into release_task (app_key, release_id, kind, due_at, seq, slot, version, step, weight,
                                                  final_status, reason, cause_time, traceparent, host_bound)
                        values (:appKey, :releaseId, :kind, now() + :delayMs * interval '1 millisecond', :seq, :slot,
                                :version, :step, :weight, :finalStatus, :reason, :causeTime, :traceparent, :hostBound)
                        """)
                .param("appKey", release.appKey())
                .param("hostBound", calls.hostBound(release))
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

    /**
     * Leases the next due call no other call of its application is ahead of (a call whose lease expired is due
     * again and counts one more attempt). Calls bound to the process host are leased only by the {@code host}.
     * Commits on its own: the call then runs with no transaction open.
     */
    Optional<ReleaseTask> leaseNextCall(String owner, Duration lease, boolean host) {
        return jdbc.sql("""
                        update release_task
                        set lease_owner = :owner, lease_until = now() + :leaseMs * interval '1 millisecond',
                            attempts = attempts + case when lease_owner is null then 0 else 1 end
                        where id = (select t.id from release_task t
                                    where t.kind in (:calls) and t.due_at <= now()
                                      and (t.lease_until is null or t.lease_until < now())
                                      and (not t.host_bound or :host)
                                      and not exists (select 1 from release_task e
                                                      where e.app_key = t.app_key and e.id < t.id
                                                        and e.kind in (:calls) and e.due_at <= now())
                                    order by t.id
                                    limit 1
                                    for update skip locked)
                        returning *
                        """)
                .param("owner", owner)
                .param("leaseMs", lease.toMillis())
                .param("calls", CALLS)
                .param("host", host)
                .query(TaskQueue::task)
                .optional();
    }

    /** The next due timer, locked until the caller's transaction ends. */
    Optional<ReleaseTask> claimNextTimer() {
        return jdbc.sql("""
                        select * from release_task
                        where kind in (:timers) and due_at <= now()
                        order by id
                        limit 1
                        for update skip locked
                        """).param("timers", TIMERS).query(TaskQueue::task).optional();
    }

    /**
     * Extends the leases {@code owner} holds on {@code ids}; returns the ids it still holds. An instance that is no
     * longer the process {@code host} loses the calls bound to it.
     */
    List<Long> renew(String owner, Collection<Long> ids, Duration lease, boolean host) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                        update release_task set lease_until = now() + :leaseMs * interval '1 millisecond'
                        where id in (:ids) and lease_owner = :owner and (not host_bound or :host)
                        returning id
                        """)
                .param("host", host)
                .param("leaseMs", lease.toMillis())
                .param("ids", ids)
                .param("owner", owner)
                .query(Long.class)
                .list();
    }

    /** Removes a leased call whose outcome is being recorded: false when {@code owner} no longer holds it. */
    boolean finish(long id, String owner) {
        return jdbc.sql("delete from release_task where id = ? and lease_owner = ?")
                        .params(id, owner)
                        .update()
                > 0;
    }

    /** Gives up every lease {@code owner} holds (it stops): its calls are claimable again at once. */
    int giveUpLeases(String owner) {
        return jdbc.sql("update release_task set lease_owner = null, lease_until = null where lease_owner = ?")
                .param(owner)
                .update();
    }

    void done(long id) {
        jdbc.sql("delete from release_task where id = ?").param(id).update();
    }

    /**
     * Deletes the tasks of {@code releaseId}'s phases before transition {@code seq}: calls and timers the
     * release no longer waits for. Clean-up (stopping slots, returning traffic after a release ended) stays.
     *
     * @return the ids of deleted calls that were leased, whose runners should stop them
     */
    List<Long> cancelStale(UUID releaseId, int seq) {
        return jdbc
                .sql("""
                        delete from release_task
                        where release_id = :id and seq < :seq and kind <> :stop
                          and not (kind = :rollback and final_status is null)
                        returning id, lease_owner is not null as leased
                        """)
                .param("id", releaseId)
                .param("seq", seq)
                .param("stop", Kind.STOP.name())
                .param("rollback", Kind.ROLLBACK.name())
                .query((rs, row) -> rs.getBoolean("leased") ? rs.getLong("id") : -1L)
                .list()
                .stream()
                .filter(id -> id >= 0)
                .toList();
    }

    /**
     * Puts a task that failed unexpectedly back, unleased, due again after {@code backoff}: a call only while
     * {@code owner} holds it, a timer ({@code owner} null) always.
     */
    void retryLater(long id, @Nullable String owner, Duration backoff, String error) {
        jdbc.sql("""
                        update release_task set attempts = attempts + 1, last_error = :error,
                               due_at = now() + :backoffMs * interval '1 millisecond',
                               lease_owner = null, lease_until = null
                        where id = :id and (cast(:owner as text) is null or lease_owner = :owner)
                        """)
                .param("owner", owner)
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
                Kind.valueOf(rs.getString("kind")),
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
