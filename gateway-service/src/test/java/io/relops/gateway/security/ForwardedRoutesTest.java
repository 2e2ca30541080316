package io.relops.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.gateway.route.ForwardedRoute;
import io.relops.platform.security.AuthorizationMatrix.Access;
import io.relops.platform.security.AuthorizationMatrix.Kind;
import io.relops.platform.security.AuthorizationMatrix.Rule;
import io.relops.testkit.AuthorizationMatrixSpec;
import io.relops.testkit.AuthorizationMatrixSpec.Endpoint;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpMethod;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * Every endpoint the gateway forwards has the backend's own rule at the gateway: for each row of a backend's table in
 * docs/security.md whose request one of the gateway's routes ({@link ForwardedRoute}) sends to that backend, the
 * gateway's matrix as it decides (the first rule of {@link GatewayAuthorization} matching the request) and the
 * gateway's table give every caller the backend's answer. A route adds no rule: a forwarded endpoint without one is
 * refused by the gateway (403) although the service allows it, as Alertmanager's webhook once was. The gateway's
 * AuthorizationMatrixIT checks its table against the running gateway.
 */
class ForwardedRoutesTest {

    /**
     * Columns that are no caller of the gateway: {@code timeline} is the gateway's own credential at audit-service
     * ({@code relops.gateway.service-token}), which the gateway itself does not accept.
     */
    private static final List<String> NOT_CALLERS = List.of("timeline");

    private static final List<Rule> GATEWAY_RULES =
            new GatewayAuthorization().authorizationMatrix().rules();

    static Stream<Arguments> forwardedEndpoints() {
        return backends()
                .flatMap(backend -> AuthorizationMatrixSpec.endpoints(backend).stream()
                        .filter(endpoint -> forwardedTo(backend, endpoint))
                        .map(endpoint -> Arguments.of(backend, endpoint)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("forwardedEndpoints")
    void theGatewayAnswersEveryCallerAsTheBackendDoes(String backend, Endpoint endpoint) {
        Map<String, String> expected = callers(endpoint.answers());
        String what = endpoint.method() + " " + endpoint.path() + " (forwarded to " + backend + ")";

        Optional<Rule> rule =
                GATEWAY_RULES.stream().filter(r -> matches(r, endpoint)).findFirst();
        assertThat(rule)
                .as("%s has no rule in GatewayAuthorization: the gateway refuses it (403) to every role", what)
                .isPresent();
        Map<String, String> decided = new LinkedHashMap<>();
        expected.keySet()
                .forEach(caller -> decided.put(caller, answer(rule.orElseThrow().access(), caller)));
        assertThat(decided)
                .as("%s: the gateway's rule %s against the backend's row", what, rule.orElseThrow())
                .isEqualTo(expected);

        Optional<Endpoint> row = gatewayRow(endpoint);
        assertThat(row)
                .as("%s has no row in docs/security.md's gateway-service table", what)
                .isPresent();
        assertThat(callers(row.orElseThrow().answers()))
                .as("%s: the gateway's row against the backend's", what)
                .isEqualTo(expected);
    }

    /** A route that forwards nothing documented at its backend is a mistake (or the backend's table misses rows). */
    @Test
    void everyRouteForwardsEndpointsOfItsBackend() {
        for (ForwardedRoute route : ForwardedRoute.values()) {
            assertThat(AuthorizationMatrixSpec.endpoints(route.backend()))
                    .as("rows of %s's table in docs/security.md forwarded by the gateway's %s", route.backend(), route)
                    .anyMatch(endpoint -> route.forwards(HttpMethod.valueOf(endpoint.method()), sample(endpoint)));
        }
    }

    private static Stream<String> backends() {
        return Arrays.stream(ForwardedRoute.values())
                .map(ForwardedRoute::backend)
                .distinct();
    }

    private static boolean forwardedTo(String backend, Endpoint endpoint) {
        return Arrays.stream(ForwardedRoute.values())
                .anyMatch(route -> route.backend().equals(backend)
                        && route.forwards(HttpMethod.valueOf(endpoint.method()), sample(endpoint)));
    }

    private static boolean matches(Rule rule, Endpoint endpoint) {
        MockHttpServletRequest request = new MockHttpServletRequest(endpoint.method(), sample(endpoint));
        return PathPatternRequestMatcher.withDefaults()
                .matcher(rule.method(), rule.pattern())
                .matches(request);
    }

    /** What the gateway answers {@code caller} under {@code access} (as docs/security.md writes it). */
    private static String answer(Access access, String caller) {
        return switch (caller) {
            case AuthorizationMatrixSpec.BAD_TOKEN -> "401";
            case AuthorizationMatrixSpec.NO_TOKEN ->
                access.kind() == Kind.OPEN || access.kind() == Kind.SIGNED ? "✓" : "401";
            default -> access.admits(caller) ? "✓" : "403";
        };
    }

    private static Optional<Endpoint> gatewayRow(Endpoint endpoint) {
        return AuthorizationMatrixSpec.endpoints("gateway-service").stream()
                .filter(row ->
                        row.method().equals(endpoint.method()) && sample(row).equals(sample(endpoint)))
                .findFirst();
    }

    private static Map<String, String> callers(Map<String, String> answers) {
        Map<String, String> callers = new LinkedHashMap<>(answers);
        NOT_CALLERS.forEach(callers::remove);
        return callers;
    }

    private static String sample(Endpoint endpoint) {
        return AuthorizationMatrixSpec.sample(endpoint.path());
    }
}
