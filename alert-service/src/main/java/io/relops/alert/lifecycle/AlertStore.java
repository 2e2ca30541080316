package io.relops.alert.lifecycle;

import io.relops.common.codec.EventJson;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;

/** The {@code alert} table. */
@Repository
public class AlertStore {

    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
    static final String COLUMNS = "id, fingerprint, labels::text, annotations::text, application, release_id, severity,"
            + " status, starts_at, ends_at, resolved_at, generator_url, acknowledged_by, acknowledged_at, escalated_at,"
            + " updated_at";
    public static final RowMapper<StoredAlert> ROW = AlertStore::map;

    private final JdbcClient jdbc;

    AlertStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<StoredAlert> find(String fingerprint) {
        return jdbc.sql("select " + COLUMNS + " from alert where fingerprint = ?")
                .param(fingerprint)
                .query(ROW)
                .optional();
    }

    public List<StoredAlert> list(@Nullable String status, @Nullable String application, int limit) {
        return jdbc.sql("select " + COLUMNS + " from alert where (cast(? as text) is null or status = ?)"
                        + " and (cast(? as text) is null or application = ?) order by starts_at desc limit ?")
                .params(status, status, application, application, limit)
                .query(ROW)
                .list();
    }

    /** Every firing alert whose end (if it has one) has not passed, by fingerprint. */
    public List<StoredAlert> firing() {
        return jdbc.sql("select " + COLUMNS
                        + " from alert where status = 'firing' and (ends_at is null or ends_at > now())"
                        + " order by fingerprint")
                .query(ROW)
                .list();
    }

    /**
     * The alerts of {@link #firing()} (an alert whose end passed is left out, though the tick has not resolved it yet)
     * whose labels include all of {@code labels}.
     */
    public List<StoredAlert> firingWith(Map<String, String> labels) {
        return jdbc.sql("select " + COLUMNS
                        + " from alert where status = 'firing' and (ends_at is null or ends_at > now())"
                        + " and labels @> ?::jsonb")
                .param(json(labels))
                .query(ROW)
                .list();
    }

    public boolean acknowledge(String fingerprint, String by, @Nullable String comment) {
        return jdbc.sql("update alert set acknowledged_by = ?, acknowledged_at = now(), ack_comment = ?,"
                                + " updated_at = now() where fingerprint = ?")
                        .params(by, comment, fingerprint)
                        .update()
                == 1;
    }

    public Map<String, Long> countByStatus() {
        Map<String, Long> counts = new java.util.HashMap<>(Map.of(StoredAlert.FIRING, 0L, StoredAlert.RESOLVED, 0L));
        jdbc.sql("select status, count(*) from alert group by status")
                .query((rs, n) -> counts.put(rs.getString(1), rs.getLong(2)))
                .list();
        return counts;
    }

    static String json(Object value) {
        return EventJson.mapper().writeValueAsString(value);
    }

    static Map<String, String> map(String json) {
        return EventJson.mapper().readValue(json, STRING_MAP);
    }

    private static StoredAlert map(ResultSet rs, int n) throws SQLException {
        return new StoredAlert(
                rs.getObject("id", UUID.class),
                rs.getString("fingerprint"),
                map(rs.getString(3)),
                map(rs.getString(4)),
                rs.getString("application"),
                rs.getObject("release_id", UUID.class),
                rs.getString("severity"),
                rs.getString("status"),
                rs.getObject("starts_at", OffsetDateTime.class),
                rs.getObject("ends_at", OffsetDateTime.class),
                rs.getObject("resolved_at", OffsetDateTime.class),
                rs.getString("generator_url"),
                rs.getString("acknowledged_by"),
                rs.getObject("acknowledged_at", OffsetDateTime.class),
                rs.getObject("escalated_at", OffsetDateTime.class),
                rs.getObject("updated_at", OffsetDateTime.class));
    }
}
