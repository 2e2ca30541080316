package io.relops.platform.events;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.InvalidEventException;
import io.relops.common.codec.StructuredJsonFormat;
import io.relops.common.event.RelopsEvent;
import io.relops.platform.tracing.TraceContexts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes the outbox in commit order. One relay thread per service instance, and across replicas
 * one at a time (a PostgreSQL advisory lock), so that the events of an application stay in order.
 * It runs right after each commit that wrote to the outbox, and on a fixed sweep for anything a
 * failed publish left behind. Rows are deleted only once the broker has acknowledged them; a crash
 * in between re-publishes with the same CloudEvents id, which consumers deduplicate. Each event goes out in the
 * trace of the transaction that wrote it (its {@code traceparent} column), not in a trace of the relay's own.
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    /** The PostgreSQL advisory lock the relay publishes under ("relops"): one relay at a time across replicas. */
    public static final long ADVISORY_LOCK_KEY = 0x72656c6f7073L;

    private static final int BATCH = 200;
    static final Map<String, byte[]> STRUCTURED =
            Map.of("content-type", StructuredJsonFormat.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final EventPublisher publisher;
    private final MeterRegistry meterRegistry;
    private final TraceContexts traces;
    private final Duration sweepInterval;
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    private volatile boolean running;

    public OutboxRelay(
            JdbcClient jdbc,
            TransactionTemplate tx,
            EventPublisher publisher,
            MeterRegistry meterRegistry,
            TraceContexts traces,
            Duration sweepInterval) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.publisher = publisher;
        this.meterRegistry = meterRegistry;
        this.traces = traces;
        this.sweepInterval = sweepInterval;
        scheduler.setPoolSize(1);
        scheduler.setThreadNamePrefix("outbox-relay-");
        Gauge.builder("relops.outbox.backlog", this, OutboxRelay::backlog)
                .description("events in the outbox not published to Kafka yet")
                .register(meterRegistry);
    }

    /** Rows waiting in the outbox (read at each scrape). */
    long backlog() {
        Long rows =
                jdbc.sql("select count(*) from outbox_event").query(Long.class).single();
        return rows == null ? 0 : rows;
    }

    /** Asks for a drain soon (after a commit that wrote to the outbox). */
    public void kick() {
        if (running && drainQueued.compareAndSet(false, true)) {
            scheduler.execute(this::drainQuietly);
        }
    }

    private void drainQuietly() {
        drainQueued.set(false);
        try {
            while (drainBatch() == BATCH) {
                // a full batch: there may be more
            }
        } catch (RuntimeException e) {
            meterRegistry.counter("relops.outbox.publish.failures").increment();
            log.warn("outbox publish failed, will retry on the next sweep: {}", e.getMessage());
        }
    }

    /** Publishes up to one batch; returns how many rows it published. */
    int drainBatch() {
        Integer published = tx.execute(status -> {
            Boolean locked = jdbc.sql("select pg_try_advisory_xact_lock(?)")
                    .param(ADVISORY_LOCK_KEY)
                    .query(Boolean.class)
                    .single();
            if (!Boolean.TRUE.equals(locked)) {
                return 0;
            }
            List<Row> rows = jdbc.sql("select seq, event, traceparent from outbox_event order by seq limit ?")
                    .param(BATCH)
                    .query((rs, n) -> new Row(rs.getLong(1), rs.getBytes(2), rs.getString(3)))
                    .list();
            for (Row row : rows) {
                RelopsEvent<?> event;
                try {
                    event = CloudEventCodec.decode(STRUCTURED, row.event());
                } catch (InvalidEventException e) {
                    reject(row, String.valueOf(e.getMessage()));
                    continue;
                }
                // the send is a child of the span that wrote the row: its traceparent goes out in the record's headers
                traces.inSpan(row.traceparent(), "outbox publish", () -> publisher.publish(event));
                jdbc.sql("delete from outbox_event where seq = ?")
                        .param(row.seq())
                        .update();
            }
            return rows.size();
        });
        return published == null ? 0 : published;
    }

    /** A row that is no valid event any more: moved aside with the reason, so the rows behind it go on. */
    private void reject(Row row, String reason) {
        jdbc.sql("insert into outbox_rejected (seq, event_id, event_type, event, reason)"
                        + " select seq, event_id, event_type, event, ? from outbox_event where seq = ?")
                .params(reason, row.seq())
                .update();
        jdbc.sql("delete from outbox_event where seq = ?").param(row.seq()).update();
        meterRegistry.counter("relops.outbox.rejected").increment();
        log.error("outbox row {} is not a valid relops event; moved to outbox_rejected: {}", row.seq(), reason);
    }

    private record Row(long seq, byte[] event, @Nullable String traceparent) {}

    @Override
    public void start() {
        scheduler.initialize();
        running = true;
        scheduler.scheduleWithFixedDelay(this::drainQuietly, sweepInterval);
    }

    @Override
    public void stop() {
        running = false;
        scheduler.shutdown();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // start after the bindings are up, stop before them
        return Integer.MAX_VALUE - 1000;
    }
}
