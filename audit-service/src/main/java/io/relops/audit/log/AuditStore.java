package io.relops.audit.log;

import io.relops.common.audit.AuditEntry;
import io.relops.common.audit.CanonicalJson;
import io.relops.common.audit.Checkpoint;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Reads the log: searches, ranges in sequence order (streamed), checkpoints. */
@Repository
public class AuditStore {

    private static final String COLUMNS = "seq, event_id, event_type, source, subject, release_id, event_time, topic,"
            + " actor, recorded_at, data::text as data, prev_hash, hash";

    private final NamedParameterJdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate cursor;
    private final TransactionTemplate readOnly;

    AuditStore(NamedParameterJdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        JdbcTemplate streaming = new JdbcTemplate(jdbc.getJdbcTemplate().getDataSource());
        streaming.setFetchSize(1000); // a server-side cursor inside the read-only transaction
        this.cursor = new NamedParameterJdbcTemplate(streaming);
        this.readOnly = new TransactionTemplate(transactionManager);
        this.readOnly.setReadOnly(true);
    }

    /** Records matching {@code query} after {@code afterSeq}, in sequence order. */
    public List<AuditEntry> search(AuditQuery query, long afterSeq, int limit) {
        AuditQuery.Condition condition = query.condition();
        Map<String, Object> params = new HashMap<>(condition.params());
        params.put("afterSeq", afterSeq);
        params.put("limit", limit);
        return jdbc.query(
                "select " + COLUMNS + " from audit_record where seq > :afterSeq and " + condition.sql()
                        + " order by seq limit :limit",
                params,
                (rs, n) -> map(rs));
    }

    /** The last sequence number, 0 for an empty log. */
    public long headSeq() {
        Long seq = jdbc.getJdbcTemplate().queryForObject("select coalesce(max(seq), 0) from audit_record", Long.class);
        return seq == null ? 0 : seq;
    }

    public Optional<String> hashAt(long seq) {
        return jdbc
                .query("select hash from audit_record where seq = :seq", Map.of("seq", seq), (rs, n) -> rs.getString(1))
                .stream()
                .findFirst();
    }

    /** Checkpoints with {@code from <= seq <= to}, in sequence order. */
    public List<Checkpoint> checkpoints(long from, long to) {
        return jdbc.query(
                "select seq, hash, checkpoint_time, kind, key_id, signature from audit_checkpoint"
                        + " where seq between :from and :to order by seq, kind",
                Map.of("from", from, "to", to),
                (rs, n) -> checkpoint(rs));
    }

    private static Checkpoint checkpoint(ResultSet rs) throws SQLException {
        return new Checkpoint(
                rs.getLong("seq"),
                rs.getString("hash"),
                rs.getObject("checkpoint_time", OffsetDateTime.class).toInstant(),
                rs.getString("kind"),
                rs.getString("key_id"),
                rs.getString("signature"));
    }

    /** The first checkpoint at or after {@code seq}: the one that covers record {@code seq}. */
    public Optional<Checkpoint> coveringCheckpoint(long seq) {
        return jdbc
                .query(
                        "select seq, hash, checkpoint_time, kind, key_id, signature from audit_checkpoint"
                                + " where seq >= :seq order by seq limit 1",
                        Map.of("seq", seq),
                        (rs, n) -> checkpoint(rs))
                .stream()
                .findFirst();
    }

    public Optional<Checkpoint> latestCheckpoint() {
        return jdbc
                .query(
                        "select seq, hash, checkpoint_time, kind, key_id, signature from audit_checkpoint"
                                + " order by seq desc limit 1",
                        Map.of(),
                        (rs, n) -> checkpoint(rs))
                .stream()
                .findFirst();
    }

    /** The first and last sequence numbers matching {@code query} within {@code [from, to]}. */
    public Optional<long[]> matchingBounds(AuditQuery query, long from, long to) {
        AuditQuery.Condition condition = query.condition();
        Map<String, Object> params = new HashMap<>(condition.params());
        params.put("from", from);
        params.put("to", to);
        return jdbc
                .query(
                        "select min(seq), max(seq) from audit_record where seq between :from and :to and "
                                + condition.sql(),
                        params,
                        (rs, n) -> rs.getObject(1) == null ? null : new long[] {rs.getLong(1), rs.getLong(2)})
                .stream()
                .filter(bounds -> bounds != null)
                .findFirst();
    }

    /**
     * Streams the records {@code from..to} in sequence order to {@code sink}, with whether each
     * matches {@code query}; stops when {@code sink} returns false. Constant memory (a cursor).
     */
    public void stream(long from, long to, AuditQuery query, RangeSink sink) {
        AuditQuery.Condition condition = query.condition();
        Map<String, Object> params = new HashMap<>(condition.params());
        params.put("from", from);
        params.put("to", to);
        readOnly.executeWithoutResult(status -> {
            try {
                cursor.query(
                        "select " + COLUMNS + ", (" + condition.sql() + ") as matches from audit_record"
                                + " where seq between :from and :to order by seq",
                        params,
                        (RowCallbackHandler) rs -> {
                            if (!sink.accept(map(rs), rs.getBoolean("matches"))) {
                                throw new StopStreaming();
                            }
                        });
            } catch (StopStreaming stop) {
                // the sink has what it needs
            }
        });
    }

    /** Receives streamed records; returns false to stop. */
    @FunctionalInterface
    public interface RangeSink {
        boolean accept(AuditEntry entry, boolean matches);
    }

    private static final class StopStreaming extends RuntimeException {
        StopStreaming() {
            super(null, null, false, false);
        }
    }

    static AuditEntry map(ResultSet rs) throws SQLException {
        return new AuditEntry(
                rs.getLong("seq"),
                rs.getString("event_id"),
                rs.getString("event_type"),
                rs.getString("source"),
                rs.getString("subject"),
                rs.getString("release_id"),
                rs.getObject("event_time", OffsetDateTime.class).toInstant(),
                rs.getString("topic"),
                rs.getString("actor"),
                rs.getObject("recorded_at", OffsetDateTime.class).toInstant(),
                CanonicalJson.read(rs.getString("data")),
                rs.getString("prev_hash"),
                rs.getString("hash"));
    }
}
