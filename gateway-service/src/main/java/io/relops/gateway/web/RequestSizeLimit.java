package io.relops.gateway.web;

import io.relops.platform.web.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies under {@code /api/} larger than {@code relops.gateway.max-body-size} with
 * {@code 413}: at once when {@code Content-Length} says so, else while reading (chunked bodies).
 * A body within the limit is read here once and served from memory to the rest of the chain.
 */
public final class RequestSizeLimit extends OncePerRequestFilter {

    private static final Set<String> WITH_BODY = Set.of("POST", "PUT", "PATCH");

    private final long limit;
    private final Problems problems;

    public RequestSizeLimit(DataSize limit, Problems problems) {
        this.limit = limit.toBytes();
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !WITH_BODY.contains(request.getMethod())
                || !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > limit) {
            tooLarge(request, response);
            return;
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        }
        if (body.length > limit) {
            tooLarge(request, response);
            return;
        }
        chain.doFilter(new CachedBodyRequest(request, body), response);
    }

    private void tooLarge(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // Tomcat swallows what is left of the body (up to server.tomcat.max-swallow-size) so that the client,
        // still sending, reads this answer instead of a reset connection
        problems.write(
                request,
                response,
                HttpStatus.CONTENT_TOO_LARGE,
                "the request body is larger than " + limit + " bytes (relops.gateway.max-body-size)");
    }
}
