package io.relops.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

class ProblemResponsesTest {

    private final ProblemResponses responses = new ProblemResponses() {};

    @SuppressWarnings("unused")
    void release(UUID id) {}

    @Test
    void aPathVariableOfTheWrongTypeIsNamedWithTheTypeItMustHave() throws Exception {
        MethodParameter parameter = new MethodParameter(getClass().getDeclaredMethod("release", UUID.class), 0);
        ResponseEntity<Object> response = responses.handleTypeMismatch(
                new MethodArgumentTypeMismatchException("nope", UUID.class, "id", parameter, null),
                new HttpHeaders(),
                HttpStatus.BAD_REQUEST,
                null);
        assertThat(response).isNotNull();
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        ProblemDetail problem = (ProblemDetail) response.getBody();
        assertThat(problem).isNotNull();
        assertThat(problem.getDetail()).isEqualTo("id: 'nope' is not a UUID");
        assertThat(problem.getTitle()).isEqualTo("Invalid request");
    }

    @Test
    void aParseErrorNamesTypesWithoutTheirPackages() {
        assertThat(
                        ProblemResponses.withoutPackages(
                                "Cannot deserialize value of type `java.lang.String` from Array value (token `JsonToken.START_ARRAY`)"))
                .isEqualTo(
                        "Cannot deserialize value of type `String` from Array value (token `JsonToken.START_ARRAY`)");
        assertThat(ProblemResponses.withoutPackages(
                        "Unrecognized field \"x\" (class io.relops.gateway.web.Release$Request)"))
                .isEqualTo("Unrecognized field \"x\" (class Release.Request)");
    }
}
