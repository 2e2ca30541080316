package io.relops.backup.lifecycle;

import io.relops.backup.policy.BackupCatalog;
import io.relops.common.codec.EventSignature;
import io.relops.common.event.BackupFailed;
import io.relops.common.event.BackupRequested;
import io.relops.common.event.DeploymentFailed;
import io.relops.common.event.ReleaseCompleted;
import io.relops.common.event.ReleaseRejected;
import io.relops.common.event.ReleaseRequested;
import io.relops.common.event.RelopsEvent;
import io.relops.common.event.RestoreFailed;
import io.relops.common.event.RestoreRequested;
import io.relops.common.event.RollbackCompleted;
import io.relops.common.event.RollbackFailed;
import io.relops.platform.events.AuthorityCheck;
import io.relops.platform.events.InboundEvents;
import io.relops.platform.events.Outbox;
import io.relops.platform.events.ProcessedEvents;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What asks for backups and restores: {@code release.requested} for applications whose catalog entry says {@code
 * backup.before-deploy} (the release id travels to {@code backup.completed}), {@code backup.requested} (gateway,
 * schedules, the API), {@code restore.requested}, and {@code rollback.completed} for applications with {@code
 * backup.restore-on-rollback}. Each request is recorded in the catalog in the transaction that marks its event
 * consumed; the {@link BackupWorker} then does the work. Releases in progress are tracked so that retention never
 * prunes their pre-deploy backup.
 */
@Service
public class Backups {

    private static final Logger log = LoggerFactory.getLogger(Backups.class);

    private final BackupCatalog catalog;
    private final BackupRepository repository;
    private final ProcessedEvents processed;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final BackupWorker worker;
    private final BackupEngine engine;
    private final Clock clock;
    private final AuthorityCheck authority;

    Backups(
            BackupCatalog catalog,
            BackupRepository repository,
            ProcessedEvents processed,
            Outbox outbox,
            TransactionTemplate tx,
            BackupWorker worker,
            BackupEngine engine,
            Clock clock,
            AuthorityCheck authority) {
        this.catalog = catalog;
        this.repository = repository;
        this.processed = processed;
        this.outbox = outbox;
        this.tx = tx;
        this.worker = worker;
        this.engine = engine;
        this.clock = clock;
        this.authority = authority;
    }

    @Bean
    static Consumer<Message<byte[]>> onReleaseEvent(InboundEvents inbound, Backups backups) {
        return message -> inbound.handle(message, backups::onReleaseEvent);
    }

    @Bean
    static Consumer<Message<byte[]>> onBackupEvent(InboundEvents inbound, Backups backups) {
        return message -> inbound.handleSigned(message, backups::onBackupEvent);
    }

    void onReleaseEvent(RelopsEvent<?> event) {
        tx.executeWithoutResult(status -> {
            if (!processed.markProcessed(event)) {
                return;
            }
            if (event.data() instanceof ReleaseRequested release) {
                BackupCatalog.BackupSpec spec = catalog.backup(release.application(), release.environment());
                if (spec != null && spec.beforeDeploy()) {
                    repository.releaseStarted(release.releaseId(), release.application(), clock.instant());
                    UUID backupId = UUID.fromString(RelopsEvent.derivedId(event.id(), "pre-deploy-backup"));
                    record(
                            backupId,
                            release.application(),
                            release.environment(),
                            release.releaseId(),
                            "pre-deploy",
                            release.requestedBy());
                }
            } else if (event.data() instanceof RollbackCompleted rollback) {
                repository.releaseEnded(rollback.releaseId());
                restoreOnRollback(event, rollback);
            } else if (event.data() instanceof ReleaseCompleted completed) {
                repository.releaseEnded(completed.releaseId());
            } else if (event.data() instanceof ReleaseRejected rejected) {
                repository.releaseEnded(rejected.releaseId());
            } else if (event.data() instanceof RollbackFailed failed) {
                repository.releaseEnded(failed.releaseId());
            } else if (event.data() instanceof DeploymentFailed failed) {
                repository.releaseEnded(failed.releaseId());
            }
        });
    }

    /**
     * A backup request, or a restore request. A restore this service's API recorded already (its own event, in
     * the same transaction) is nothing to do; any other is acted on only when the gateway signed it for an admin
     * ({@link AuthorityCheck}), else refused to the dead-letter topic.
     */
    void onBackupEvent(RelopsEvent<?> event, @Nullable EventSignature signature) {
        if (event.data() instanceof BackupRequested request) {
            tx.executeWithoutResult(status -> {
                if (processed.markProcessed(event)) {
                    record(
                            request.backupId(),
                            request.application(),
                            request.environment(),
                            request.releaseId(),
                            request.trigger(),
                            request.requestedBy());
                }
            });
        } else if (event.data() instanceof RestoreRequested request) {
            if (repository.findRestore(request.restoreId()).isEmpty()) {
                authority.require(event, signature, Set.of("admin"));
            }
            tx.executeWithoutResult(status -> {
                if (processed.markProcessed(event)) {
                    recordRestore(request, null, "api");
                }
            });
        }
    }

    /**
     * Asks for a backup of {@code application} in {@code environment} (null: by the application's own settings) now
     * (the API). Publishes {@code backup.requested}, so the request is audited, and records it; the consumer of that
     * event finds it recorded already.
     */
    public BackupRecord request(String application, @Nullable String environment, String requestedBy) {
        BackupCatalog.BackupSpec spec = catalog.backup(application, environment);
        if (spec == null) {
            throw new InvalidRequest(
                    "application", "application '" + application + "' has no backup policy in the catalog");
        }
        if (!engine.hasDriver(spec.driver())) {
            throw new InvalidRequest(
                    "application",
                    "application '" + application + "' names backup driver '" + spec.driver()
                            + "', which does not exist (drivers: " + engine.driverNames() + ")");
        }
        UUID backupId = UUID.randomUUID();
        BackupRequested request = new BackupRequested(backupId, application, null, "manual", requestedBy, environment);
        tx.executeWithoutResult(status -> {
            outbox.append(RelopsEvent.of(BackupEngine.SOURCE, request));
            record(backupId, application, environment, null, "manual", requestedBy);
        });
        return repository.find(backupId).orElseThrow();
    }

    /** Asks for a restore of a completed backup (the API). */
    public RestoreRecord requestRestore(UUID backupId, String requestedBy) {
        BackupRecord backup = repository.find(backupId).orElseThrow(() -> new BackupNotFound(backupId));
        if (backup.status() != BackupStatus.COMPLETED) {
            throw new InvalidRequest(
                    "backupId",
                    "backup " + backupId + " is " + backup.status() + "; only a COMPLETED backup can be restored");
        }
        RestoreRequested request = new RestoreRequested(UUID.randomUUID(), backupId, backup.application(), requestedBy);
        tx.executeWithoutResult(status -> {
            outbox.append(RelopsEvent.of(BackupEngine.SOURCE, request));
            recordRestore(request, null, "api");
        });
        return repository.findRestore(request.restoreId()).orElseThrow();
    }

    /** Asks for a verification of a completed backup (the API). */
    public BackupRecord requestVerification(UUID backupId) {
        BackupRecord backup = repository.find(backupId).orElseThrow(() -> new BackupNotFound(backupId));
        tx.executeWithoutResult(status -> {
            if (!repository.requestVerification(backupId)) {
                throw new InvalidRequest(
                        "backupId",
                        "backup " + backupId + " is " + backup.status() + "; only a COMPLETED backup can be verified");
            }
            worker.kickAfterCommit();
        });
        return repository.find(backupId).orElseThrow();
    }

    /** Records a scheduled backup; the id is derived from the schedule's slot, so replicas record it once. */
    public boolean requestScheduled(String application, @Nullable String environment, UUID backupId) {
        Boolean recorded = tx.execute(status -> {
            if (repository.find(backupId).isPresent()) {
                return false;
            }
            outbox.append(RelopsEvent.withId(
                    RelopsEvent.derivedId(backupId.toString(), "schedule"),
                    BackupEngine.SOURCE,
                    new BackupRequested(backupId, application, null, "schedule", "schedule", environment)));
            return record(backupId, application, environment, null, "schedule", "schedule");
        });
        return Boolean.TRUE.equals(recorded);
    }

    private void restoreOnRollback(RelopsEvent<?> event, RollbackCompleted rollback) {
        BackupCatalog.BackupSpec spec = catalog.backup(rollback.application(), rollback.environment());
        if (spec == null || !spec.restoreOnRollback()) {
            return;
        }
        Optional<BackupRecord> backup = repository.preDeployBackup(rollback.releaseId());
        if (backup.isEmpty()) {
            log.warn(
                    "release {} of {} was rolled back, but it has no completed pre-deploy backup to restore",
                    rollback.releaseId(),
                    rollback.application());
            return;
        }
        UUID restoreId = UUID.fromString(RelopsEvent.derivedId(event.id(), "restore-on-rollback"));
        recordRestore(
                new RestoreRequested(restoreId, backup.get().id(), rollback.application(), "rollback"),
                rollback.releaseId(),
                "rollback");
    }

    private boolean record(
            UUID backupId,
            String application,
            @Nullable String environment,
            @Nullable UUID releaseId,
            String trigger,
            String requestedBy) {
        BackupCatalog.BackupSpec spec = catalog.backup(application, environment);
        boolean recorded;
        if (spec == null || !engine.hasDriver(spec.driver())) {
            String reason = spec == null
                    ? "application '" + application + "' has no backup policy in the catalog"
                    : "application '" + application + "' names backup driver '" + spec.driver()
                            + "', which does not exist (drivers: " + engine.driverNames() + ")";
            recorded = repository.insertFailed(
                    backupId, application, environment, releaseId, trigger, requestedBy, reason);
            if (recorded) {
                outbox.append(RelopsEvent.withId(
                        RelopsEvent.derivedId(backupId.toString(), "backup-outcome"),
                        BackupEngine.SOURCE,
                        new BackupFailed(backupId, application, releaseId, reason)));
                log.warn("backup {} of {} refused: {}", backupId, application, reason);
            }
        } else {
            recorded = repository.insertRequest(
                    backupId, application, environment, releaseId, trigger, requestedBy, spec.driver());
            worker.kickAfterCommit();
        }
        return recorded;
    }

    private void recordRestore(RestoreRequested request, @Nullable UUID releaseId, String trigger) {
        if (repository.find(request.backupId()).isPresent()) {
            repository.insertRestore(
                    request.restoreId(),
                    request.backupId(),
                    request.application(),
                    releaseId,
                    trigger,
                    request.requestedBy());
            worker.kickAfterCommit();
        } else {
            outbox.append(RelopsEvent.withId(
                    RelopsEvent.derivedId(request.restoreId().toString(), "restore-outcome"),
                    BackupEngine.SOURCE,
                    new RestoreFailed(
                            request.restoreId(),
                            request.backupId(),
                            request.application(),
                            "no backup " + request.backupId() + " in the catalog")));
            log.warn("restore {} refers to unknown backup {}", request.restoreId(), request.backupId());
        }
    }

    /** A request names something the API cannot act on; answered 400 with the field. */
    public static class InvalidRequest extends RuntimeException {
        private final String field;

        InvalidRequest(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** No backup with this id; answered 404. */
    public static class BackupNotFound extends RuntimeException {
        BackupNotFound(UUID id) {
            super("no backup " + id);
        }
    }
}
