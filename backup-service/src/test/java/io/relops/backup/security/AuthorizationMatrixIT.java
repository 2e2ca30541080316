package io.relops.backup.security;

import io.relops.backup.BackupServiceApplication;
import io.relops.testkit.AuthorizationMatrixContract;
import io.relops.testkit.Postgres;
import io.relops.testkit.RelopsTopics;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * backup-service answers every endpoint × role, no token and a bad token exactly as docs/security.md
 * specifies: the real service on a real broker and PostgreSQL, with the testkit's credentials.
 */
class AuthorizationMatrixIT extends AuthorizationMatrixContract {

    AuthorizationMatrixIT() {
        super("backup-service");
    }

    @Override
    protected ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(BackupServiceApplication.class)
                .run(RelopsTopics.unique("matrix")
                        .serviceArgs(
                                Postgres.freshDatabase("backup_matrix"),
                                "--relops.backup.storage.local.directory=target/matrix-backups"));
    }
}
