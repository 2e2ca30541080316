package io.relops.platform.security;

import io.relops.platform.web.Problems;
import java.net.URI;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
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

    /**
     * 403 for a call the caller's role may not make; 405 with {@code Allow} for a method {@code matrix} has no
     * rule for at a path it has rules for (an authenticated caller only: without a token it is 401 first).
     */
    public AccessDeniedHandler forbidden(AuthorizationMatrix matrix) {
        AccessDeniedHandler forbidden = forbidden();
        return (request, response, e) -> {
            Set<HttpMethod> allowed = matrix.methodsAt(request);
            if (!allowed.isEmpty() && !allowed.contains(HttpMethod.valueOf(request.getMethod()))) {
                response.setHeader(
                        HttpHeaders.ALLOW,
                        allowed.stream().map(HttpMethod::name).collect(Collectors.joining(", ")));
                problems.write(
                        request,
                        response,
                        HttpStatus.METHOD_NOT_ALLOWED,
                        "this path answers " + response.getHeader(HttpHeaders.ALLOW) + " only");
                return;
            }
            forbidden.handle(request, response, e);
        };
    }
}
