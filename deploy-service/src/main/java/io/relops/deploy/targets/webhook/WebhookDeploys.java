package io.relops.deploy.targets.webhook;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The webhook target's deploy requests and their callbacks, in PostgreSQL ({@code webhook_deploy}, {@code
 * webhook_callback}), so that any deploy-service instance can take a callback and any instance holding the deploy
 * call's lease can wait for it. Each statement commits on its own: a callback is visible to the waiting call at once.
 */
@Repository
public class WebhookDeploys {

    /** Whether the request was POSTed: {@code SENDING} until the external system answered 2xx. */
    enum State {
        SENDING,
        SENT
    }

    /**
     * One deploy request: release, slot, version, whose secret signs its callback, the attempt (a release asking
     * again for a slot makes a new one) and the release's call (task) that made it, if known.
     */
    record Request(
            UUID releaseId,
            String slot,
            String version,
            String application,
            String environment,
            State state,
            OffsetDateTime requestedAt,
            @Nullable OffsetDateTime sentAt,
            int attempt,
            @Nullable Long taskId) {}

    private final JdbcClient jdbc;

    public WebhookDeploys(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records the request as being sent, unless it was recorded before (a call repeated after a crash): returns
     * the request as recorded, first or earlier.
     */
    Request record(
            UUID releaseId,
            String slot,
            String version,
            String application,
            String environment,
            @Nullable Long taskId) {
        jdbc.sql("""
                        insert into webhook_deploy (release_id, slot, version, application, environment, state, task_id)
                        values (:releaseId, :slot, :version, :application, :environment, 'sending', :taskId)
                        on conflict (release_id, slot) do nothing
                        """)
                .param("releaseId", releaseId)
                .param("slot", slot)
                .param("version", version)
                .param("application", application)
                .param("environment", environment)
                .param("taskId", taskId)
                .update();
        return request(releaseId, slot).orElseThrow();
    }

    /**
     * Replaces the finished (or another call's) request {@code earlier} with a new attempt, being sent, of {@code
     * version} for call {@code taskId}; its callbacks stay with their attempt. Returns the new request (or, when
     * another instance replaced it first, the request as it is now).
     */
    Request again(Request earlier, String version, @Nullable Long taskId) {
        jdbc.sql("""
                        update webhook_deploy
                        set attempt = attempt + 1, version = :version, task_id = :taskId, state = 'sending',
                            requested_at = now(), sent_at = null
                        where release_id = :releaseId and slot = :slot and attempt = :attempt
                        """)
                .param("releaseId", earlier.releaseId())
                .param("slot", earlier.slot())
                .param("attempt", earlier.attempt())
                .param("version", version)
                .param("taskId", taskId)
                .update();
        return request(earlier.releaseId(), earlier.slot()).orElseThrow();
    }

    /** The external system answered 2xx to the request's {@code attempt}. */
    void sent(UUID releaseId, String slot, int attempt) {
        jdbc.sql("""
                        update webhook_deploy set state = 'sent', sent_at = now()
                        where release_id = ? and slot = ? and attempt = ? and state = 'sending'
                        """).params(releaseId, slot, attempt).update();
    }

    Optional<Request> request(UUID releaseId, String slot) {
        return jdbc.sql("select * from webhook_deploy where release_id = ? and slot = ?")
                .params(releaseId, slot)
                .query(WebhookDeploys::request)
                .optional();
    }

    /** The deploy requests of a release (one per slot it deployed), oldest first. */
    List<Request> requests(UUID releaseId) {
        return jdbc.sql("select * from webhook_deploy where release_id = ? order by requested_at, slot")
                .param(releaseId)
                .query(WebhookDeploys::request)
                .list();
    }

    /**
     * Stores the callback of the request's {@code attempt}; false when that attempt took one before, or is not the
     * request's current attempt any more (the callback is refused).
     */
    boolean take(UUID releaseId, int attempt, WebhookCallback callback) {
        return jdbc.sql("""
                                insert into webhook_callback (release_id, slot, attempt, status, endpoint, message)
                                select d.release_id, d.slot, d.attempt, :status, :endpoint, :message
                                from webhook_deploy d
                                where d.release_id = :releaseId and d.slot = :slot and d.attempt = :attempt
                                on conflict (release_id, slot, attempt) do nothing
                                """)
                        .param("releaseId", releaseId)
                        .param("slot", callback.slot())
                        .param("attempt", attempt)
                        .param("status", callback.status())
                        .param("endpoint", callback.endpoint())
                        .param("message", callback.message())
                        .update()
                > 0;
    }

    /** When the callback of a request's {@code attempt} was taken, if it was. */
    Optional<OffsetDateTime> takenAt(UUID releaseId, String slot, int attempt) {
        return jdbc.sql("select received_at from webhook_callback where release_id = ? and slot = ? and attempt = ?")
                .params(releaseId, slot, attempt)
                .query(OffsetDateTime.class)
                .optional();
    }

    /** The callback of a request's {@code attempt}, once one came. */
    Optional<WebhookCallback> callback(UUID releaseId, String slot, int attempt) {
        return jdbc.sql("select * from webhook_callback where release_id = ? and slot = ? and attempt = ?")
                .params(releaseId, slot, attempt)
                .query((rs, row) -> new WebhookCallback(
                        releaseId,
                        rs.getString("slot"),
                        rs.getString("status"),
                        rs.getString("endpoint"),
                        rs.getString("message"),
                        null,
                        rs.getInt("attempt")))
                .optional();
    }

    private static Request request(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Request(
                rs.getObject("release_id", UUID.class),
                rs.getString("slot"),
                rs.getString("version"),
                rs.getString("application"),
                rs.getString("environment"),
                State.valueOf(rs.getString("state").toUpperCase(java.util.Locale.ROOT)),
                rs.getObject("requested_at", OffsetDateTime.class),
                rs.getObject("sent_at", OffsetDateTime.class),
                rs.getInt("attempt"),
                rs.getObject("task_id", Long.class));
    }
}
