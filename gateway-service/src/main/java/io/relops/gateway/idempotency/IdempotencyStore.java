package io.relops.gateway.idempotency;

import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The {@code idempotency_key} table of the gateway's schema. {@link IdempotentPosts} runs a request's claim and its
 * answer in one transaction (one commit); the sweep's delete runs on its own.
 */
class IdempotencyStore {

    /** What is stored under a key: a claim in progress, or the answer of the request that used it. */
    record Stored(
            byte[] requestHash,
            String method,
            String path,
            boolean completed,
            int status,
            @Nullable String contentType,
            @Nullable String location,
            byte @Nullable [] body) {}

    private final JdbcClient jdbc;
    private final IdempotencySettings settings;

    IdempotencyStore(JdbcClient jdbc, IdempotencySettings settings) {
        this.jdbc = jdbc;
        this.settings = settings;
    }

    /**
     * Claims {@code key} for a request: true when it was free, had expired, or was left in progress past its timeout
     * by the same request (a row committed by an earlier gateway version, which claimed and answered in two commits).
     * Atomic: of concurrent claims exactly one wins. In a transaction, the claimed row stays locked until it ends: a
     * concurrent claim of the same key waits for that, then finds the stored answer (commit) or claims the key itself
     * (rollback).
     */
    boolean claim(String principal, String key, byte[] requestHash, String method, String path) {
        return jdbc.sql("""
                        insert into idempotency_key
                            (principal, idem_key, request_hash, method, path, state, locked_until, expires_at)
                        values (:principal, :key, :hash, :method, :path, 'IN_PROGRESS',
                                now() + :lease * interval '1 millisecond', now() + :ttl * interval '1 millisecond')
                        on conflict (principal, idem_key) do update
                            set request_hash = excluded.request_hash, method = excluded.method,
                                path = excluded.path, state = 'IN_PROGRESS', locked_until = excluded.locked_until,
                                status = null, content_type = null, location = null, body = null,
                                created_at = now(), expires_at = excluded.expires_at
                            where idempotency_key.expires_at < now()
                               or (idempotency_key.state = 'IN_PROGRESS' and idempotency_key.locked_until < now()
                                   and idempotency_key.request_hash = excluded.request_hash)
                        """)
                        .param("principal", principal)
                        .param("key", key)
                        .param("hash", requestHash)
                        .param("method", method)
                        .param("path", path)
                        .param("lease", settings.inProgressTimeout().toMillis())
                        .param("ttl", settings.retention().toMillis())
                        .update()
                == 1;
    }

    Optional<Stored> find(String principal, String key) {
        return jdbc.sql("""
                        select request_hash, method, path, state, status, content_type, location, body
                          from idempotency_key where principal = ? and idem_key = ? and expires_at >= now()
                        """)
                .params(principal, key)
                .query((rs, n) -> new Stored(
                        rs.getBytes("request_hash"),
                        rs.getString("method"),
                        rs.getString("path"),
                        "COMPLETED".equals(rs.getString("state")),
                        rs.getInt("status"),
                        rs.getString("content_type"),
                        rs.getString("location"),
                        rs.getBytes("body")))
                .optional();
    }

    void complete(
            String principal,
            String key,
            int status,
            @Nullable String contentType,
            @Nullable String location,
            byte[] body) {
        jdbc.sql("""
                        update idempotency_key
                           set state = 'COMPLETED', status = ?, content_type = ?, location = ?, body = ?
                         where principal = ? and idem_key = ?
                        """)
                .params(status, contentType, location, body, principal, key)
                .update();
    }

    int deleteExpired() {
        return jdbc.sql("delete from idempotency_key where expires_at < now()").update();
    }
}
