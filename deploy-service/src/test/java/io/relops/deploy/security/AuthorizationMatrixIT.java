package io.relops.deploy.security;

import io.relops.deploy.DeployServiceApplication;
import io.relops.testkit.AuthorizationMatrixSpec;
import io.relops.testkit.AuthorizationMatrixSpec.Cell;
import io.relops.testkit.Postgres;
import io.relops.testkit.RelopsTopics;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * deploy-service answers every endpoint × role, no token and a bad token exactly as docs/security.md
 * specifies: the real service on a real broker and PostgreSQL, with the testkit's credentials.
 */
class AuthorizationMatrixIT {

    private static final String SERVICE = "deploy-service";

    private static ConfigurableApplicationContext service;

    @BeforeAll
    static void start() {
        service = new SpringApplicationBuilder(DeployServiceApplication.class)
                .run(RelopsTopics.unique("matrix")
                        .serviceArgs(
                                Postgres.freshDatabase("deploy_matrix"),
                                "--RELOPS_CATALOG=src/test/resources/it-catalog.yml",
                                "--RELOPS_DATA_DIR=target/matrix-data"));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    static Stream<Cell> cells() {
        return AuthorizationMatrixSpec.cells(SERVICE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cells")
    void answersAsTheMatrixSpecifies(Cell cell) {
        AuthorizationMatrixSpec.assertAnswer(
                "http://localhost:" + service.getEnvironment().getProperty("local.server.port"), cell);
    }

    @Test
    void everyEndpointHasARuleInTheMatrix() {
        AuthorizationMatrixSpec.assertEveryEndpointHasARow(SERVICE, service);
    }
}
