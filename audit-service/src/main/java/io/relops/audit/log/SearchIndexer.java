package io.relops.audit.log;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Builds the search index ({@code audit_index}: the filter columns, the free-text document and their
 * indexes) behind the writer, off the ingest path: every {@code relops.audit.index.interval} it indexes
 * the records after the last indexed one, in sequence order, {@code relops.audit.index.chunk} per
 * transaction, until it has caught up. One replica at a time (a PostgreSQL advisory lock that is not the
 * chain's). Searches never depend on it being caught up: {@link AuditStore} filters the records after
 * {@link #indexedUpTo} directly.
 */
@Component
class SearchIndexer {

    private static final Logger log = LoggerFactory.getLogger(SearchIndexer.class);
    // also taken by audit_prune() (V9__prune_excludes_indexer.sql): keep the two equal
    private static final long INDEX_LOCK = 0x617564697469L; // "auditi", 107156823700585

    /** The free-text document of a record of {@code audit_record r}. */
    static final String DOCUMENT = "audit_document(r.seq, r.event_type, r.subject, r.actor, r.event_time, r.data)";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final int chunk;
    private final long yieldAbove;
    private final long maxLag;
    private final AtomicLong lag = new AtomicLong();
    private long lastHead;
    private long lastLookNanos;
    private boolean yielding;

    SearchIndexer(
            JdbcTemplate jdbc,
            PlatformTransactionManager transactionManager,
            AuditProperties properties,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactionManager);
        this.chunk = properties.index().chunk();
        this.yieldAbove = properties.index().yieldAbove();
        this.maxLag = properties.index().maxLag();
        Gauge.builder("relops.audit.index.lag", lag, AtomicLong::get)
                .description("records not in the search index yet (searched directly meanwhile)")
                .register(meters);
    }

    /** The last record in the search index (0: none). */
    long indexedUpTo() {
        Long seq = jdbc.queryForObject("select coalesce(max(seq), 0) from audit_index", Long.class);
        return seq == null ? 0 : seq;
    }

    @Scheduled(
            fixedDelayString = "${relops.audit.index.interval:1s}",
            initialDelayString = "${relops.audit.index.interval:1s}")
    void indexNewRecords() {
        try {
            while (true) {
                long head = head();
                long behind = Math.max(0, head - indexedUpTo());
                lag.set(behind);
                if (behind == 0 || yieldsToWriter(head, behind)) {
                    return;
                }
                Integer inChunk = tx.execute(status -> indexChunk());
                if (inChunk == null || inChunk < chunk) {
                    lag.set(Math.max(0, head() - indexedUpTo()));
                    return;
                }
            }
        } catch (RuntimeException e) {
            log.warn("could not extend the search index, will retry: {}", e.getMessage());
        }
    }

    /**
     * Whether to leave the CPU to the writer for now: while the log grows faster than {@code yield-above}
     * records per second (measured between two looks at its head, whichever replica appends) and the index
     * is less than {@code max-lag} records behind. Searches stay exact meanwhile (the records after the
     * index are filtered directly); the index catches up when the burst is over, or at once at max-lag.
     */
    private boolean yieldsToWriter(long head, long behind) {
        long now = System.nanoTime();
        double rate = lastLookNanos == 0 ? 0 : (head - lastHead) * 1e9 / (now - lastLookNanos);
        lastHead = head;
        lastLookNanos = now;
        boolean yielding = yieldAbove > 0 && rate >= yieldAbove && behind < maxLag;
        if (yielding != this.yielding) {
            this.yielding = yielding;
            if (yielding) {
                log.info(
                        "search index yields to ingest: the log grows at {} records/s, the index is {} records behind"
                                + " (indexes at once from {} behind)",
                        Math.round(rate),
                        behind,
                        maxLag);
            } else {
                log.info("search index catching up: {} records behind", behind);
            }
        }
        return yielding;
    }

    private long head() {
        Long seq = jdbc.queryForObject("select coalesce(max(seq), 0) from audit_record", Long.class);
        return seq == null ? 0 : seq;
    }

    /** Indexes up to one chunk of the records after the last indexed one; returns how many. */
    private int indexChunk() {
        Boolean locked = jdbc.queryForObject("select pg_try_advisory_xact_lock(?)", Boolean.class, INDEX_LOCK);
        if (!Boolean.TRUE.equals(locked)) {
            return 0; // another replica is at it
        }
        // The chunk's (day, seq bucket) pairs go in the same transaction: a window's probe (AuditStore) finds
        // every indexed record's bucket (V8__window_buckets.sql).
        Integer indexed = jdbc.queryForObject(
                "with indexed as ("
                        + "insert into audit_index (seq, event_type, subject, release_id, actor, event_time, search)"
                        + " select r.seq, r.event_type, r.subject, r.release_id, r.actor, r.event_time, " + DOCUMENT
                        + " from audit_record r where r.seq > (select coalesce(max(seq), 0) from audit_index)"
                        + " order by r.seq limit ? returning seq, event_time),"
                        + " buckets as (insert into audit_window_bucket (day, bucket)"
                        + " select distinct floor(extract(epoch from event_time) / 86400)::bigint, seq >> "
                        + AuditStore.SEQ_BUCKET_BITS + " from indexed on conflict do nothing)"
                        + " select count(*) from indexed",
                Integer.class,
                chunk);
        return indexed == null ? 0 : indexed;
    }
}
