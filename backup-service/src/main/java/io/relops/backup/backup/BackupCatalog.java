package io.relops.backup.backup;

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

    public record ApplicationBackup(@Nullable BackupSpec backup) {}

    /** {@code beforeDeploy}: take a backup when a release of the application is requested. */
    public record BackupSpec(
            @DefaultValue("false") boolean beforeDeploy,
            @DefaultValue("none") String driver) {}
}
