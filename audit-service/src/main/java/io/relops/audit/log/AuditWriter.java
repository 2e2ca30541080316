package io.relops.audit.log;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.relops.common.audit.AuditChain;
import io.relops.common.audit.AuditEntry;
import io.relops.common.audit.CanonicalJson;
import io.relops.common.audit.Checkpoint;
import io.relops.common.codec.EventJson;
import io.relops.common.event.RelopsEvent;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The single writer of the chain. Every append runs under one lock: a JVM lock (the consumer threads
 * of this instance) and a PostgreSQL advisory transaction lock (the other replicas). Inside it, one
 * transaction reads the chain head, drops ids already recorded (redeliveries), numbers the new records
 * head+1, head+2, ..., hashes them, inserts them as one JDBC batch and, when due, appends a signed
 * checkpoint. A failed transaction changes nothing, so sequence numbers stay gap-free. There is no
 * update or delete anywhere in the application.
 */
@Component
public class AuditWriter {

    private static final Logger log = LoggerFactory.getLogger(AuditWriter.class);
    private static final long CHAIN_LOCK = 0x617564697463L; // "auditc"
    private static final String INSERT = """
            insert into audit_record (seq, event_id, event_type, source, subject, release_id, event_time, topic, actor,
                                      recorded_at, data, prev_hash, hash)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?, ?)""";
    private static final List<String> ACTOR_FIELDS = List.of("requestedBy", "approvedBy", "rejectedBy");

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final SigningKey key;
    private final AuditProperties.Checkpoints checkpoints;
    private final Clock clock;
    private final ReentrantLock writerLock = new ReentrantLock();
    private final Counter recorded;
    private final Counter duplicates;
    private final Counter checkpointsWritten;

    AuditWriter(
            JdbcTemplate jdbc,
            PlatformTransactionManager transactionManager,
            SigningKey key,
            AuditProperties properties,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactionManager);
        this.key = key;
        this.checkpoints = properties.checkpoint();
        this.clock = Clock.systemUTC();
        this.recorded = meters.counter("relops.audit.records", "outcome", "recorded");
        this.duplicates = meters.counter("relops.audit.records", "outcome", "duplicate");
        this.checkpointsWritten = meters.counter("relops.audit.checkpoints");
    }

    /** One consumed event and the topic it came from. */
    public record Incoming(RelopsEvent<?> event, String topic) {}

    /** The data of {@code event} as the JSON text that is stored. */
    public static String dataJson(RelopsEvent<?> event) {
        return EventJson.mapper().writeValueAsString(event.data());
    }

    /**
     * Appends the events not recorded yet, in the given order, and returns how many it added.
     * Redeliveries (ids already in the log, or repeated within the batch) add nothing.
     */
    public int append(List<Incoming> batch) {
        if (batch.isEmpty()) {
            return 0;
        }
        writerLock.lock();
        try {
            Integer added = tx.execute(status -> appendLocked(batch));
            return added == null ? 0 : added;
        } finally {
            writerLock.unlock();
        }
    }

    private int appendLocked(List<Incoming> batch) {
        lockChain();
        Map<String, Incoming> unique = new LinkedHashMap<>();
        for (Incoming incoming : batch) {
            unique.putIfAbsent(incoming.event().id(), incoming);
        }
        Set<String> known = new HashSet<>(
                jdbc.queryForList("select event_id from audit_record where event_id = any(?)", String.class, (Object)
                        unique.keySet().toArray(String[]::new)));
        Head head = head();
        Instant now = AuditChain.normalize(clock.instant());
        List<AuditEntry> entries = new ArrayList<>(unique.size());
        String previous = head.hash();
        long seq = head.seq();
        for (Incoming incoming : unique.values()) {
            if (known.contains(incoming.event().id())) {
                continue;
            }
            RelopsEvent<?> event = incoming.event();
            JsonNode data = CanonicalJson.read(dataJson(event));
            AuditEntry entry = new AuditEntry(
                            ++seq,
                            event.id(),
                            event.type().typeName(),
                            event.source().toString(),
                            event.subject(),
                            event.releaseId() == null ? null : event.releaseId().toString(),
                            AuditChain.normalize(event.time().toInstant()),
                            incoming.topic(),
                            actorOf(data),
                            now,
                            data,
                            previous,
                            "")
                    .chainedAfter(previous);
            previous = entry.hash();
            entries.add(entry);
        }
        if (!entries.isEmpty()) {
            jdbc.batchUpdate(INSERT, entries, entries.size(), AuditWriter::bind);
            Head newHead = new Head(seq, previous);
            if (newHead.seq() - lastCheckpointSeq() >= checkpoints.everyRecords()) {
                writeCheckpoint(newHead, now);
            }
        }
        recorded.increment(entries.size());
        duplicates.increment(batch.size() - entries.size());
        return entries.size();
    }

    private static void bind(PreparedStatement ps, AuditEntry entry) throws SQLException {
        ps.setLong(1, entry.seq());
        ps.setString(2, entry.id());
        ps.setString(3, entry.type());
        ps.setString(4, entry.source());
        ps.setString(5, entry.subject());
        ps.setString(6, entry.releaseId());
        ps.setObject(7, OffsetDateTime.ofInstant(entry.time(), ZoneOffset.UTC));
        ps.setString(8, entry.topic());
        ps.setString(9, entry.actor());
        ps.setObject(10, OffsetDateTime.ofInstant(entry.recordedAt(), ZoneOffset.UTC));
        ps.setString(11, CanonicalJson.string(entry.data()));
        ps.setString(12, entry.prevHash());
        ps.setString(13, entry.hash());
    }

    /** Who acted, where the event's data names one. */
    static @Nullable String actorOf(JsonNode data) {
        for (String field : ACTOR_FIELDS) {
            JsonNode value = data.get(field);
            if (value != null && value.isString() && !value.stringValue().isBlank()) {
                return value.stringValue();
            }
        }
        return null;
    }

    /**
     * Signs a checkpoint of the head when records arrived since the last one: at least every {@code
     * relops.audit.checkpoint.interval}. Runs on every replica; the chain lock and the check make it
     * write once.
     */
    @Scheduled(
            fixedDelayString = "${relops.audit.checkpoint.interval:10s}",
            initialDelayString = "${relops.audit.checkpoint.interval:10s}")
    public void checkpointIfBehind() {
        writerLock.lock();
        try {
            tx.executeWithoutResult(status -> {
                lockChain();
                Head head = head();
                if (head.seq() > lastCheckpointSeq()) {
                    writeCheckpoint(head, AuditChain.normalize(clock.instant()));
                }
            });
        } catch (RuntimeException e) {
            log.warn("could not write a periodic checkpoint, will retry: {}", e.getMessage());
        } finally {
            writerLock.unlock();
        }
    }

    private void writeCheckpoint(Head head, Instant time) {
        Checkpoint checkpoint =
                Checkpoint.sign(head.seq(), head.hash(), time, Checkpoint.PERIODIC, key.privateKey(), key.keyId());
        jdbc.update(
                "insert into audit_checkpoint (seq, hash, checkpoint_time, kind, key_id, signature) values (?, ?, ?, ?, ?, ?)",
                checkpoint.seq(),
                checkpoint.hash(),
                OffsetDateTime.ofInstant(checkpoint.time(), ZoneOffset.UTC),
                checkpoint.kind(),
                checkpoint.keyId(),
                checkpoint.signature());
        checkpointsWritten.increment();
    }

    private void lockChain() {
        jdbc.query("select pg_advisory_xact_lock(?)", rs -> {}, CHAIN_LOCK);
    }

    private long lastCheckpointSeq() {
        Long seq = jdbc.queryForObject("select coalesce(max(seq), 0) from audit_checkpoint", Long.class);
        return seq == null ? 0 : seq;
    }

    private Head head() {
        List<Head> heads = jdbc.query(
                "select seq, hash from audit_record order by seq desc limit 1",
                (rs, n) -> new Head(rs.getLong(1), rs.getString(2)));
        return heads.isEmpty() ? new Head(0, AuditChain.GENESIS) : heads.get(0);
    }

    record Head(long seq, String hash) {}
}
