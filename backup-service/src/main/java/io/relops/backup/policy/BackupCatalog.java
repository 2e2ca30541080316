package io.relops.backup.policy;

import io.relops.backup.retention.RetentionPolicy;
import io.relops.platform.catalog.EnvironmentCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.env.Environment;

/**
 * The part of the application catalog backup-service needs: each application's backup policy, per environment (the
 * environment's {@code backup} merged onto the application's: {@link EnvironmentCatalog}), so that staging and
 * production back up their own data.
 */
public final class BackupCatalog {

    private final EnvironmentCatalog<ApplicationBackup> catalog;

    public BackupCatalog(EnvironmentCatalog<ApplicationBackup> catalog) {
        this.catalog = catalog;
    }

    /** The catalog of the service's environment ({@code RELOPS_CATALOG}, imported by application.yml). */
    public static BackupCatalog of(Environment environment) {
        return new BackupCatalog(EnvironmentCatalog.bind(environment, ApplicationBackup.class));
    }

    /**
     * The backup policy of {@code application} in {@code environment}: the environment's effective one; the
     * application's own when {@code environment} is null (a backup asked for without one) or not declared.
     */
    public @Nullable BackupSpec backup(String application, @Nullable String environment) {
        return catalog.effective(application, environment)
                .map(ApplicationBackup::backup)
                .orElse(null);
    }

    /** Each application's own settings. */
    public Map<String, ApplicationBackup> all() {
        Map<String, ApplicationBackup> all = new LinkedHashMap<>();
        catalog.applications()
                .forEach(name -> all.put(name, catalog.application(name).orElseThrow()));
        return all;
    }

    /**
     * What backups are kept of: each application with a backup policy (its own settings, environment null), and each
     * environment of it the catalog declares with its effective policy.
     */
    public List<Scope> scopes() {
        List<Scope> scopes = new ArrayList<>();
        for (String application : catalog.applications()) {
            BackupSpec own = backup(application, null);
            if (own != null) {
                scopes.add(new Scope(application, null, own, false));
            }
            for (String environment : catalog.environments(application)) {
                BackupSpec spec = backup(application, environment);
                if (spec != null) {
                    scopes.add(new Scope(application, environment, spec, spec.equals(own)));
                }
            }
        }
        return scopes;
    }

    /**
     * An application, or one environment of it, and its backup policy; {@code sameAsApplication}: the environment
     * overrides nothing of it (the same data: a schedule of the application covers it).
     */
    public record Scope(String application, @Nullable String environment, BackupSpec spec, boolean sameAsApplication) {

        /** {@code demo-app}, or {@code demo-app/staging}. */
        public String name() {
            return environment == null ? application : application + "/" + environment;
        }
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
     * @param rpo the recovery point objective: how old the newest verified backup may be (see {@link #objective()})
     */
    public record BackupSpec(
            @DefaultValue("false") boolean beforeDeploy,
            @DefaultValue("none") String driver,
            @Nullable String schedule,
            @DefaultValue("false") boolean restoreOnRollback,
            @Nullable PostgresSource postgres,
            @Nullable FilesystemSource filesystem,
            @DefaultValue Verify verify,
            @DefaultValue Retention retention,
            @Nullable Duration rpo) {

        /** The RPO where none is set but backups are scheduled. */
        public static final Duration DEFAULT_RPO = Duration.ofHours(1);

        /**
         * The recovery point objective {@code RelopsBackupOlderThanRpo} watches: {@code rpo} where it is set, else
         * {@link #DEFAULT_RPO} where a schedule exists, else none (backups taken only before deploys or on demand
         * have no age to keep).
         */
        public @Nullable Duration objective() {
            if (rpo != null) {
                return rpo;
            }
            return schedule == null || schedule.isBlank() ? null : DEFAULT_RPO;
        }
    }

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
