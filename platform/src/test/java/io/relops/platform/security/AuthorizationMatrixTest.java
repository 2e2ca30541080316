package io.relops.platform.security;

import static io.relops.platform.security.AuthorizationMatrix.Access.anyOf;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.access.AccessDeniedException;
import tools.jackson.databind.json.JsonMapper;

class AuthorizationMatrixTest {

    private final AuthorizationMatrix matrix = AuthorizationMatrix.builder()
            .get("/api/releases", anyOf(Roles.OPERATOR))
            .post("/api/releases", anyOf(Roles.OPERATOR))
            .get("/api/releases/{id}", anyOf(Roles.OPERATOR))
            .rule(null, "/actuator/**", anyOf(Roles.ADMIN))
            .build();

    @Test
    void knowsTheMethodsItHasRulesForAtAPath() {
        assertThat(matrix.methodsAt(new MockHttpServletRequest("PUT", "/api/releases")))
                .containsExactly(HttpMethod.GET, HttpMethod.POST);
        assertThat(matrix.methodsAt(new MockHttpServletRequest("DELETE", "/api/releases/42")))
                .containsExactly(HttpMethod.GET);
        // a rule for every method, or no rule at all: no method is wrong there
        assertThat(matrix.methodsAt(new MockHttpServletRequest("PUT", "/actuator/env")))
                .isEmpty();
        assertThat(matrix.methodsAt(new MockHttpServletRequest("PUT", "/api/nope")))
                .isEmpty();
    }

    @Test
    void answers405WithAllowForAMethodWithoutARuleAnd403ForARoleWithoutTheRight() throws Exception {
        var handler = new ProblemResponses(JsonMapper.builder().build()).forbidden(matrix);

        MockHttpServletResponse wrongMethod = new MockHttpServletResponse();
        handler.handle(
                new MockHttpServletRequest("PATCH", "/api/releases"), wrongMethod, new AccessDeniedException("no"));
        MockHttpServletResponse wrongRole = new MockHttpServletResponse();
        handler.handle(new MockHttpServletRequest("POST", "/api/releases"), wrongRole, new AccessDeniedException("no"));

        assertThat(wrongMethod.getStatus()).isEqualTo(405);
        assertThat(wrongMethod.getHeader("Allow")).isEqualTo("GET, POST");
        assertThat(wrongMethod.getContentType()).startsWith("application/problem+json");
        assertThat(wrongRole.getStatus()).isEqualTo(403);
        assertThat(wrongRole.getContentAsString()).contains("your role may not do this");
    }
}
