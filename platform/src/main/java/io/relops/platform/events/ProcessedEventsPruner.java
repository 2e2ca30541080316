package io.relops.platform.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Deletes the consumed event ids of {@code processed_event} that are past {@code relops.events.processed-retention}
 * (see {@link ProcessedEventsProperties} for why it must outlive the topics' retention). Oldest first, in batches of
 * {@code relops.events.prune-batch} rows, each its own short transaction, so that consumers inserting ids meanwhile
 * never wait long; one instance of the service at a time (ShedLock, table {@code platform_shedlock}).
 */
public class ProcessedEventsPruner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ProcessedEventsPruner.class);
    static final String LOCK = "relops-processed-event-prune";
    private static final Duration LOCK_AT_MOST = Duration.ofMinutes(30);

    private final JdbcClient jdbc;
    private final LockingTaskExecutor locks;
    private final ProcessedEventsProperties properties;
    private final Counter pruned;
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    private volatile boolean running;
    private volatile boolean stopping;

    public ProcessedEventsPruner(
            JdbcClient jdbc, LockProvider lockProvider, ProcessedEventsProperties properties, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.locks = new DefaultLockingTaskExecutor(lockProvider);
        this.properties = properties;
        this.pruned = Counter.builder("relops.events.processed.pruned")
                .description("consumed event ids deleted from processed_event past their retention")
                .register(meters);
        scheduler.setPoolSize(1);
        scheduler.setThreadNamePrefix("processed-event-prune-");
        scheduler.setDaemon(true);
    }

    /** Prunes now if no other instance is pruning; returns how many rows it deleted (0 when locked out). */
    public long pruneNow() {
        try {
            LockingTaskExecutor.TaskResult<Long> result = locks.executeWithLock(
                    this::pruneExpired, new LockConfiguration(Instant.now(), LOCK, LOCK_AT_MOST, Duration.ZERO));
            Long rows = result.getResult();
            return result.wasExecuted() && rows != null ? rows : 0;
        } catch (Throwable e) {
            if (e instanceof Error error) {
                throw error;
            }
            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        }
    }

    /** Deletes the ids older than the retention, batch by batch, until a batch comes back short. */
    long pruneExpired() {
        long total = 0;
        int batch;
        do {
            batch = pruneBatch();
            total += batch;
            pruned.increment(batch);
        } while (batch == properties.pruneBatch() && !stopping);
        if (total > 0) {
            log.info(
                    "pruned {} consumed event ids older than {} from processed_event",
                    total,
                    properties.processedRetention());
        } else {
            log.debug("no consumed event id older than {} in processed_event", properties.processedRetention());
        }
        return total;
    }

    /** One batch: the oldest expired rows, at most {@code prune-batch}, in one statement (autocommit). */
    int pruneBatch() {
        return jdbc.sql("delete from processed_event where event_id in (select event_id from processed_event"
                        + " where processed_at < now() - make_interval(secs => ?) order by processed_at limit ?"
                        + " for update skip locked)")
                .params((double) properties.processedRetention().toSeconds(), properties.pruneBatch())
                .update();
    }

    private void pruneQuietly() {
        try {
            pruneNow();
        } catch (RuntimeException e) {
            log.warn(
                    "could not prune processed_event, will retry in {}: {}",
                    properties.pruneInterval(),
                    e.getMessage());
        }
    }

    @Override
    public void start() {
        scheduler.initialize();
        running = true;
        scheduler.scheduleWithFixedDelay(
                this::pruneQuietly, Instant.now().plus(properties.pruneInterval()), properties.pruneInterval());
    }

    @Override
    public void stop() {
        stopping = true;
        running = false;
        scheduler.shutdown();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
