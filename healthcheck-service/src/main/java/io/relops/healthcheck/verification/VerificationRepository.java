package io.relops.healthcheck.verification;

import io.relops.common.codec.EventJson;
import io.relops.common.event.ProbeResult;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;

@Repository
class VerificationRepository {

    private static final TypeReference<List<ProbeResult>> RESULTS = new TypeReference<>() {};

    private final JdbcClient jdbc;

    VerificationRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Verification v) {
        jdbc.sql("""
                        insert into verification (id, release_id, application, environment, version, slot, endpoint,
                                                  trigger, step, weight, status)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing
                        """)
                .params(
                        v.id(),
                        v.releaseId(),
                        v.application(),
                        v.environment(),
                        v.version(),
                        v.slot(),
                        v.endpoint(),
                        v.trigger(),
                        v.step(),
                        v.weight(),
                        v.status())
                .update();
    }

    /** Records the verdict; false when the run had finished already (a second runner lost). */
    boolean finish(UUID id, String status, String reason, List<ProbeResult> results) {
        return jdbc.sql("""
                                update verification set status = ?, reason = ?, results = cast(? as jsonb), finished_at = now()
                                where id = ? and status = 'RUNNING'
                                """)
                        .params(status, reason, EventJson.mapper().writeValueAsString(results), id)
                        .update()
                == 1;
    }

    java.util.Optional<Verification> find(UUID id) {
        return jdbc.sql("select * from verification where id = ?")
                .param(id)
                .query(VerificationRepository::map)
                .optional();
    }

    List<Verification> running() {
        return jdbc.sql("select * from verification where status = 'RUNNING'")
                .query(VerificationRepository::map)
                .list();
    }

    List<Verification> list(@Nullable UUID releaseId, @Nullable String application, int limit) {
        return jdbc.sql("""
                        select * from verification
                        where (cast(:releaseId as uuid) is null or release_id = :releaseId)
                          and (cast(:application as text) is null or application = :application)
                        order by started_at desc limit :limit
                        """)
                .param("releaseId", releaseId)
                .param("application", application)
                .param("limit", limit)
                .query(VerificationRepository::map)
                .list();
    }

    private static Verification map(ResultSet rs, int row) throws SQLException {
        return new Verification(
                rs.getObject("id", UUID.class),
                rs.getObject("release_id", UUID.class),
                rs.getString("application"),
                rs.getString("environment"),
                rs.getString("version"),
                rs.getString("slot"),
                rs.getString("endpoint"),
                rs.getString("trigger"),
                rs.getObject("step", Integer.class),
                rs.getObject("weight", Integer.class),
                rs.getString("status"),
                rs.getString("reason"),
                EventJson.mapper().readValue(rs.getString("results"), RESULTS),
                rs.getObject("started_at", OffsetDateTime.class),
                rs.getObject("finished_at", OffsetDateTime.class));
    }
}
