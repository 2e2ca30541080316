package io.relops.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.testkit.AuthorizationMatrixSpec.Cell;
import java.net.URI;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A service's authorization matrix test: the real service, started by {@link #start()} on a real
 * broker and PostgreSQL with the testkit's credentials, answers every endpoint × role, no token and
 * a bad token exactly as {@code docs/security.md} specifies, has no endpoint without a row, and answers a
 * seeded fuzz of its API ({@link HttpFuzz}) with problems, never 5xx.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AuthorizationMatrixContract {

    private final String serviceName;
    private @Nullable ConfigurableApplicationContext service;

    /** {@code serviceName}: the service's heading in docs/security.md, e.g. {@code audit-service}. */
    protected AuthorizationMatrixContract(String serviceName) {
        this.serviceName = serviceName;
    }

    /** Starts the service under test (typically with {@link RelopsTopics#serviceArgs}). */
    protected abstract ConfigurableApplicationContext start();

    @BeforeAll
    final void startService() {
        service = start();
    }

    @AfterAll
    final void stopService() {
        if (service != null) {
            service.close();
        }
    }

    final Stream<Cell> cells() {
        return AuthorizationMatrixSpec.cells(serviceName);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cells")
    final void answersAsTheMatrixSpecifies(Cell cell) {
        AuthorizationMatrixSpec.assertAnswer(
                "http://localhost:" + running().getEnvironment().getProperty("local.server.port"), cell);
    }

    @Test
    final void everyEndpointHasARuleInTheMatrix() {
        AuthorizationMatrixSpec.assertEveryEndpointHasARow(serviceName, running());
    }

    /**
     * Whether the service's API is fuzzed here ({@link HttpFuzz}); the gateway's is fuzzed by its own test, with
     * the services behind it standing in (here they are down, and the gateway answers 503 by design).
     */
    protected boolean fuzzedHere() {
        return true;
    }

    @Test
    final void answersFuzzedRequestsWithProblemsAndNever5xx() throws InterruptedException {
        Assumptions.assumeTrue(fuzzedHere(), "fuzzed by the service's own test");
        HttpFuzz fuzz = new HttpFuzz(
                URI.create("http://127.0.0.1:" + running().getEnvironment().getProperty("local.server.port")),
                AuthorizationMatrixSpec.endpoints(serviceName),
                HttpFuzz.testTokens());
        HttpFuzz.Result result = fuzz.run();
        System.out.println(serviceName + " fuzz: " + result);
        assertThat(result.failures())
                .as(
                        "%s: answers that are 5xx, not problem+json or name internals (seed %d)",
                        serviceName, result.seed())
                .isEmpty();
    }

    private ConfigurableApplicationContext running() {
        if (service == null) {
            throw new IllegalStateException(serviceName + " did not start");
        }
        return service;
    }
}
