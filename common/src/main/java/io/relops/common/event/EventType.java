package io.relops.common.event;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every event type of the contract: its CloudEvents {@code type}, the channel it travels on and the
 * record its data binds to. The JSON Schema of a type is {@code /schemas/<type>.json} on the
 * classpath of this module.
 */
public enum EventType {
    RELEASE_REQUESTED("io.relops.release.requested", Channel.RELEASE, ReleaseRequested.class),
    RELEASE_APPROVED("io.relops.release.approved", Channel.RELEASE, ReleaseApproved.class),
    RELEASE_REJECTED("io.relops.release.rejected", Channel.RELEASE, ReleaseRejected.class),
    RELEASE_PROMOTION_REQUESTED(
            "io.relops.release.promotion.requested", Channel.RELEASE, ReleasePromotionRequested.class),
    RELEASE_ABORT_REQUESTED("io.relops.release.abort.requested", Channel.RELEASE, ReleaseAbortRequested.class),
    RELEASE_COMPLETED("io.relops.release.completed", Channel.RELEASE, ReleaseCompleted.class),
    DEPLOYMENT_STARTED("io.relops.deployment.started", Channel.RELEASE, DeploymentStarted.class),
    DEPLOYMENT_READY("io.relops.deployment.ready", Channel.RELEASE, DeploymentReady.class),
    DEPLOYMENT_FAILED("io.relops.deployment.failed", Channel.RELEASE, DeploymentFailed.class),
    TRAFFIC_SHIFTED("io.relops.traffic.shifted", Channel.RELEASE, TrafficShifted.class),
    ROLLBACK_REQUESTED("io.relops.rollback.requested", Channel.RELEASE, RollbackRequested.class),
    ROLLBACK_COMPLETED("io.relops.rollback.completed", Channel.RELEASE, RollbackCompleted.class),
    ROLLBACK_FAILED("io.relops.rollback.failed", Channel.RELEASE, RollbackFailed.class),
    HEALTH_VERIFIED("io.relops.health.verified", Channel.HEALTH, HealthVerified.class),
    HEALTH_FAILED("io.relops.health.failed", Channel.HEALTH, HealthFailed.class),
    HEALTH_INCONCLUSIVE("io.relops.health.inconclusive", Channel.HEALTH, HealthInconclusive.class),
    BACKUP_REQUESTED("io.relops.backup.requested", Channel.BACKUP, BackupRequested.class),
    BACKUP_COMPLETED("io.relops.backup.completed", Channel.BACKUP, BackupCompleted.class),
    BACKUP_FAILED("io.relops.backup.failed", Channel.BACKUP, BackupFailed.class),
    BACKUP_VERIFIED("io.relops.backup.verified", Channel.BACKUP, BackupVerified.class),
    BACKUP_PRUNED("io.relops.backup.pruned", Channel.BACKUP, BackupPruned.class),
    RESTORE_REQUESTED("io.relops.restore.requested", Channel.BACKUP, RestoreRequested.class),
    RESTORE_COMPLETED("io.relops.restore.completed", Channel.BACKUP, RestoreCompleted.class),
    RESTORE_FAILED("io.relops.restore.failed", Channel.BACKUP, RestoreFailed.class),
    ALERT_NOTIFIED("io.relops.alert.notified", Channel.ALERT, AlertNotified.class),
    ALERT_RESOLVED("io.relops.alert.resolved", Channel.ALERT, AlertResolved.class),
    ALERT_ACKNOWLEDGED("io.relops.alert.acknowledged", Channel.ALERT, AlertAcknowledged.class),
    SILENCE_CREATED("io.relops.silence.created", Channel.ALERT, SilenceCreated.class),
    SILENCE_UPDATED("io.relops.silence.updated", Channel.ALERT, SilenceUpdated.class),
    SILENCE_EXPIRED("io.relops.silence.expired", Channel.ALERT, SilenceExpired.class);

    private static final Map<String, EventType> BY_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventType::typeName, Function.identity()));
    private static final Map<Class<?>, EventType> BY_DATA =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventType::dataType, Function.identity()));

    private final String typeName;
    private final Channel channel;
    private final Class<? extends EventData> dataType;

    EventType(String typeName, Channel channel, Class<? extends EventData> dataType) {
        this.typeName = typeName;
        this.channel = channel;
        this.dataType = dataType;
    }

    /** The CloudEvents {@code type} attribute, e.g. {@code io.relops.release.requested}. */
    public String typeName() {
        return typeName;
    }

    public Channel channel() {
        return channel;
    }

    public Class<? extends EventData> dataType() {
        return dataType;
    }

    /** The classpath resource of this type's JSON Schema. */
    public String schemaResource() {
        return "/schemas/" + typeName + ".json";
    }

    public static Optional<EventType> fromTypeName(String typeName) {
        return Optional.ofNullable(BY_NAME.get(typeName));
    }

    public static EventType of(EventData data) {
        EventType type = BY_DATA.get(data.getClass());
        if (type == null) {
            throw new IllegalArgumentException(
                    "no event type for " + data.getClass().getName());
        }
        return type;
    }
}
