package io.relops.deploy.dora;

import io.relops.common.release.ReleaseStatus;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Ended releases with the moments the four keys need, read from {@code release} and its timeline. */
@Repository
class DoraRepository {

    private final JdbcClient jdbc;

    DoraRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Releases that ended in {@code [from, to)}, optionally of one application and environment. */
    List<ChangeRecord> endedBetween(
            Instant from, Instant to, @Nullable String application, @Nullable String environment) {
        return jdbc.sql("""
                        select r.application, r.environment, r.status, r.requested_at, r.completed_at,
                               (select min(h.at) from release_history h
                                 where h.release_id = r.id and h.status = :deploying)    as deployed_at,
                               -- a release that failed before users' traffic reached it ends rolled back at once:
                               -- its failure was detected when it ended
                               coalesce((select min(h.at) from release_history h
                                          where h.release_id = r.id and h.status = :rollingBack),
                                        case when r.status = :rolledBack then r.completed_at end) as rolling_back_at
                        from release r
                        where r.completed_at >= :from and r.completed_at < :to
                          and (cast(:application as text) is null or r.application = :application)
                          and (cast(:environment as text) is null or r.environment = :environment)
                        order by r.completed_at
                        """)
                .param("from", OffsetDateTime.ofInstant(from, java.time.ZoneOffset.UTC))
                .param("to", OffsetDateTime.ofInstant(to, java.time.ZoneOffset.UTC))
                .param("application", application)
                .param("environment", environment)
                .param("deploying", ReleaseStatus.DEPLOYING.name())
                .param("rollingBack", ReleaseStatus.ROLLING_BACK.name())
                .param("rolledBack", ReleaseStatus.ROLLED_BACK.name())
                .query((rs, row) -> new ChangeRecord(
                        rs.getString("application"),
                        rs.getString("environment"),
                        ReleaseStatus.valueOf(rs.getString("status")),
                        instant(rs.getObject("requested_at", OffsetDateTime.class)),
                        instant(rs.getObject("completed_at", OffsetDateTime.class)),
                        nullableInstant(rs.getObject("deployed_at", OffsetDateTime.class)),
                        nullableInstant(rs.getObject("rolling_back_at", OffsetDateTime.class))))
                .list();
    }

    private static Instant instant(@Nullable OffsetDateTime time) {
        if (time == null) {
            throw new IllegalStateException("an ended release without its time");
        }
        return time.toInstant();
    }

    private static @Nullable Instant nullableInstant(@Nullable OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
