package io.relops.audit.log;

import io.relops.common.audit.AuditChain;
import io.relops.common.audit.AuditEntry;
import io.relops.common.audit.CanonicalJson;
import io.relops.common.audit.Checkpoint;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Reads the log: searches, ranges in sequence order (streamed), checkpoints. */
@Repository
public class AuditStore {

    private static final String COLUMNS = "seq, event_id, event_type, source, subject, release_id, event_time, topic,"
            + " actor, recorded_at, data::text as data, prev_hash, hash";
    private static final String RECORD_COLUMNS = "r.seq, r.event_id, r.event_type, r.source, r.subject, r.release_id,"
            + " r.event_time, r.topic, r.actor, r.recorded_at, r.data::text as data, r.prev_hash, r.hash";
    /** The document's seq buckets: {@code '@s:<seq >> 16>'} (V7__search_lexemes.sql). */
    static final int SEQ_BUCKET_BITS = 16;
    /** Free text probes this many seq buckets one by one before it searches the rest of the range at once. */
    static final int PROBED_BUCKETS = 16;
    /** A short window with free text is probed bucket by bucket when its days span at most this many buckets. */
    static final int WINDOW_BUCKETS = 64;

    private final NamedParameterJdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate cursor;
    private final TransactionTemplate readOnly;
    private final SearchIndexer searchIndex;

    AuditStore(
            NamedParameterJdbcTemplate jdbc, PlatformTransactionManager transactionManager, SearchIndexer searchIndex) {
        this.jdbc = jdbc;
        this.searchIndex = searchIndex;
        JdbcTemplate streaming = new JdbcTemplate(jdbc.getJdbcTemplate().getDataSource());
        streaming.setFetchSize(1000); // a server-side cursor inside the read-only transaction
        this.cursor = new NamedParameterJdbcTemplate(streaming);
        this.readOnly = new TransactionTemplate(transactionManager);
        this.readOnly.setReadOnly(true);
    }

    /** Records matching {@code query} after {@code afterSeq}, in sequence order. */
    public List<AuditEntry> search(AuditQuery query, long afterSeq, int limit) {
        return search(query, afterSeq, Long.MAX_VALUE, limit, true);
    }

    /**
     * Records matching {@code query} in {@code (afterSeq, toSeq]}, in sequence order ({@code ascending})
     * or from the newest: through the search index ({@code audit_index}) up to its last record, then
     * directly over the records after it, so a search is exact however far the indexer is behind.
     */
    private List<AuditEntry> search(AuditQuery query, long afterSeq, long toSeq, int limit, boolean ascending) {
        if (query.isEmpty()) {
            return jdbc.query(
                    "select " + COLUMNS + " from audit_record r where r.seq > :afterSeq and r.seq <= :toSeq"
                            + " order by r.seq" + (ascending ? "" : " desc") + " limit :limit",
                    Map.of("afterSeq", afterSeq, "toSeq", toSeq, "limit", limit),
                    (rs, n) -> map(rs));
        }
        long indexed = searchIndex.indexedUpTo();
        if (!ascending || !query.hasText()) {
            return records(pageSeqs(query, afterSeq, toSeq, indexed, limit, ascending), ascending);
        }
        // Free text, in seq order: its matches bucket by bucket, stopping as soon as the page is full, then the
        // rest, if any, as usual. Without a short window the first seq buckets are probed (a common word fills
        // the page from the first); with one, the buckets that hold records of the window's days (V8).
        long upTo = Math.min(toSeq, indexed);
        List<Long> seqs = new ArrayList<>();
        long probedUpTo = afterSeq;
        if (upTo > afterSeq) {
            long first = (afterSeq + 1) >> SEQ_BUCKET_BITS;
            long last = upTo >> SEQ_BUCKET_BITS;
            List<Long> buckets;
            if (query.withinWindow(AuditQuery.SHORT_WINDOW)) {
                buckets = windowBuckets(query, first, last);
                if (buckets.size() > WINDOW_BUCKETS) {
                    return records(pageSeqs(query, afterSeq, toSeq, indexed, limit, true), true);
                }
                probedUpTo = upTo;
            } else {
                last = Math.min(last, first + PROBED_BUCKETS - 1);
                buckets = LongStream.rangeClosed(first, last).boxed().toList();
                probedUpTo = Math.min(upTo, ((last + 1) << SEQ_BUCKET_BITS) - 1);
            }
            seqs.addAll(probeBuckets(query, afterSeq, upTo, buckets, limit));
        }
        if (seqs.size() < limit) {
            seqs.addAll(pageSeqs(query, probedUpTo, toSeq, indexed, limit - seqs.size(), true));
        }
        return records(seqs, true);
    }

    /**
     * The seq buckets {@code first..last} that hold records of the query's window's days, in order; at most
     * {@code WINDOW_BUCKETS + 1} (more: the window is searched at once).
     */
    private List<Long> windowBuckets(AuditQuery query, long first, long last) {
        return jdbc.queryForList(
                "select distinct bucket from audit_window_bucket where day between :firstDay and :lastDay"
                        + " and bucket between :first and :last order by bucket limit :limit",
                Map.of(
                        "firstDay",
                        query.firstDay(),
                        "lastDay",
                        query.lastDay(),
                        "first",
                        first,
                        "last",
                        last,
                        "limit",
                        WINDOW_BUCKETS + 1),
                Long.class);
    }

    /**
     * The matches of {@code query} in the seq {@code buckets} (the document's {@code '@s:<seq >> 16>'} lexemes,
     * V7), in seq order, at most {@code limit}: one GIN scan per bucket, each intersecting the free text with
     * one bucket's lexeme, until {@code limit} are found.
     */
    private List<Long> probeBuckets(AuditQuery query, long afterSeq, long upTo, List<Long> buckets, int limit) {
        if (buckets.isEmpty()) {
            return List.of();
        }
        AuditQuery.Condition indexed = query.indexedCondition();
        Map<String, Object> params = new HashMap<>(indexed.params());
        params.put("afterSeq", afterSeq);
        params.put("upTo", upTo);
        params.put("buckets", buckets);
        params.put("limit", limit);
        // The nested loop reads the buckets in order and each bucket's page is sorted: the rows come in seq order
        // and LIMIT stops the loop at the first full page (an ORDER BY here would run every bucket).
        List<Long> seqs = new ArrayList<>(jdbc.queryForList(
                "select p.seq from unnest(cast(array[:buckets] as bigint[])) with ordinality b(bucket, n)"
                        + " cross join lateral (select i.seq from audit_index i"
                        + " where i.search @@ cast('''@s:' || b.bucket || '''' as tsquery)"
                        + " and i.seq > :afterSeq and i.seq <= :upTo and " + indexed.sql()
                        + " order by i.seq limit :limit) p limit :limit",
                params,
                Long.class));
        Collections.sort(seqs);
        return seqs;
    }

    /** The seqs of a page: from the search index up to its last record, then directly from the records after it. */
    private List<Long> pageSeqs(
            AuditQuery query, long afterSeq, long toSeq, long indexed, int limit, boolean ascending) {
        AuditQuery.Condition direct = query.condition();
        Map<String, Object> params = new HashMap<>(direct.params());
        params.putAll(query.indexedCondition().params());
        params.put("afterSeq", afterSeq);
        params.put("toSeq", toSeq);
        params.put("limit", limit);
        params.put("indexed", indexed);
        // A short time window is found through its time index and its matches sorted (few); otherwise the
        // filter's index is walked in seq order until a page is full. Left to itself, the planner walks in seq
        // order for a late window too, reading every earlier match of the filter (thousands of pages).
        String indexOrder = query.withinWindow(AuditQuery.SHORT_WINDOW) ? "i.seq + 0" : "i.seq";
        String direction = ascending ? "" : " desc";
        return jdbc.queryForList(
                "(select i.seq from audit_index i"
                        + " where i.seq > :afterSeq and i.seq <= least(:toSeq, :indexed) and "
                        + query.indexedCondition().sql() + " order by " + indexOrder + direction + " limit :limit)"
                        + " union all "
                        + "(select r.seq from audit_record r"
                        + " where r.seq > greatest(:afterSeq, :indexed) and r.seq <= :toSeq and " + direct.sql()
                        + " order by r.seq" + direction + " limit :limit)"
                        + " order by 1" + direction + " limit :limit",
                params,
                Long.class);
    }

    /** The records of {@code seqs}, in seq order ({@code ascending}) or from the newest. */
    private List<AuditEntry> records(List<Long> seqs, boolean ascending) {
        if (seqs.isEmpty()) {
            return List.of();
        }
        return jdbc.query(
                "select " + RECORD_COLUMNS + " from audit_record r where r.seq in (:seqs) order by r.seq"
                        + (ascending ? "" : " desc"),
                Map.of("seqs", seqs),
                (rs, n) -> map(rs));
    }

    /** The last sequence number, 0 for an empty log. */
    public long headSeq() {
        Long seq = jdbc.getJdbcTemplate().queryForObject("select coalesce(max(seq), 0) from audit_record", Long.class);
        return seq == null ? 0 : seq;
    }

    public Optional<String> hashAt(long seq) {
        return jdbc
                .query("select hash from audit_record where seq = :seq", Map.of("seq", seq), (rs, n) -> rs.getString(1))
                .stream()
                .findFirst();
    }

    /** Checkpoints with {@code from <= seq <= to}, in sequence order. */
    public List<Checkpoint> checkpoints(long from, long to) {
        return jdbc.query(
                CHECKPOINT_COLUMNS + " where seq between :from and :to order by seq, kind",
                Map.of("from", from, "to", to),
                (rs, n) -> checkpoint(rs));
    }

    private static final String CHECKPOINT_COLUMNS =
            "select seq, hash, checkpoint_time, kind, key_id, signature, format, from_seq, policy, newest"
                    + " from audit_checkpoint";

    static Checkpoint checkpoint(ResultSet rs) throws SQLException {
        String policy = rs.getString("policy");
        long from = rs.getLong("from_seq");
        Checkpoint.Pruning pruning = policy == null
                ? null
                : new Checkpoint.Pruning(from, policy, Checkpoint.Pruning.parseNewest(rs.getString("newest")));
        return new Checkpoint(
                rs.getInt("format"),
                rs.getLong("seq"),
                rs.getString("hash"),
                rs.getObject("checkpoint_time", OffsetDateTime.class).toInstant(),
                rs.getString("kind"),
                rs.getString("key_id"),
                rs.getString("signature"),
                pruning);
    }

    /** Every retention checkpoint, oldest first (few: one per pruning run that removed records). */
    public List<Checkpoint> retentionCheckpoints() {
        return jdbc.query(
                CHECKPOINT_COLUMNS + " where kind = 'retention' order by seq", Map.of(), (rs, n) -> checkpoint(rs));
    }

    /** The checkpoint {@code (seq, kind)}, if the log has it. */
    public Optional<Checkpoint> checkpoint(long seq, String kind) {
        return jdbc
                .query(
                        CHECKPOINT_COLUMNS + " where seq = :seq and kind = :kind",
                        Map.of("seq", seq, "kind", kind),
                        (rs, n) -> checkpoint(rs))
                .stream()
                .findFirst();
    }

    /** How many checkpoints are not published to the anchor topic yet. */
    public long unanchoredCheckpoints() {
        Long count = jdbc.queryForObject(
                "select count(*) from audit_checkpoint c where not exists"
                        + " (select 1 from audit_anchored a where a.seq = c.seq and a.kind = c.kind)",
                Map.of(),
                Long.class);
        return count == null ? 0 : count;
    }

    /** The newest checkpoint's seq at or before {@code seq} (0 when none). */
    public long checkpointAtOrBefore(long seq) {
        Long found = jdbc.queryForObject(
                "select coalesce(max(seq), 0) from audit_checkpoint where seq <= :seq", Map.of("seq", seq), Long.class);
        return found == null ? 0 : found;
    }

    /** The first checkpoint at or after {@code seq}: the one that covers record {@code seq}. */
    public Optional<Checkpoint> coveringCheckpoint(long seq) {
        return jdbc
                .query(
                        CHECKPOINT_COLUMNS + " where seq >= :seq order by seq limit 1",
                        Map.of("seq", seq),
                        (rs, n) -> checkpoint(rs))
                .stream()
                .findFirst();
    }

    /** The latest retention checkpoint: the records up to its seq were pruned, the log starts after it. */
    public Optional<Checkpoint> retentionCheckpoint() {
        return jdbc
                .query(
                        CHECKPOINT_COLUMNS + " where kind = 'retention' order by seq desc limit 1",
                        Map.of(),
                        (rs, n) -> checkpoint(rs))
                .stream()
                .findFirst();
    }

    /** The first sequence number of the log: 1, or the one after the retention checkpoint. */
    public long firstRetainedSeq() {
        return retentionCheckpoint().map(c -> c.seq() + 1).orElse(1L);
    }

    /**
     * The hash record {@code seq - 1} has: genesis at the start of the log, the checkpoint's hash where one
     * covers it (a pruned record's retention checkpoint), else its stored hash.
     */
    public String anchorBefore(long seq) {
        if (seq <= 1) {
            return AuditChain.GENESIS;
        }
        return checkpoints(seq - 1, seq - 1).stream()
                .map(Checkpoint::hash)
                .findFirst()
                .or(() -> hashAt(seq - 1))
                .orElse(AuditChain.GENESIS);
    }

    public Optional<Checkpoint> latestCheckpoint() {
        return jdbc
                .query(CHECKPOINT_COLUMNS + " order by seq desc limit 1", Map.of(), (rs, n) -> checkpoint(rs))
                .stream()
                .findFirst();
    }

    /** The first and last sequence numbers matching {@code query} within {@code [from, to]}. */
    public Optional<long[]> matchingBounds(AuditQuery query, long from, long to) {
        List<AuditEntry> first = search(query, from - 1, to, 1, true);
        if (first.isEmpty()) {
            return Optional.empty();
        }
        List<AuditEntry> last = search(query, from - 1, to, 1, false);
        return Optional.of(new long[] {first.get(0).seq(), last.get(0).seq()});
    }

    /**
     * Streams the records {@code from..to} in sequence order to {@code sink}, with whether each
     * matches {@code query}; stops when {@code sink} returns false. Constant memory (a cursor).
     */
    public void stream(long from, long to, AuditQuery query, RangeSink sink) {
        AuditQuery.Condition condition = query.condition();
        Map<String, Object> params = new HashMap<>(condition.params());
        params.put("from", from);
        params.put("to", to);
        readOnly.executeWithoutResult(status -> {
            try {
                cursor.query(
                        "select " + COLUMNS + ", (" + condition.sql() + ") as matches from audit_record r"
                                + " where seq between :from and :to order by seq",
                        params,
                        (RowCallbackHandler) rs -> {
                            if (!sink.accept(map(rs), rs.getBoolean("matches"))) {
                                throw new StopStreaming();
                            }
                        });
            } catch (StopStreaming stop) {
                // the sink has what it needs
            }
        });
    }

    /** Receives streamed records; returns false to stop. */
    @FunctionalInterface
    public interface RangeSink {
        boolean accept(AuditEntry entry, boolean matches);
    }

    private static final class StopStreaming extends RuntimeException {
        StopStreaming() {
            super(null, null, false, false);
        }
    }

    static AuditEntry map(ResultSet rs) throws SQLException {
        return new AuditEntry(
                rs.getLong("seq"),
                rs.getString("event_id"),
                rs.getString("event_type"),
                rs.getString("source"),
                rs.getString("subject"),
                rs.getString("release_id"),
                rs.getObject("event_time", OffsetDateTime.class).toInstant(),
                rs.getString("topic"),
                rs.getString("actor"),
                rs.getObject("recorded_at", OffsetDateTime.class).toInstant(),
                CanonicalJson.read(rs.getString("data")),
                rs.getString("prev_hash"),
                rs.getString("hash"));
    }
}
