package io.relops.audit.log;

import io.relops.common.audit.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The log verifies itself every {@code relops.audit.verification.interval} (default 15 min), once across replicas
 * (ShedLock), incrementally: from the last checkpoint the previous run verified (remembered in {@code
 * audit_verification}) to the head, every retention checkpoint, and the head against the anchor topic. Each run
 * counts in {@code relops.audit.verifications{outcome}}, which {@code RelopsAuditVerificationFailing} watches.
 * A failed run keeps its position, so the next one fails too until the log is repaired or explained.
 */
@Component
public class ScheduledVerification {

    private static final Logger log = LoggerFactory.getLogger(ScheduledVerification.class);
    static final String NAME = "scheduled";

    private final AuditVerifier verifier;
    private final AuditStore store;
    private final JdbcTemplate jdbc;
    private final LockingTaskExecutor locks;
    private final Duration lockAtMostFor;

    ScheduledVerification(
            AuditVerifier verifier,
            AuditStore store,
            JdbcTemplate jdbc,
            LockProvider auditLockProvider,
            AuditProperties properties) {
        this.verifier = verifier;
        this.store = store;
        this.jdbc = jdbc;
        this.locks = new DefaultLockingTaskExecutor(auditLockProvider);
        this.lockAtMostFor = properties.verification().lockAtMostFor();
    }

    @Scheduled(
            fixedDelayString = "${relops.audit.verification.interval:15m}",
            initialDelayString = "${relops.audit.verification.initial-delay:1m}")
    void verifyOnSchedule() {
        try {
            locks.executeWithLock(
                    (Runnable) this::verifyNow,
                    new LockConfiguration(Instant.now(), "audit-verification", lockAtMostFor, Duration.ZERO));
        } catch (RuntimeException e) {
            log.warn("the scheduled verification of the audit log could not run, will retry: {}", e.getMessage());
        }
    }

    /** Verifies from the last verified checkpoint to the head, now; returns the verdict. */
    public Verdict verifyNow() {
        long position = position().orElse(0L);
        Verdict verdict = verifier.verify(position + 1, null);
        if (verdict.valid()) {
            long verifiedTo = Math.max(position, store.checkpointAtOrBefore(verdict.lastSeq()));
            jdbc.update(
                    "insert into audit_verification (name, verified_to, verified_at) values (?, ?, now())"
                            + " on conflict (name) do update set verified_to = excluded.verified_to,"
                            + " verified_at = excluded.verified_at",
                    NAME,
                    verifiedTo);
            log.info(
                    "the audit log verifies from seq {} to {}; next run from checkpoint {}",
                    position + 1,
                    verdict.lastSeq(),
                    verifiedTo);
        }
        return verdict;
    }

    /** The seq of the last checkpoint a scheduled run verified. */
    public Optional<Long> position() {
        List<Long> found =
                jdbc.queryForList("select verified_to from audit_verification where name = ?", Long.class, NAME);
        return found.stream().findFirst();
    }
}
