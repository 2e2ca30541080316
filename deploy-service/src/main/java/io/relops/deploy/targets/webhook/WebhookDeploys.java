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

    /** One deploy request: release, slot, version, and whose secret signs its callback. */
    record Request(
            UUID releaseId,
            String slot,
            String version,
            String application,
            String environment,
            State state,
            OffsetDateTime requestedAt,
            @Nullable OffsetDateTime sentAt) {}

    private final JdbcClient jdbc;

    public WebhookDeploys(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records the request as being sent, unless it was recorded before (a call repeated after a crash): returns
     * the request as recorded, first or earlier.
     */
    Request record(UUID releaseId, String slot, String version, String application, String environment) {
        jdbc.sql("""
                        insert into webhook_deploy (release_id, slot, version, application, environment, state)
                        values (:releaseId, :slot, :version, :application, :environment, 'sending')
                        on conflict (release_id, slot) do nothing
                        """)
                .param("releaseId", releaseId)
                .param("slot", slot)
                .param("version", version)
                .param("application", application)
                .param("environment", environment)
                .update();
        return request(releaseId, slot).orElseThrow();
    }

    /** The external system answered 2xx to the request. */
    void sent(UUID releaseId, String slot) {
        jdbc.sql("""
                        update webhook_deploy set state = 'sent', sent_at = now()
                        where release_id = ? and slot = ? and state = 'sending'
                        """).params(releaseId, slot).update();
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

    /** Stores the callback of a request; false when one was taken before (the callback is refused). */
    boolean take(UUID releaseId, WebhookCallback callback) {
        return jdbc.sql("""
                                insert into webhook_callback (release_id, slot, status, endpoint, message)
                                values (:releaseId, :slot, :status, :endpoint, :message)
                                on conflict (release_id, slot) do nothing
                                """)
                        .param("releaseId", releaseId)
                        .param("slot", callback.slot())
                        .param("status", callback.status())
                        .param("endpoint", callback.endpoint())
                        .param("message", callback.message())
                        .update()
                > 0;
    }

    /** When the callback of a request was taken, if it was. */
    Optional<OffsetDateTime> takenAt(UUID releaseId, String slot) {
        return jdbc.sql("select received_at from webhook_callback where release_id = ? and slot = ?")
                .params(releaseId, slot)
                .query(OffsetDateTime.class)
                .optional();
    }

    /** The callback of a request, once one came. */
    Optional<WebhookCallback> callback(UUID releaseId, String slot) {
        return jdbc.sql("select * from webhook_callback where release_id = ? and slot = ?")
                .params(releaseId, slot)
                .query((rs, row) -> new WebhookCallback(
                        releaseId,
                        rs.getString("slot"),
                        rs.getString("status"),
                        rs.getString("endpoint"),
                        rs.getString("message"),
                        null))
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
                rs.getObject("sent_at", OffsetDateTime.class));
    }
}
