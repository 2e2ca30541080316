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
 * Refuses request bodies under {@code /api/} larger than {@code relops.gateway.request.max-body-size} with
 * {@code 413}: at once when {@code Content-Length} says so, else while reading (chunked bodies). The alert intake
 * ({@link #ALERT_INTAKE}) has its own, larger limit ({@code relops.gateway.request.alerts-max-body-size}).
 * A body within the limit is read here once and served from memory to the rest of the chain.
 */
public final class RequestSizeLimit extends OncePerRequestFilter {

    private static final Set<String> WITH_BODY = Set.of("POST", "PUT", "PATCH");

    /** The POSTs of Prometheus' alert batches and Alertmanager's webhook groups. */
    static final Set<String> ALERT_INTAKE = Set.of("/api/alerts", "/api/alerts/alertmanager", "/api/v2/alerts");

    private final long limit;
    private final long alertsLimit;
    private final Problems problems;

    public RequestSizeLimit(DataSize limit, DataSize alertsLimit, Problems problems) {
        this.limit = limit.toBytes();
        this.alertsLimit = alertsLimit.toBytes();
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
        boolean alerts = request.getMethod().equals("POST") && ALERT_INTAKE.contains(request.getRequestURI());
        long limit = alerts ? alertsLimit : this.limit;
        String property = alerts ? "alerts-max-body-size" : "max-body-size";
        if (request.getContentLengthLong() > limit) {
            tooLarge(request, response, limit, property);
            return;
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        }
        if (body.length > limit) {
            tooLarge(request, response, limit, property);
            return;
        }
        chain.doFilter(new CachedBodyRequest(request, body), response);
    }

    private void tooLarge(HttpServletRequest request, HttpServletResponse response, long limit, String property)
            throws IOException {
        // Tomcat swallows what is left of the body (up to server.tomcat.max-swallow-size) so that the client,
        // still sending, reads this answer instead of a reset connection
        problems.write(
                request,
                response,
                HttpStatus.CONTENT_TOO_LARGE,
                "the request body is larger than " + limit + " bytes (relops.gateway.request." + property + ")");
    }
}
