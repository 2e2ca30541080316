package io.relops.backup.lifecycle;

import io.relops.backup.policy.BackupCatalog;
import io.relops.backup.policy.BackupSettings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.scheduling.support.CronTrigger;

/**
 * Cron schedules: each application's {@code backup.schedule}, and the retention sweep. Each run takes a ShedLock
 * lock (JDBC, the service's own database) so that it runs once across replicas; a scheduled backup's id is also
 * derived from its schedule slot, so even a replica that missed the lock cannot record it twice.
 */
public class BackupSchedules implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BackupSchedules.class);

    private final BackupCatalog catalog;
    private final BackupSettings settings;
    private final Backups backups;
    private final BackupEngine engine;
    private final LockingTaskExecutor locks;
    private final Clock clock;
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    private volatile boolean running;

    public BackupSchedules(
            BackupCatalog catalog,
            BackupSettings settings,
            Backups backups,
            BackupEngine engine,
            LockProvider lockProvider,
            Clock clock) {
        this.catalog = catalog;
        this.settings = settings;
        this.backups = backups;
        this.engine = engine;
        this.locks = new DefaultLockingTaskExecutor(lockProvider);
        this.clock = clock;
        scheduler.setPoolSize(1);
        scheduler.setThreadNamePrefix("backup-schedule-");
        scheduler.setClock(clock);
    }

    @Override
    public void start() {
        scheduler.initialize();
        for (BackupCatalog.Scope scope : catalog.scopes()) {
            BackupCatalog.BackupSpec spec = scope.spec();
            if (spec.schedule() == null || spec.schedule().isBlank() || scope.sameAsApplication()) {
                continue; // an environment that overrides nothing of the backup: the application's schedule
            }
            CronExpression cron = parse(scope.name(), spec.schedule());
            scheduler.schedule(
                    () -> runScheduled(scope.application(), scope.environment(), cron),
                    new CronTrigger(spec.schedule(), clock.getZone()));
            log.info("scheduled backups of {}: {}", scope.name(), spec.schedule());
        }
        scheduler.schedule(this::sweep, new CronTrigger(settings.retentionSweep(), clock.getZone()));
        running = true;
    }

    /**
     * Records the backup of the schedule slot that is due now, under a lock held by one replica; of {@code
     * application} in {@code environment}, or by its own settings when that is null.
     */
    void runScheduled(String application, @Nullable String environment, CronExpression cron) {
        Instant slot = slot(cron, clock.instant(), clock.getZone());
        String scope = environment == null ? application : application + "/" + environment;
        UUID backupId =
                UUID.nameUUIDFromBytes(("scheduled-backup/" + scope + "/" + slot).getBytes(StandardCharsets.UTF_8));
        locks.executeWithLock(
                (Runnable) () -> {
                    if (backups.requestScheduled(application, environment, backupId)) {
                        log.info("scheduled backup {} of {} for {}", backupId, scope, slot);
                    }
                },
                new LockConfiguration(
                        clock.instant(),
                        "backup-schedule-" + scope.replace('/', '-'),
                        Duration.ofMinutes(10),
                        Duration.ofSeconds(1)));
    }

    private void sweep() {
        locks.executeWithLock(
                (Runnable) () -> catalog.scopes().forEach(scope -> {
                    try {
                        engine.prune(scope.application(), scope.environment());
                    } catch (RuntimeException e) {
                        log.warn("retention sweep of {} failed: {}", scope.name(), e.getMessage());
                    }
                }),
                new LockConfiguration(
                        clock.instant(), "backup-retention-sweep", Duration.ofMinutes(30), Duration.ofSeconds(5)));
    }

    /**
     * The slot of {@code cron} a run at {@code now} belongs to: the latest fire time within the last second (runs
     * start a little after their slot), else {@code now} to the second.
     */
    static Instant slot(CronExpression cron, Instant now, ZoneId zone) {
        ZonedDateTime at = now.atZone(zone);
        ZonedDateTime candidate = cron.next(at.minusSeconds(1));
        return candidate != null && !candidate.isAfter(at)
                ? candidate.toInstant()
                : now.truncatedTo(ChronoUnit.SECONDS);
    }

    private static CronExpression parse(String application, String cron) {
        try {
            return CronExpression.parse(cron);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "backup.schedule of application '" + application + "' is not a cron expression: " + e.getMessage(),
                    e);
        }
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
}
