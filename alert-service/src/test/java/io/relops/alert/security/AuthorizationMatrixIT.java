package io.relops.alert.security;

import io.relops.alert.AlertServiceApplication;
import io.relops.testkit.AuthorizationMatrixContract;
import io.relops.testkit.Postgres;
import io.relops.testkit.RelopsTopics;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * alert-service answers every endpoint × role, no token and a bad token exactly as docs/security.md
 * specifies: the real service on a real broker and PostgreSQL, with the testkit's credentials.
 */
class AuthorizationMatrixIT extends AuthorizationMatrixContract {

    AuthorizationMatrixIT() {
        super("alert-service");
    }

    @Override
    protected ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(AlertServiceApplication.class)
                .run(RelopsTopics.unique("matrix").serviceArgs(Postgres.freshDatabase("alert_matrix")));
    }
}
