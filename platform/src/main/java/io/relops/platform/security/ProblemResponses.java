package io.relops.platform.security;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
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

    private final JsonMapper json;

    public ProblemResponses(JsonMapper json) {
        this.json = json;
    }

    public AuthenticationEntryPoint unauthorized() {
        return (request, response, e) -> {
            response.setHeader("WWW-Authenticate", "Bearer");
            write(
                    response,
                    HttpStatus.UNAUTHORIZED,
                    UNAUTHENTICATED,
                    "a valid bearer token is required (Authorization: Bearer <token>)",
                    request.getRequestURI());
        };
    }

    public AccessDeniedHandler forbidden() {
        return (request, response, e) ->
                write(response, HttpStatus.FORBIDDEN, FORBIDDEN, "your role may not do this", request.getRequestURI());
    }

    private void write(HttpServletResponse response, HttpStatus status, URI type, String detail, String path)
            throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        try {
            problem.setInstance(URI.create(path));
        } catch (IllegalArgumentException e) {
            // a path that is no URI reference is not echoed
        }
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
