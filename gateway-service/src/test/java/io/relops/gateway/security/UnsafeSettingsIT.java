package io.relops.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.relops.gateway.GatewayServiceApplication;
import io.relops.platform.security.UnsafeSetting;
import io.relops.platform.security.UnsafeSettingFailureAnalyzer;
import io.relops.testkit.Postgres;
import io.relops.testkit.RelopsTopics;
import io.relops.testkit.TestCredentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Outside local use the gateway (as every service: the check is the platform's) refuses to start with a token
 * relops ships as an example, or with a JWT issuer but no audience, and says which setting to change; with the
 * local marker that {@code relops up} sets, the example token works. Tests run as local use by default (the
 * testkit), so these turn it off explicitly.
 */
class UnsafeSettingsIT {

    /** .env.example's RELOPS_TOKEN_OPERATOR_SHA256, the hash of operator-local-only-change-me. */
    static final String EXAMPLE_OPERATOR_HASH = "c33d20f1cb51dbaa3b74d40e093fc9667ce05c7308fe549cb77c929b3992e664";

    /** Its index: after the testkit's tokens (the same index twice would join the two values). */
    static final String EXAMPLE_TOKEN = "relops.security.tokens[" + TestCredentials.ROLES.size() + "]";

    /** The example operator token, as the configuration of a service would hold it. */
    static final String[] EXAMPLE_OPERATOR = {
        "--" + EXAMPLE_TOKEN + ".name=example-operator",
        "--" + EXAMPLE_TOKEN + ".roles[0]=operator",
        "--" + EXAMPLE_TOKEN + ".sha256=" + EXAMPLE_OPERATOR_HASH
    };

    @Test
    void refusesTheExampleOperatorTokenOutsideLocalUseNamingTheSetting() {
        Throwable failure = catchThrowable(
                () -> start("--relops.local=false", EXAMPLE_OPERATOR[0], EXAMPLE_OPERATOR[1], EXAMPLE_OPERATOR[2])
                        .close());

        FailureAnalysis analysis = new UnsafeSettingFailureAnalyzer().analyze(failure);
        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).contains(EXAMPLE_TOKEN + ".sha256");
        assertThat(analysis.getAction()).contains("./relops token new").contains("RELOPS_LOCAL=true");
    }

    @Test
    void refusesAnIssuerWithoutAnAudience() {
        Throwable failure = catchThrowable(
                () -> start("--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:9/jwks")
                        .close());

        assertThat(cause(failure, UnsafeSetting.class)).isNotNull();
        assertThat(new UnsafeSettingFailureAnalyzer().analyze(failure).getDescription())
                .contains("spring.security.oauth2.resourceserver.jwt.audiences");
    }

    @Test
    void startsWithTheExampleTokenForLocalUseAndAcceptsIt() throws Exception {
        try (ConfigurableApplicationContext gateway =
                start("--relops.local=true", EXAMPLE_OPERATOR[0], EXAMPLE_OPERATOR[1], EXAMPLE_OPERATOR[2])) {
            String port = gateway.getEnvironment().getProperty("local.server.port");
            HttpResponse<String> answer = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/releases"))
                                    .header("Authorization", "Bearer operator-local-only-change-me")
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            // authenticated as the operator: the empty release is refused for what it is, not for the token
            assertThat(answer.statusCode()).isEqualTo(400);
        }
    }

    private static ConfigurableApplicationContext start(String... extra) {
        List<String> args = new ArrayList<>(List.of(RelopsTopics.unique("unsafe")
                .serviceArgs(
                        Postgres.freshDatabase("gateway_unsafe"),
                        "--relops.gateway.deploy-url=http://127.0.0.1:9",
                        "--relops.gateway.audit-url=http://127.0.0.1:9",
                        "--logging.level.root=WARN")));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(GatewayServiceApplication.class).run(args.toArray(String[]::new));
    }

    private static <T extends Throwable> T cause(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
