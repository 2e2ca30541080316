package io.relops.audit.log;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.relops.common.audit.AuditChain;
import io.relops.common.audit.AuditEntry;
import io.relops.common.audit.CanonicalJson;
import io.relops.common.audit.Checkpoint;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.EventJson;
import io.relops.common.codec.InvalidEventException;
import io.relops.common.event.RelopsEvent;
import java.io.IOException;
import java.io.StringReader;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.ConnectionCallback;
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
 * head+1, head+2, ..., hashes them, inserts them with one COPY and, when due, appends a signed
 * checkpoint. A failed transaction changes nothing, so sequence numbers stay gap-free. There is no
 * update or delete anywhere in the application.
 */
@Component
public class AuditWriter {

    private static final Logger log = LoggerFactory.getLogger(AuditWriter.class);
    private static final long CHAIN_LOCK = 0x617564697463L; // "auditc"
    private static final String COPY = "copy audit_record (seq, event_id, event_type, source, subject, release_id,"
            + " event_time, topic, actor, recorded_at, data, prev_hash, hash) from stdin";
    /** The data fields that name who acted: releases, backups and restores; silences and acknowledgements. */
    private static final List<String> ACTOR_FIELDS =
            List.of("requestedBy", "approvedBy", "rejectedBy", "createdBy", "updatedBy", "expiredBy", "acknowledgedBy");

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final SigningKey key;
    private final AuditProperties.Checkpoints checkpoints;
    private volatile Clock clock;
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

    /**
     * One consumed event, the topic it came from, and everything about it that does not depend on the
     * chain head (its data in canonical form, who acted): prepared by the consumer thread before the
     * writer lock is taken.
     */
    public record Incoming(
            RelopsEvent<?> event,
            String topic,
            JsonNode data,
            String canonicalData,
            @Nullable String actor) {

        /**
         * Prepares {@code event} for the log.
         *
         * @throws InvalidEventException when the data holds a NUL character, which {@code jsonb} cannot store
         */
        public static Incoming of(RelopsEvent<?> event, String topic) {
            return of(
                    new CloudEventCodec.Decoded(
                            event, CanonicalJson.read(EventJson.mapper().writeValueAsString(event.data()))),
                    topic);
        }

        /** Prepares a consumed event, recording its data as received. */
        public static Incoming of(CloudEventCodec.Decoded decoded, String topic) {
            RelopsEvent<?> event = decoded.event();
            JsonNode data = decoded.data();
            String canonical = CanonicalJson.string(data);
            if (canonical.contains("\\u0000")) {
                throw new InvalidEventException("event " + event.id() + ": its data contains a NUL character"
                        + " (\\u0000), which the audit log (jsonb) cannot store");
            }
            return new Incoming(event, topic, data, canonical, actorOf(data));
        }
    }

    /** Records from now on with {@code clock}'s time (tests: records of a given age). */
    void useClock(Clock clock) {
        this.clock = clock;
    }

    /**
     * Appends the events not recorded yet, in the given order, and returns how many it added.
     * Redeliveries (ids already in the log, or repeated within the batch) add nothing.
     */
    public int append(List<Incoming> batch) {
        if (batch.isEmpty()) {
            return 0;
        }
        Map<String, Incoming> unique = new LinkedHashMap<>();
        for (Incoming incoming : batch) {
            unique.putIfAbsent(incoming.event().id(), incoming);
        }
        writerLock.lock();
        try {
            Integer added = tx.execute(status -> appendLocked(unique));
            int appended = added == null ? 0 : added;
            recorded.increment(appended);
            duplicates.increment(batch.size() - appended);
            return appended;
        } finally {
            writerLock.unlock();
        }
    }

    private int appendLocked(Map<String, Incoming> unique) {
        lockChain();
        Set<String> known = new HashSet<>(
                jdbc.queryForList("select event_id from audit_record where event_id = any(?)", String.class, (Object)
                        unique.keySet().toArray(String[]::new)));
        Head head = head();
        Instant now = AuditChain.normalize(clock.instant());
        StringBuilder rows = new StringBuilder(unique.size() * 512);
        String previous = head.hash();
        long seq = head.seq();
        int added = 0;
        for (Incoming incoming : unique.values()) {
            RelopsEvent<?> event = incoming.event();
            if (known.contains(event.id())) {
                continue;
            }
            AuditEntry entry = new AuditEntry(
                            ++seq,
                            event.id(),
                            event.type().typeName(),
                            event.source().toString(),
                            event.subject(),
                            event.releaseId() == null ? null : event.releaseId().toString(),
                            AuditChain.normalize(event.time().toInstant()),
                            incoming.topic(),
                            incoming.actor(),
                            now,
                            incoming.data(),
                            previous,
                            "")
                    .chainedAfter(previous, incoming.canonicalData());
            previous = entry.hash();
            copyRow(rows, entry, incoming.canonicalData());
            added++;
        }
        if (added > 0) {
            copy(rows.toString());
            Head newHead = new Head(seq, previous);
            if (newHead.seq() - lastCheckpointSeq() >= checkpoints.everyRecords()) {
                writeCheckpoint(newHead, now);
            }
        }
        return added;
    }

    /** One batch in one COPY (PostgreSQL's bulk load: no statement per row, one round trip). */
    private void copy(String rows) {
        jdbc.execute((ConnectionCallback<Long>) connection -> {
            try {
                return connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY, new StringReader(rows));
            } catch (IOException e) {
                throw new SQLException("COPY into audit_record failed", e);
            }
        });
    }

    /** A row in COPY's text format: tab-separated, {@code \N} for null, backslash escapes. */
    private static void copyRow(StringBuilder rows, AuditEntry entry, String canonicalData) {
        rows.append(entry.seq());
        field(rows, entry.id());
        field(rows, entry.type());
        field(rows, entry.source());
        field(rows, entry.subject());
        field(rows, entry.releaseId());
        field(rows, AuditChain.formatTime(entry.time()));
        field(rows, entry.topic());
        field(rows, entry.actor());
        field(rows, AuditChain.formatTime(entry.recordedAt()));
        field(rows, canonicalData);
        field(rows, entry.prevHash());
        field(rows, entry.hash());
        rows.append('\n');
    }

    private static void field(StringBuilder rows, @Nullable String value) {
        rows.append('\t');
        if (value == null) {
            rows.append("\\N");
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> rows.append("\\\\");
                case '\t' -> rows.append("\\t");
                case '\n' -> rows.append("\\n");
                case '\r' -> rows.append("\\r");
                default -> rows.append(c);
            }
        }
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
                "insert into audit_checkpoint (seq, hash, checkpoint_time, kind, key_id, signature, format)"
                        + " values (?, ?, ?, ?, ?, ?, ?)",
                checkpoint.seq(),
                checkpoint.hash(),
                OffsetDateTime.ofInstant(checkpoint.time(), ZoneOffset.UTC),
                checkpoint.kind(),
                checkpoint.keyId(),
                checkpoint.signature(),
                checkpoint.format());
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
