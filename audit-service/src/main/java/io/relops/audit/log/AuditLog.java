package io.relops.audit.log;

import io.micrometer.core.instrument.MeterRegistry;
import io.relops.common.codec.EventJson;
import io.relops.common.event.RelopsEvent;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The append-only log: records each event once; there is no update or delete. */
@Repository
public class AuditLog {

    private final JdbcClient jdbc;
    private final MeterRegistry meters;

    AuditLog(JdbcClient jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.meters = meters;
    }

    /** Records {@code event}; a redelivery (same id) records nothing. */
    public void record(RelopsEvent<?> event, String topic) {
        int inserted = jdbc.sql("""
                        insert into audit_event (event_id, event_type, source, subject, release_id, event_time, topic, data)
                        values (?, ?, ?, ?, ?, ?, ?, cast(? as jsonb)) on conflict (event_id) do nothing
                        """)
                .params(
                        event.id(),
                        event.type().typeName(),
                        event.source().toString(),
                        event.subject(),
                        event.releaseId(),
                        event.time(),
                        topic,
                        EventJson.mapper().writeValueAsString(event.data()))
                .update();
        meters.counter("relops.audit.records", "outcome", inserted == 1 ? "recorded" : "duplicate")
                .increment();
    }

    public List<AuditRecord> search(
            @Nullable UUID releaseId, @Nullable String application, @Nullable String type, long afterSeq, int limit) {
        return jdbc.sql("""
                        select * from audit_event
                        where (cast(:releaseId as uuid) is null or release_id = :releaseId)
                          and (cast(:application as text) is null or subject = :application)
                          and (cast(:type as text) is null or event_type = :type)
                          and seq > :afterSeq
                        order by seq limit :limit
                        """)
                .param("releaseId", releaseId)
                .param("application", application)
                .param("type", type)
                .param("afterSeq", afterSeq)
                .param("limit", limit)
                .query(AuditLog::map)
                .list();
    }

    private static AuditRecord map(ResultSet rs, int row) throws SQLException {
        return new AuditRecord(
                rs.getLong("seq"),
                rs.getString("event_id"),
                rs.getString("event_type"),
                rs.getString("source"),
                rs.getString("subject"),
                rs.getObject("release_id", UUID.class),
                rs.getObject("event_time", OffsetDateTime.class),
                rs.getObject("recorded_at", OffsetDateTime.class),
                rs.getString("topic"),
                EventJson.mapper().readTree(rs.getString("data")));
    }
}
