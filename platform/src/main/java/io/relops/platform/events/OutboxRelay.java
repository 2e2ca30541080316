package io.relops.platform.events;

import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.EncodedEvent;
import io.relops.common.codec.InvalidEventException;
import io.relops.common.event.EventType;
import io.relops.platform.tracing.TraceContexts;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes the outbox in commit order, a batch at a time. One relay thread per service instance, and across the
 * instances of one service one at a time (a PostgreSQL advisory lock on that service's outbox table), so that the
 * events of an application stay in order; the relays of different services never wait for each other.
 *
 * <p>A batch is one transaction: take the lock, read up to {@code relops.outbox.batch-size} rows in {@code seq}
 * order, hand them all to the producer at once (asynchronously, in that order: the idempotent producer keeps the
 * order of each partition, hence of each application, whose events share a key), wait for every acknowledgement,
 * then delete the batch's rows with one statement and commit. If any send fails, nothing is deleted: the whole
 * batch goes out again on the next pass, in the same order, with the same CloudEvents ids (at least once; consumers
 * deduplicate). A crash between the acknowledgements and the commit does the same.
 *
 * <p>The relay runs right after each commit that wrote to the outbox, and on a fixed sweep ({@code
 * relops.outbox.sweep-interval}) for what a failed batch left behind. Woken while another instance of the service
 * holds the lock, it waits for it ({@code relops.outbox.lock-wait}; the holder keeps it for one batch), then drains
 * what is committed, its own rows included: an event never waits for the sweep because another instance was
 * publishing, and no relay spins on the lock. Each event goes out in the trace of the transaction that wrote it
 * (its {@code traceparent} column), not in a trace of the relay's own.
 *
 * <p>The lock is PostgreSQL's two-key advisory lock ({@link #LOCK_CLASS}, the OID of the {@code outbox_event} table
 * the service's {@code search_path} resolves): each service has its outbox in its own schema, so the key is the
 * outbox itself. Two instances of one service share the table, hence the lock; two services never do. The table's
 * OID is taken in the transaction that locks, so a table re-created by a restore is locked under its new identity.
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    /** The first key of the relay's advisory lock ("outb"): the class of lock, the outbox table's OID is the second. */
    public static final int LOCK_CLASS = 0x6f757462;

    /**
     * The arguments of {@code pg_advisory_lock(...)} (and its variants) that take the lock of the outbox in the
     * connection's {@code search_path}, e.g. {@code "select pg_advisory_lock(" + LOCK_ARGUMENTS + ")"}.
     */
    public static final String LOCK_ARGUMENTS = LOCK_CLASS + ", 'outbox_event'::regclass::oid::int";

    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final OutboxRelayProducer producer;
    private final MeterRegistry meterRegistry;
    private final TraceContexts traces;
    private final OutboxRelayProperties properties;
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    private volatile boolean running;

    public OutboxRelay(
            JdbcClient jdbc,
            TransactionTemplate tx,
            OutboxRelayProducer producer,
            MeterRegistry meterRegistry,
            TraceContexts traces,
            OutboxRelayProperties properties) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.producer = producer;
        this.meterRegistry = meterRegistry;
        this.traces = traces;
        this.properties = properties;
        scheduler.setPoolSize(1);
        scheduler.setThreadNamePrefix("outbox-relay-");
        // at stop, a batch in flight finishes (its rows are deleted) rather than being interrupted and sent again
        scheduler.setWaitForTasksToCompleteOnShutdown(true);
        scheduler.setAwaitTerminationSeconds(10);
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
            drain();
        } catch (RuntimeException e) {
            meterRegistry.counter("relops.outbox.publish.failures").increment();
            log.warn("outbox publish failed, will retry on the next sweep: {}", e.getMessage());
        }
    }

    /**
     * Publishes batches until the outbox holds no full batch more; returns how many rows it published (or moved
     * aside). Returns early, with nothing lost, when another instance of the service kept the lock past {@code
     * lock-wait}: that one is draining.
     *
     * @throws RuntimeException when a batch could not be published; its rows stay for the next pass
     */
    public long drain() {
        long published = 0;
        int batch;
        do {
            batch = drainBatch();
            published += Math.max(batch, 0);
        } while (batch == properties.batchSize());
        return published;
    }

    /** Publishes up to one batch; returns how many rows it took out of the outbox, or -1 if the lock was not free. */
    int drainBatch() {
        try {
            Integer published = tx.execute(status -> publishBatch());
            return published == null ? 0 : published;
        } catch (DataAccessException e) {
            if (!lockNotAvailable(e)) {
                throw e;
            }
            log.debug("outbox lock held elsewhere past {}: that relay drains", properties.lockWait());
            return -1;
        }
    }

    /** PostgreSQL's lock_not_available: the wait for the lock reached {@code lock_timeout}. */
    private static boolean lockNotAvailable(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && LOCK_NOT_AVAILABLE.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private int publishBatch() {
        jdbc.sql("select set_config('lock_timeout', ?, true)")
                .param(properties.lockWait().toMillis() + "ms")
                .query(String.class)
                .single();
        jdbc.sql("select pg_advisory_xact_lock(" + LOCK_ARGUMENTS + ")").query().listOfRows();
        List<Row> rows = jdbc.sql("select seq, event, traceparent from outbox_event order by seq limit ?")
                .param(properties.batchSize())
                .query((rs, n) -> new Row(rs.getLong(1), rs.getBytes(2), rs.getString(3)))
                .list();
        if (rows.isEmpty()) {
            return 0;
        }
        Long[] done = new Long[rows.size()];
        List<CompletableFuture<?>> sends = new ArrayList<>(rows.size());
        Map<String, Integer> publishedByType = new HashMap<>();
        int rejected = 0;
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            done[i] = row.seq();
            CloudEvent event;
            try {
                // validated against its schema by Outbox.append before it was stored: read, not validated again
                event = CloudEventCodec.readStructured(row.event());
            } catch (InvalidEventException e) {
                reject(row, String.valueOf(e.getMessage()));
                rejected++;
                continue;
            }
            EventType type = EventType.fromTypeName(event.getType()).orElseThrow();
            ProducerRecord<byte[], byte[]> record = recordOf(type, event);
            // the send is a child of the span that wrote the row: its traceparent goes out in the record's headers
            sends.add(traces.inSpan(
                    row.traceparent(),
                    "outbox publish",
                    () -> producer.template().send(record)));
            publishedByType.merge(type.typeName(), 1, Integer::sum);
        }
        awaitAcknowledgements(sends);
        jdbc.sql("delete from outbox_event where seq = any(?)").param(done).update();
        publishedByType.forEach((type, count) ->
                meterRegistry.counter("relops.events.published", "type", type).increment(count));
        if (rejected > 0) {
            meterRegistry.counter("relops.outbox.rejected").increment(rejected);
        }
        return rows.size();
    }

    /**
     * Waits for every acknowledgement of the batch. On a failure the batch's transaction rolls back, so nothing is
     * deleted and the batch goes out again on the next pass. The producer has then reported every record of the
     * batch (acknowledged or failed): none of them is still on its way. Only when it reports nothing within its own
     * delivery timeout (and a margin) is it closed and replaced, while this relay still holds the lock, so that no
     * record of the attempt can reach the broker after the batch has been sent again.
     */
    private void awaitAcknowledgements(List<CompletableFuture<?>> sends) {
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .get(producer.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException(
                    "a batch of " + sends.size() + " events was not acknowledged: " + cause, cause);
        } catch (TimeoutException e) {
            producer.reset();
            throw new IllegalStateException(
                    "a batch of " + sends.size() + " events was not acknowledged within " + producer.ackTimeout(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            producer.reset();
            throw new IllegalStateException("interrupted while a batch was being sent", e);
        }
    }

    private ProducerRecord<byte[], byte[]> recordOf(EventType type, CloudEvent event) {
        EncodedEvent encoded = CloudEventCodec.encode(event);
        RecordHeaders headers = new RecordHeaders();
        encoded.headers().forEach(headers::add);
        return new ProducerRecord<>(producer.topicOf(type.channel()), null, encoded.key(), encoded.value(), headers);
    }

    /**
     * A row that is no valid event any more: copied aside with the reason (the batch's delete removes it), so the
     * rows behind it go on.
     */
    private void reject(Row row, String reason) {
        jdbc.sql("insert into outbox_rejected (seq, event_id, event_type, event, reason)"
                        + " select seq, event_id, event_type, event, ? from outbox_event where seq = ?")
                .params(reason, row.seq())
                .update();
        log.error("outbox row {} is not a valid relops event; moved to outbox_rejected: {}", row.seq(), reason);
    }

    private record Row(long seq, byte[] event, @Nullable String traceparent) {}

    @Override
    public void start() {
        scheduler.initialize();
        running = true;
        scheduler.scheduleWithFixedDelay(this::drainQuietly, properties.sweepInterval());
    }

    @Override
    public void stop() {
        running = false;
        scheduler.shutdown();
        producer.close();
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
