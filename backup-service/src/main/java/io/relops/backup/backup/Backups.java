package io.relops.backup.backup;

import io.relops.common.codec.CloudEventCodec;
import io.relops.common.event.BackupFailed;
import io.relops.common.event.BackupRequested;
import io.relops.common.event.ReleaseRequested;
import io.relops.common.event.RelopsEvent;
import io.relops.platform.events.InboundEvents;
import io.relops.platform.events.Outbox;
import io.relops.platform.events.ProcessedEvents;
import java.net.URI;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Takes the backups that are asked for: on {@code backup.requested}, and on {@code
 * release.requested} for applications whose catalog entry says {@code backup.before-deploy}. This
 * foundation records every request and answers it; no backup driver exists yet, so each request is
 * answered with {@code backup.failed} naming the missing driver (drivers come with the backup
 * issue). An application without a backup policy is never blocked by this service.
 */
@Service
public class Backups {

    static final URI SOURCE = CloudEventCodec.sourceOf("backup");
    private static final Logger log = LoggerFactory.getLogger(Backups.class);

    private final BackupCatalog catalog;
    private final JdbcClient jdbc;
    private final ProcessedEvents processed;
    private final Outbox outbox;
    private final TransactionTemplate tx;

    Backups(BackupCatalog catalog, JdbcClient jdbc, ProcessedEvents processed, Outbox outbox, TransactionTemplate tx) {
        this.catalog = catalog;
        this.jdbc = jdbc;
        this.processed = processed;
        this.outbox = outbox;
        this.tx = tx;
    }

    @Bean
    static Consumer<Message<byte[]>> onReleaseEvent(InboundEvents inbound, Backups backups) {
        return message -> inbound.handle(message, backups::onReleaseEvent);
    }

    @Bean
    static Consumer<Message<byte[]>> onBackupEvent(InboundEvents inbound, Backups backups) {
        return message -> inbound.handle(message, backups::onBackupEvent);
    }

    void onReleaseEvent(RelopsEvent<?> event) {
        if (event.data() instanceof ReleaseRequested release) {
            BackupCatalog.BackupSpec spec = catalog.backup(release.application());
            if (spec != null && spec.beforeDeploy()) {
                UUID backupId = UUID.fromString(RelopsEvent.derivedId(event.id(), "pre-deploy-backup"));
                take(
                        event,
                        new BackupRequested(
                                backupId,
                                release.application(),
                                release.releaseId(),
                                "pre-deploy",
                                release.requestedBy()));
            }
        }
    }

    void onBackupEvent(RelopsEvent<?> event) {
        if (event.data() instanceof BackupRequested request) {
            take(event, request);
        }
    }

    private void take(RelopsEvent<?> cause, BackupRequested request) {
        tx.executeWithoutResult(status -> {
            if (!processed.markProcessed(cause)) {
                return;
            }
            BackupCatalog.BackupSpec spec = catalog.backup(request.application());
            String reason = spec == null
                    ? "application '" + request.application() + "' has no backup policy in the catalog"
                    : "backup driver '" + spec.driver() + "' is not available in this relops version";
            jdbc.sql("""
                            insert into backup (id, application, release_id, trigger, requested_by, status, reason)
                            values (?, ?, ?, ?, ?, 'FAILED', ?) on conflict (id) do nothing
                            """)
                    .params(
                            request.backupId(),
                            request.application(),
                            request.releaseId(),
                            request.trigger(),
                            request.requestedBy(),
                            reason)
                    .update();
            outbox.append(RelopsEvent.withId(
                    RelopsEvent.derivedId(cause.id(), "backup-outcome"),
                    SOURCE,
                    new BackupFailed(request.backupId(), request.application(), request.releaseId(), reason)));
            log.warn("backup {} of {} failed: {}", request.backupId(), request.application(), reason);
        });
    }
}
