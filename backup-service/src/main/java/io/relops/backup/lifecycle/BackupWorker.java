package io.relops.backup.lifecycle;

import io.relops.backup.policy.BackupSettings;
import io.relops.platform.tracing.TraceContexts;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Runs the catalog's waiting work: backups, verifications, restores, then retention for the applications touched,
 * and the deletion of artifacts left by a prune an outage cut short.
 * Work is claimed in PostgreSQL ({@code for update skip locked}), so replicas share it and each item runs once; an
 * item whose instance died is taken over once it stops reporting progress. Polls on a fixed delay, and at once after
 * a commit that queued work ({@link #kickAfterCommit()}).
 */
public class BackupWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BackupWorker.class);

    private final BackupRepository repository;
    private final BackupEngine engine;
    private final BackupSettings settings;
    private final TraceContexts traces;
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    private final ThreadPoolTaskScheduler heartbeats = new ThreadPoolTaskScheduler();
    private volatile boolean running;

    public BackupWorker(
            BackupRepository repository, BackupEngine engine, BackupSettings settings, TraceContexts traces) {
        this.repository = repository;
        this.engine = engine;
        this.settings = settings;
        this.traces = traces;
        scheduler.setPoolSize(Math.max(1, settings.workers()));
        heartbeats.setPoolSize(1);
        heartbeats.setThreadNamePrefix("backup-heartbeat-");
        scheduler.setThreadNamePrefix("backup-worker-");
    }

    /** Runs waiting work soon after the current transaction commits (or now, outside one). */
    public void kickAfterCommit() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    kick();
                }
            });
        } else {
            kick();
        }
    }

    private void kick() {
        if (running) {
            scheduler.execute(this::drainQuietly);
        }
    }

    private void drainQuietly() {
        try {
            drain();
        } catch (RuntimeException e) {
            log.warn("backup worker: {}", e.getMessage(), e);
        }
    }

    /** Runs everything waiting; returns how many items it ran. */
    public int drain() {
        int done = 0;
        Set<Touched> touched = new HashSet<>();
        while (true) {
            Optional<BackupRecord> backup = repository.claimBackup(settings.staleAfter());
            if (backup.isPresent()) {
                UUID id = backup.get().id();
                AtomicLong bytesDone = new AtomicLong();
                try (Heartbeat beat =
                        heartbeat(() -> repository.progress(id, bytesDone.get()), settings.progressInterval())) {
                    // in the trace it was requested in: a pre-deploy backup belongs to its release's trace
                    traces.inSpan(
                            repository.traceparentOf(id), "backup", () -> engine.takeBackup(backup.get(), bytesDone));
                }
                touched.add(new Touched(backup.get().application(), backup.get().environment()));
                done++;
                continue;
            }
            Optional<BackupRecord> verification = repository.claimVerification(settings.staleAfter());
            if (verification.isPresent()) {
                UUID id = verification.get().id();
                try (Heartbeat beat = heartbeat(() -> repository.verifyHeartbeat(id), settings.staleAfter())) {
                    engine.verify(verification.get());
                }
                touched.add(new Touched(
                        verification.get().application(), verification.get().environment()));
                done++;
                continue;
            }
            Optional<RestoreRecord> restore = repository.claimRestore(settings.staleAfter());
            if (restore.isPresent()) {
                UUID id = restore.get().id();
                try (Heartbeat beat = heartbeat(() -> repository.restoreHeartbeat(id), settings.staleAfter())) {
                    engine.restore(restore.get());
                }
                done++;
                continue;
            }
            break;
        }
        touched.forEach(scope -> engine.prune(scope.application(), scope.environment()));
        // a prune cut short (the database or the store gone between recording it and deleting the artifact)
        repository.applicationsWithPrunedArtifacts().forEach(engine::deletePrunedArtifacts);
        return done;
    }

    /**
     * Reports a running item alive every {@code interval}, and at least every third of {@code stale-after}, so that
     * no other worker takes it over while its tool is quiet (a long pg_restore, a lock wait). A backup's beat also
     * carries its progress: the bytes written so far.
     */
    private Heartbeat heartbeat(Runnable beat, Duration interval) {
        Duration third = settings.staleAfter().dividedBy(3);
        ScheduledFuture<?> future = heartbeats.scheduleAtFixedRate(
                () -> {
                    try {
                        beat.run();
                    } catch (RuntimeException e) {
                        log.warn("backup worker heartbeat: {}", e.getMessage());
                    }
                },
                interval.compareTo(third) < 0 ? interval : third);
        return () -> future.cancel(false);
    }

    private interface Heartbeat extends AutoCloseable {
        @Override
        void close();
    }

    @Override
    public void start() {
        heartbeats.initialize();
        scheduler.initialize();
        running = true;
        for (int i = 0; i < Math.max(1, settings.workers()); i++) {
            scheduler.scheduleWithFixedDelay(this::drainQuietly, settings.pollInterval());
        }
    }

    @Override
    public void stop() {
        running = false;
        scheduler.shutdown();
        heartbeats.shutdown();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** An application and environment whose backups changed: retention runs for it. */
    private record Touched(String application, @Nullable String environment) {}
}
