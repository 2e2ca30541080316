package io.relops.gateway.security;

import io.relops.gateway.GatewayServiceApplication;
import io.relops.testkit.AuthorizationMatrixSpec;
import io.relops.testkit.AuthorizationMatrixSpec.Cell;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import io.relops.testkit.TestCredentials;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gateway answers every endpoint × role, no token and a bad token exactly as docs/security.md
 * specifies, on the real application with a real broker. The services behind it are not running: a
 * call that passes authorization and reaches for them fails there, which is still not 401 or 403.
 */
@SpringBootTest(classes = GatewayServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuthorizationMatrixIT {

    private static final String SERVICE = "gateway-service";

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("relops.kafka.bootstrap-servers", Kafka::bootstrapServers);
        // the gateway keeps its idempotency keys in PostgreSQL
        String database = Postgres.freshDatabase("gateway_matrix");
        registry.add("relops.database.url", () -> database);
        registry.add("relops.gateway.deploy-url", () -> "http://127.0.0.1:9");
        registry.add("relops.gateway.audit-url", () -> "http://127.0.0.1:9");
        TestCredentials.properties().forEach((key, value) -> registry.add(key, () -> value));
    }

    static Stream<Cell> cells() {
        return AuthorizationMatrixSpec.cells(SERVICE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cells")
    void answersAsTheMatrixSpecifies(Cell cell) {
        AuthorizationMatrixSpec.assertAnswer("http://localhost:" + port, cell);
    }

    @Test
    void everyEndpointHasARuleInTheMatrix(@Autowired ApplicationContext context) {
        AuthorizationMatrixSpec.assertEveryEndpointHasARow(SERVICE, context);
    }
}
