package io.relops.backup.policy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How this backup-service instance works (not per application: that is the catalog's {@link BackupCatalog}).
 *
 * @param staging where artifacts are written before they are stored (default: a directory under java.io.tmpdir)
 * @param workers how many backups, verifications and restores one instance runs at once
 * @param staleAfter a RUNNING backup or restore whose instance has not reported progress for this long is taken over
 * @param progressInterval how often a running backup reports its progress ({@code bytesDone}) to the catalog
 * @param retentionSweep cron of the retention sweep over every application (it also runs after each backup)
 * @param protectReleasesFor how long a release in progress protects its pre-deploy backup at most
 */
@ConfigurationProperties("relops.backup")
public record BackupSettings(
        @DefaultValue Storage storage,
        @DefaultValue Postgres postgres,
        @Nullable Path staging,
        @DefaultValue("1") int workers,
        @DefaultValue("2s") Duration pollInterval,
        @DefaultValue("2m") Duration staleAfter,
        @DefaultValue("1s") Duration progressInterval,
        @DefaultValue("0 17 * * * *") String retentionSweep,
        @DefaultValue("7d") Duration protectReleasesFor) {

    /**
     * @param type {@code local} or {@code s3}
     * @param encryptionKey Base64 of a 32-byte AES key; when set, artifacts are encrypted (AES-256-GCM) before they
     *     are stored
     */
    public record Storage(
            @DefaultValue("local") String type,
            @DefaultValue Local local,
            @DefaultValue S3 s3,
            @Nullable String encryptionKey) {}

    public record Local(@DefaultValue("data/backups") Path directory) {}

    /**
     * Any S3-compatible store. Credentials: {@code accessKey}/{@code secretKey} when set, else the AWS SDK's default
     * chain (environment, profile, instance role).
     */
    public record S3(
            @Nullable URI endpoint,
            @DefaultValue("us-east-1") String region,
            @Nullable String bucket,
            @DefaultValue("") String prefix,
            @Nullable String accessKey,
            @Nullable String secretKey,
            @DefaultValue("true") boolean pathStyle,
            @DefaultValue("false") boolean createBucket) {}

    /** @param binDir where {@code pg_dump} and {@code pg_restore} are; the PATH when unset */
    public record Postgres(@Nullable Path binDir) {}
}
