package io.relops.gateway.security;

import io.relops.gateway.GatewayServiceApplication;
import io.relops.testkit.AuthorizationMatrixContract;
import io.relops.testkit.Postgres;
import io.relops.testkit.RelopsTopics;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The gateway answers every endpoint × role, no token and a bad token exactly as docs/security.md
 * specifies, on the real application with a real broker and PostgreSQL (its idempotency keys). The
 * services behind it are not running: a call that passes authorization and reaches for them fails
 * there, which is still not 401 or 403.
 */
class AuthorizationMatrixIT extends AuthorizationMatrixContract {

    AuthorizationMatrixIT() {
        super("gateway-service");
    }

    @Override
    protected ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(GatewayServiceApplication.class)
                .run(RelopsTopics.unique("matrix")
                        .serviceArgs(
                                Postgres.freshDatabase("gateway_matrix"),
                                "--relops.gateway.deploy-url=http://127.0.0.1:9",
                                "--relops.gateway.audit-url=http://127.0.0.1:9"));
    }

    /** GatewayFuzzIT fuzzes the gateway, with the services behind it standing in (here they are down: 503). */
    @Override
    protected boolean fuzzedHere() {
        return false;
    }
}
