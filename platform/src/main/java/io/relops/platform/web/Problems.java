package io.relops.platform.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes an {@code application/problem+json} answer from a servlet filter or a security handler, i.e. before a
 * request reaches the MVC dispatcher (and a service's {@link ProblemResponses}): e.g. the gateway's size limit, rate
 * limit and idempotency, and the 401/403 of {@link io.relops.platform.security.ProblemResponses}.
 */
public final class Problems {

    private final JsonMapper json;

    public Problems(JsonMapper json) {
        this.json = json;
    }

    /** Writes {@code detail} with {@code status}; headers set before (e.g. Retry-After) are kept. */
    public void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail)
            throws IOException {
        write(request, response, status, null, detail);
    }

    /** Writes {@code detail} with {@code status} and the problem {@code type} (none: {@code about:blank}). */
    public void write(
            HttpServletRequest request,
            HttpServletResponse response,
            HttpStatus status,
            @Nullable URI type,
            String detail)
            throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        if (type != null) {
            problem.setType(type);
        }
        try {
            problem.setInstance(URI.create(request.getRequestURI()));
        } catch (IllegalArgumentException e) {
            // a path that is no URI reference: the problem goes out without an instance
        }
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
