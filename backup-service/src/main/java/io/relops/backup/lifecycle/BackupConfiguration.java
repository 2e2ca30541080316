package io.relops.backup.lifecycle;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.relops.backup.driver.BackupDriver;
import io.relops.backup.driver.ClientTools;
import io.relops.backup.driver.FilesystemDriver;
import io.relops.backup.driver.PostgresDriver;
import io.relops.backup.policy.BackupCatalog;
import io.relops.backup.policy.BackupSettings;
import io.relops.backup.storage.ArtifactStore;
import io.relops.backup.storage.Encryption;
import io.relops.backup.storage.Stores;
import io.relops.platform.events.Outbox;
import io.relops.platform.tracing.TraceContexts;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires drivers, storage, the engine, its worker and its schedules. */
@Configuration(proxyBeanMethods = false)
class BackupConfiguration {

    @Bean
    static Clock backupClock() {
        return Clock.systemUTC();
    }

    @Bean
    PostgresDriver postgresDriver(BackupSettings settings) {
        return new PostgresDriver(new ClientTools(settings.postgres().binDir()));
    }

    @Bean
    FilesystemDriver filesystemDriver() {
        return new FilesystemDriver();
    }

    @Bean
    ArtifactStore artifactStore(BackupSettings settings) {
        return Stores.create(settings.storage());
    }

    @Bean
    BackupEngine backupEngine(
            BackupCatalog catalog,
            BackupSettings settings,
            List<BackupDriver> drivers,
            ArtifactStore store,
            BackupRepository repository,
            Outbox outbox,
            TransactionTemplate tx,
            MeterRegistry metrics,
            ObjectProvider<Clock> clock)
            throws IOException {
        String key = settings.storage().encryptionKey();
        Encryption encryption = key == null || key.isBlank() ? null : Encryption.fromBase64Key(key);
        return new BackupEngine(
                catalog, settings, drivers, store, encryption, repository, outbox, tx, metrics, clock.getObject());
    }

    @Bean
    BackupWorker backupWorker(
            BackupRepository repository, BackupEngine engine, BackupSettings settings, TraceContexts traces) {
        return new BackupWorker(repository, engine, settings, traces);
    }

    @Bean
    LockProvider backupLockProvider(DataSource dataSource) {
        return new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(dataSource))
                .usingDbTime()
                .build());
    }

    @Bean
    BackupSchedules backupSchedules(
            BackupCatalog catalog,
            BackupSettings settings,
            Backups backups,
            BackupEngine engine,
            LockProvider backupLockProvider,
            Clock clock) {
        return new BackupSchedules(catalog, settings, backups, engine, backupLockProvider, clock);
    }

    /**
     * {@code relops.backup.newest.verified.age}: how old the newest verified backup of each application is; and
     * {@code relops.backup.rpo}: how old it may be (the catalog's {@code backup.rpo}, 1 h by default where backups are
     * scheduled), which {@code RelopsBackupOlderThanRpo} compares it with.
     */
    @Bean
    NewestVerifiedAge newestVerifiedAge(
            BackupCatalog catalog, BackupRepository repository, MeterRegistry metrics, Clock clock) {
        return new NewestVerifiedAge(catalog, repository, metrics, clock);
    }

    static final class NewestVerifiedAge {
        private final BackupCatalog catalog;
        private final BackupRepository repository;
        private final MeterRegistry metrics;
        private final Clock clock;

        NewestVerifiedAge(BackupCatalog catalog, BackupRepository repository, MeterRegistry metrics, Clock clock) {
            this.catalog = catalog;
            this.repository = repository;
            this.metrics = metrics;
            this.clock = clock;
        }

        @EventListener(ApplicationReadyEvent.class)
        void register() {
            catalog.all().forEach((application, app) -> {
                if (app.backup() != null) {
                    Gauge.builder("relops.backup.newest.verified.age", () -> age(application))
                            .description("age of the newest verified backup (NaN when there is none)")
                            .baseUnit("seconds")
                            .tag("application", application)
                            .register(metrics);
                    Duration rpo = app.backup().objective();
                    if (rpo != null) {
                        Gauge.builder("relops.backup.rpo", rpo::toSeconds)
                                .description("the recovery point objective: how old the newest verified backup may be")
                                .baseUnit("seconds")
                                .tag("application", application)
                                .register(metrics);
                    }
                }
            });
        }

        private double age(String application) {
            Optional<java.time.Instant> newest = repository.newestVerified(application);
            return newest.map(t -> (double) Duration.between(t, clock.instant()).toSeconds())
                    .orElse(Double.NaN);
        }
    }
}
