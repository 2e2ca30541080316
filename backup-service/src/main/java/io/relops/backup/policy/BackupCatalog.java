package io.relops.backup.policy;

import io.relops.backup.retention.RetentionPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The part of the application catalog backup-service needs: each application's backup policy. */
@ConfigurationProperties("relops")
public record BackupCatalog(@Nullable Map<String, ApplicationBackup> applications) {

    public @Nullable BackupSpec backup(String application) {
        ApplicationBackup app = applications == null ? null : applications.get(application);
        return app == null ? null : app.backup();
    }

    public Map<String, ApplicationBackup> all() {
        return applications == null ? Map.of() : applications;
    }

    public record ApplicationBackup(@Nullable BackupSpec backup) {}

    /**
     * One application's backup policy.
     *
     * @param beforeDeploy take a backup when a release of the application is requested
     * @param driver {@code postgres} or {@code filesystem}
     * @param schedule a Spring cron expression (6 fields), or empty for none
     * @param verify verification after each backup
     * @param restoreOnRollback restore the release's pre-deploy backup when the release is rolled back
     */
    public record BackupSpec(
            @DefaultValue("false") boolean beforeDeploy,
            @DefaultValue("none") String driver,
            @Nullable String schedule,
            @DefaultValue("false") boolean restoreOnRollback,
            @Nullable PostgresSource postgres,
            @Nullable FilesystemSource filesystem,
            @DefaultValue Verify verify,
            @DefaultValue Retention retention) {}

    /**
     * A PostgreSQL database to dump. The password comes from the environment variable named by
     * {@code passwordEnv} (a secret), or {@code password} for local defaults; it is handed to the
     * client tools as {@code PGPASSWORD}, never on their command line.
     */
    public record PostgresSource(
            @DefaultValue("localhost") String host,
            @DefaultValue("5432") int port,
            String database,
            @DefaultValue("postgres") String username,
            @Nullable String password,
            @Nullable String passwordEnv) {

        public @Nullable String resolvedPassword() {
            if (passwordEnv != null && !passwordEnv.isBlank()) {
                String value = System.getenv(passwordEnv);
                if (value != null) {
                    return value;
                }
            }
            return password;
        }
    }

    /**
     * A directory to archive; {@code createIfMissing} creates it (empty) when an application has not written it yet,
     * rather than failing the backup. {@code compression} compresses the tar archive of new backups: {@code gzip}
     * (the default) or {@code zstd}.
     */
    public record FilesystemSource(
            Path path,
            @DefaultValue("false") boolean createIfMissing,
            @DefaultValue("gzip") Compression compression) {}

    /** How the {@code filesystem} driver compresses its tar archive. */
    public enum Compression {
        GZIP("tar.gz"),
        ZSTD("tar.zst");

        private final String extension;

        Compression(String extension) {
            this.extension = extension;
        }

        public String extension() {
            return extension;
        }
    }

    /**
     * @param afterBackup verify each backup once it is stored
     * @param testRestore also restore it into a scratch database and compare table row counts
     */
    public record Verify(
            @DefaultValue("true") boolean afterBackup,
            @DefaultValue("false") boolean testRestore) {}

    /** Grandfather-father-son counts and a maximum age, in one policy. */
    public record Retention(
            @DefaultValue("3") int last,
            @DefaultValue("7") int daily,
            @DefaultValue("4") int weekly,
            @DefaultValue("6") int monthly,
            @DefaultValue("365d") Duration maxAge) {

        public RetentionPolicy policy() {
            return new RetentionPolicy(last, daily, weekly, monthly, maxAge);
        }
    }
}
