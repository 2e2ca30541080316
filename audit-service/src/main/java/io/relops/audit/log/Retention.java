package io.relops.audit.log;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.relops.common.audit.AuditChain;
import io.relops.common.audit.Checkpoint;
import io.relops.common.audit.RetentionChecks;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Retention: removes the oldest records once they are past their type's period ({@code
 * relops.audit.retention}), leaving a signed retention checkpoint of the last removed record so the
 * rest of the log still verifies from its first retained record.
 *
 * <p>The chain is pruned as a prefix: the records from the start of the log up to (not including) the
 * first record still within its type's period, and never the newest record. A record with a longer
 * period therefore keeps the records after it, whatever their type, until it expires itself. Pruning
 * runs as the maintenance role ({@code relops.audit.database.maintainer-user}) on a connection of its
 * own, through {@code audit_prune()}, the log's only delete path (see {@code V5__retention.sql}); the
 * writing role cannot delete.
 */
@Component
public class Retention {

    private static final Logger log = LoggerFactory.getLogger(Retention.class);
    private static final int CHUNK = 10_000;

    private final JdbcTemplate maintainer;
    private final SigningKey key;
    private final AuditStore store;
    private final AuditProperties.Retention retention;
    private final Clock clock;
    private final Counter pruned;

    Retention(
            @Value("${spring.datasource.url}") String url,
            AuditProperties properties,
            SigningKey key,
            AuditStore store,
            MeterRegistry meters) {
        this.store = store;
        SimpleDriverDataSource dataSource = new SimpleDriverDataSource(
                new Driver(),
                url,
                properties.database().maintainerUser(),
                properties.database().maintainerPassword());
        dataSource.setSchema("audit");
        this.maintainer = new JdbcTemplate(dataSource);
        this.key = key;
        this.retention = properties.retention();
        this.clock = Clock.systemUTC();
        this.pruned = meters.counter("relops.audit.pruned");
    }

    @Scheduled(
            fixedDelayString = "${relops.audit.retention.interval:1h}",
            initialDelayString = "${relops.audit.retention.interval:1h}")
    void pruneExpired() {
        try {
            prune(clock.instant());
        } catch (RuntimeException e) {
            log.warn("could not prune the audit log, will retry: {}", e.getMessage());
        }
    }

    /**
     * Prunes the records that are past their type's period at {@code now}; returns how many.
     *
     * @param now the current time (a parameter so that tests can move it)
     */
    public long prune(Instant now) {
        long firstRemaining = 0;
        long lastExpired = 0;
        String lastExpiredHash = null;
        Map<String, Instant> newest = new TreeMap<>();
        long head = head();
        scan:
        for (long after = 0; ; ) {
            List<Candidate> chunk = maintainer.query(
                    "select seq, event_type, recorded_at, hash from audit_record where seq > ? order by seq limit ?",
                    (rs, n) -> new Candidate(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getObject(3, OffsetDateTime.class).toInstant(),
                            rs.getString(4)),
                    after,
                    CHUNK);
            for (Candidate candidate : chunk) {
                if (firstRemaining == 0) {
                    firstRemaining = candidate.seq();
                }
                if (candidate.seq() >= head
                        || candidate
                                .recordedAt()
                                .plus(retention.periodOf(candidate.type()))
                                .isAfter(now)) {
                    break scan; // the first record to keep: the chain is pruned as a prefix
                }
                lastExpired = candidate.seq();
                lastExpiredHash = candidate.hash();
                newest.merge(candidate.type(), candidate.recordedAt(), (a, b) -> a.isAfter(b) ? a : b);
            }
            if (chunk.size() < CHUNK) {
                break;
            }
            after = chunk.get(chunk.size() - 1).seq();
        }
        if (lastExpiredHash == null) {
            return 0;
        }
        Instant time = AuditChain.normalize(now);
        Checkpoint checkpoint = Checkpoint.signRetention(
                lastExpired,
                lastExpiredHash,
                time,
                new Checkpoint.Pruning(firstRemaining, retention.policy().canonical(), newest),
                key.privateKey(),
                key.keyId());
        // The database cannot verify Ed25519: what it is handed is verified here first, with the prunings before it,
        // as every verification will
        List<Checkpoint> prunings = new java.util.ArrayList<>(store.retentionCheckpoints());
        prunings.add(checkpoint);
        RetentionChecks.Outcome checked = RetentionChecks.check(prunings, key.verificationKeys());
        if (checked.failure() != null) {
            throw new IllegalStateException("not pruning: " + checked.failure().detail());
        }
        Checkpoint.Pruning pruning = java.util.Objects.requireNonNull(checkpoint.pruning());
        Long removed = maintainer.queryForObject(
                "select audit_prune(?, ?, ?, ?, ?, ?, ?, ?)",
                Long.class,
                pruning.from(),
                checkpoint.seq(),
                checkpoint.hash(),
                OffsetDateTime.ofInstant(checkpoint.time(), ZoneOffset.UTC),
                checkpoint.keyId(),
                pruning.policy(),
                pruning.newestJson(),
                checkpoint.signature());
        long count = removed == null ? 0 : removed;
        pruned.increment(count);
        log.info(
                "pruned {} audit records {} to {} (retention checkpoint signed with key {})",
                count,
                firstRemaining,
                lastExpired,
                key.keyId());
        return count;
    }

    private long head() {
        Long seq = maintainer.queryForObject("select coalesce(max(seq), 0) from audit_record", Long.class);
        return seq == null ? 0 : seq;
    }

    private record Candidate(long seq, String type, Instant recordedAt, String hash) {}
}
