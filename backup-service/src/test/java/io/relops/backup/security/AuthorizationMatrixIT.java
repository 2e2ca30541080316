package io.relops.backup.security;

import io.relops.backup.BackupServiceApplication;
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
 * backup-service answers every endpoint × role, no token and a bad token exactly as docs/security.md
 * specifies: the real service on a real broker and PostgreSQL, with the testkit's credentials.
 */
class AuthorizationMatrixIT {

    private static final String SERVICE = "backup-service";

    private static ConfigurableApplicationContext service;

    @BeforeAll
    static void start() {
        service = new SpringApplicationBuilder(BackupServiceApplication.class)
                .run(RelopsTopics.unique("matrix")
                        .serviceArgs(
                                Postgres.freshDatabase("backup_matrix"),
                                "--relops.backup.storage.local.directory=target/matrix-backups"));
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
