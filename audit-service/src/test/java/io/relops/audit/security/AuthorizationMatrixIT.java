package io.relops.audit.security;

import io.relops.audit.AuditServiceApplication;
import io.relops.testkit.AuthorizationMatrixContract;
import io.relops.testkit.Postgres;
import io.relops.testkit.RelopsTopics;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * audit-service answers every endpoint × role, no token and a bad token exactly as docs/security.md
 * specifies: the real service on a real broker and PostgreSQL, with the testkit's credentials.
 */
class AuthorizationMatrixIT extends AuthorizationMatrixContract {

    AuthorizationMatrixIT() {
        super("audit-service");
    }

    @Override
    protected ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(AuditServiceApplication.class)
                .run(RelopsTopics.unique("matrix")
                        .serviceArgs(
                                Postgres.freshDatabase("audit_matrix"),
                                "--relops.audit.signing.key-file=target/matrix-signing.pem",
                                "--relops.audit.signing.generate-if-missing=true"));
    }
}
