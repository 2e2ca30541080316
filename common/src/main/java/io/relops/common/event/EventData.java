package io.relops.common.event;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The data of one relops event: a past-tense fact. Every event concerns one application (the
 * CloudEvents {@code subject} and the Kafka record key); many concern one release.
 */
public sealed interface EventData
        permits ReleaseRequested,
                ReleaseApproved,
                ReleaseRejected,
                BackupRequested,
                BackupCompleted,
                BackupFailed,
                BackupVerified,
                BackupPruned,
                RestoreRequested,
                RestoreCompleted,
                RestoreFailed,
                DeploymentStarted,
                DeploymentReady,
                DeploymentFailed,
                TrafficShifted,
                HealthVerified,
                HealthFailed,
                HealthInconclusive,
                ReleaseCompleted,
                RollbackRequested,
                ReleasePromotionRequested,
                ReleaseAbortRequested,
                RollbackCompleted,
                RollbackFailed,
                AlertNotified,
                AlertResolved,
                AlertAcknowledged,
                SilenceCreated,
                SilenceUpdated,
                SilenceExpired {

    /** The application this fact is about. */
    String application();

    /** The release this fact belongs to, if any (the {@code releaseid} CloudEvents extension). */
    default @Nullable UUID releaseId() {
        return null;
    }
}
