package io.relops.deploy.security;

import io.relops.deploy.DeployServiceApplication;
import io.relops.testkit.AuthorizationMatrixContract;
import io.relops.testkit.Postgres;
import io.relops.testkit.RelopsTopics;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * deploy-service answers every endpoint × role, no token and a bad token exactly as docs/security.md
 * specifies: the real service on a real broker and PostgreSQL, with the testkit's credentials.
 */
class AuthorizationMatrixIT extends AuthorizationMatrixContract {

    AuthorizationMatrixIT() {
        super("deploy-service");
    }

    @Override
    protected ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(DeployServiceApplication.class)
                .run(RelopsTopics.unique("matrix")
                        .serviceArgs(
                                Postgres.freshDatabase("deploy_matrix"),
                                "--RELOPS_CATALOG=src/test/resources/it-catalog.yml",
                                "--RELOPS_DATA_DIR=target/matrix-data"));
    }
}
