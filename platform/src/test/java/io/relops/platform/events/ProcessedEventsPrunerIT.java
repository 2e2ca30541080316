package io.relops.platform.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.relops.common.event.ReleaseApproved;
import io.relops.common.event.RelopsEvent;
import io.relops.testkit.Postgres;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/** The pruning of processed_event against the real PostgreSQL, on the platform's own migrations. */
class ProcessedEventsPrunerIT {

    private static final int BATCH = 7;
    private static final URI SOURCE = URI.create("urn:relops:test");

    private JdbcClient jdbc;
    private LockProvider locks;
    private SimpleMeterRegistry meters;
    private ProcessedEventsPruner pruner;
    private ProcessedEvents processed;
    private TransactionTemplate tx;

    @BeforeEach
    void migrate() {
        Postgres.Server server = Postgres.server();
        DataSource dataSource = new DriverManagerDataSource(
                Postgres.freshDatabase("platform_prune"), server.username(), server.password());
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/platform")
                .load()
                .migrate();
        jdbc = JdbcClient.create(dataSource);
        locks = new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(dataSource))
                .withTableName("platform_shedlock")
                .usingDbTime()
                .build());
        meters = new SimpleMeterRegistry();
        ProcessedEventsProperties properties =
                new ProcessedEventsProperties(Duration.ofDays(14), Duration.ofDays(7), Duration.ofHours(1), BATCH);
        pruner = new ProcessedEventsPruner(jdbc, locks, properties, meters);
        processed = new ProcessedEvents(jdbc);
        tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    @Test
    void prunesTheIdsPastTheRetentionAndKeepsTheRecentOnes() {
        insert("old", 25, "15 days");
        insert("recent", 10, "13 days");
        insert("new", 3, "0 seconds");

        assertThat(pruner.pruneNow()).isEqualTo(25);

        assertThat(count("old-%")).isZero();
        assertThat(count("recent-%")).isEqualTo(10);
        assertThat(count("new-%")).isEqualTo(3);
        assertThat(meters.get("relops.events.processed.pruned").counter().count())
                .isEqualTo(25);
    }

    @Test
    void deletesAtMostOneBatchPerStatementOldestFirst() {
        insert("older", BATCH, "20 days");
        insert("old", 5, "15 days");

        assertThat(pruner.pruneBatch()).isEqualTo(BATCH);
        assertThat(count("older-%")).isZero();
        assertThat(count("old-%")).isEqualTo(5);

        assertThat(pruner.pruneBatch()).isEqualTo(5);
        assertThat(pruner.pruneBatch()).isZero();
    }

    @Test
    void aConsumedEventStillCountsAsProcessedAfterAPrune() {
        RelopsEvent<ReleaseApproved> event =
                RelopsEvent.of(SOURCE, new ReleaseApproved(UUID.randomUUID(), "shop", "bob", "ok"));
        insert("old", 3, "15 days");
        assertThat(markProcessed(event)).isTrue();

        pruner.pruneNow();

        assertThat(markProcessed(event))
                .as("a redelivery within the retention changes nothing")
                .isFalse();
        assertThat(count("old-%")).isZero();
    }

    @Test
    void prunesNothingWhileAnotherInstanceHoldsTheLock() {
        insert("old", 4, "15 days");
        Optional<SimpleLock> other = locks.lock(
                new LockConfiguration(Instant.now(), ProcessedEventsPruner.LOCK, Duration.ofMinutes(5), Duration.ZERO));
        assertThat(other).isPresent();
        try {
            assertThat(pruner.pruneNow()).isZero();
            assertThat(count("old-%")).isEqualTo(4);
        } finally {
            other.get().unlock();
        }
        assertThat(pruner.pruneNow()).isEqualTo(4);
    }

    private boolean markProcessed(RelopsEvent<?> event) {
        return Boolean.TRUE.equals(tx.execute(status -> processed.markProcessed(event)));
    }

    private void insert(String prefix, int rows, String age) {
        jdbc.sql("insert into processed_event (event_id, event_type, processed_at)"
                        + " select ? || '-' || n, 'relops.test', now() - ?::interval from generate_series(1, ?) n")
                .params(prefix, age, rows)
                .update();
    }

    private long count(String pattern) {
        return jdbc.sql("select count(*) from processed_event where event_id like ?")
                .param(pattern)
                .query(Long.class)
                .single();
    }
}
