package io.relops.healthcheck.monitor;

import io.relops.common.codec.EventJson;
import io.relops.common.event.ProbeResult;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;

/** The monitors' judgements ({@code monitor_state}), shared by the replicas. */
@Repository
public class MonitorStates {

    private static final TypeReference<List<ProbeResult>> RESULTS = new TypeReference<>() {};

    private static final String UPSERT = """
            insert into monitor_state (application, environment, endpoint, state, passing_streak, failing_streak,
                                       transitions, last_results, checked_at, changed_at)
            values (?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?, now())
            on conflict (application, environment) do update set
              endpoint = excluded.endpoint, state = excluded.state,
              passing_streak = excluded.passing_streak, failing_streak = excluded.failing_streak,
              transitions = excluded.transitions, last_results = excluded.last_results,
              checked_at = excluded.checked_at,
              changed_at = case when ? then now() else monitor_state.changed_at end
            """;

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;

    MonitorStates(JdbcClient jdbc, JdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
    }

    /** One application's row: its judgement, the endpoint it is about, the last round's evidence. */
    public record Row(
            String application,
            String environment,
            String endpoint,
            HealthState state,
            List<ProbeResult> lastResults,
            @Nullable OffsetDateTime checkedAt,
            OffsetDateTime changedAt) {}

    Optional<Row> find(String application, String environment) {
        return jdbc.sql("select * from monitor_state where application = ? and environment = ?")
                .params(application, environment)
                .query(MonitorStates::map)
                .optional();
    }

    public List<Row> all() {
        return jdbc.sql("select * from monitor_state order by application, environment")
                .query(MonitorStates::map)
                .list();
    }

    /** One application's judgement to write: {@code changed} when its state changed (stateSince). */
    record Snapshot(
            String application,
            String environment,
            String endpoint,
            HealthState state,
            List<ProbeResult> lastResults,
            OffsetDateTime checkedAt,
            boolean changed) {

        Object[] params() {
            return new Object[] {
                application,
                environment,
                endpoint,
                state.status().name(),
                state.passingStreak(),
                state.failingStreak(),
                state.transitions(),
                EventJson.mapper().writeValueAsString(lastResults),
                checkedAt,
                changed
            };
        }
    }

    /** Writes many judgements in one batch. */
    void saveAll(List<Snapshot> snapshots) {
        if (!snapshots.isEmpty()) {
            batch.batchUpdate(UPSERT, snapshots.stream().map(Snapshot::params).toList());
        }
    }

    void save(Snapshot snapshot) {
        batch.update(UPSERT, snapshot.params());
    }

    /** Forgets the applications that are no longer live. */
    void deleteExcept(List<LiveSlot> live) {
        List<String> keys = live.stream().map(LiveSlot::key).toList();
        for (Row row : all()) {
            if (!keys.contains(row.application() + "/" + row.environment())) {
                jdbc.sql("delete from monitor_state where application = ? and environment = ?")
                        .params(row.application(), row.environment())
                        .update();
            }
        }
    }

    private static Row map(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Row(
                rs.getString("application"),
                rs.getString("environment"),
                rs.getString("endpoint"),
                new HealthState(
                        HealthState.Status.valueOf(rs.getString("state")),
                        rs.getInt("passing_streak"),
                        rs.getInt("failing_streak"),
                        rs.getInt("transitions")),
                EventJson.mapper().readValue(rs.getString("last_results"), RESULTS),
                rs.getObject("checked_at", OffsetDateTime.class),
                rs.getObject("changed_at", OffsetDateTime.class));
    }
}
