package io.relops.alert.silence;

import io.relops.alert.routing.Matcher;
import io.relops.common.codec.EventJson;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;

/** The {@code silence} table. Expired silences are kept (as in Alertmanager) and listed as expired. */
@Repository
public class SilenceStore {

    private static final TypeReference<List<Matcher>> MATCHERS = new TypeReference<>() {};
    private static final String COLUMNS = "id, matchers::text, starts_at, ends_at, created_by, comment, updated_at";

    private final JdbcClient jdbc;

    SilenceStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts or replaces {@code s}; a replaced silence keeps who created it. */
    public void save(Silence s) {
        jdbc.sql("""
                        insert into silence (id, matchers, starts_at, ends_at, created_by, comment, updated_at)
                        values (?, ?::jsonb, ?, ?, ?, ?, now())
                        on conflict (id) do update set matchers = excluded.matchers, starts_at = excluded.starts_at,
                            ends_at = excluded.ends_at, comment = excluded.comment,
                            updated_at = now()
                        """)
                .params(
                        s.id(),
                        EventJson.mapper().writeValueAsString(s.matchers()),
                        s.startsAt(),
                        s.endsAt(),
                        s.createdBy(),
                        s.comment())
                .update();
    }

    public Optional<Silence> find(UUID id) {
        return jdbc.sql("select " + COLUMNS + " from silence where id = ?")
                .param(id)
                .query(SilenceStore::map)
                .optional();
    }

    public List<Silence> all() {
        return jdbc.sql("select " + COLUMNS + " from silence order by starts_at desc")
                .query(SilenceStore::map)
                .list();
    }

    /** The silences in force now. */
    public List<Silence> active() {
        return jdbc.sql("select " + COLUMNS + " from silence where starts_at <= now() and ends_at > now()")
                .query(SilenceStore::map)
                .list();
    }

    /** Ends a silence now (Alertmanager's DELETE); returns false when it does not exist. */
    public boolean expire(UUID id) {
        return jdbc.sql("update silence set ends_at = least(ends_at, now()), starts_at = least(starts_at, now()),"
                                + " updated_at = now() where id = ?")
                        .param(id)
                        .update()
                == 1;
    }

    private static Silence map(ResultSet rs, int n) throws SQLException {
        return new Silence(
                rs.getObject(1, UUID.class),
                EventJson.mapper().readValue(rs.getString(2), MATCHERS),
                rs.getObject(3, OffsetDateTime.class),
                rs.getObject(4, OffsetDateTime.class),
                rs.getString(5),
                rs.getString(6),
                rs.getObject(7, OffsetDateTime.class));
    }
}
