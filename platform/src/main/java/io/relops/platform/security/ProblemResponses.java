package io.relops.platform.security;

import io.relops.platform.web.Problems;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * 401 and 403 as {@code application/problem+json} with a fixed text: nothing about why a token was
 * refused (unknown, expired, wrong issuer) nor which roles would do.
 */
public final class ProblemResponses {

    /** The problem type of a 401: the request carried no valid bearer token. */
    public static final URI UNAUTHENTICATED = URI.create("https://relops.io/problems/unauthenticated");

    /** The problem type of a 403 decided by the authorization matrix. */
    public static final URI FORBIDDEN = URI.create("https://relops.io/problems/forbidden");

    private final Problems problems;

    public ProblemResponses(JsonMapper json) {
        this.problems = new Problems(json);
    }

    public AuthenticationEntryPoint unauthorized() {
        return (request, response, e) -> {
            response.setHeader("WWW-Authenticate", "Bearer");
            problems.write(
                    request,
                    response,
                    HttpStatus.UNAUTHORIZED,
                    UNAUTHENTICATED,
                    "a valid bearer token is required (Authorization: Bearer <token>)");
        };
    }

    public AccessDeniedHandler forbidden() {
        return (request, response, e) ->
                problems.write(request, response, HttpStatus.FORBIDDEN, FORBIDDEN, "your role may not do this");
    }
}
