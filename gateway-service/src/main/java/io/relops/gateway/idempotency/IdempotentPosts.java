package io.relops.gateway.idempotency;

import io.micrometer.core.instrument.MeterRegistry;
import io.relops.gateway.web.CachedBodyRequest;
import io.relops.platform.web.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * {@code Idempotency-Key} on every {@code POST /api/...}: the first request with a key (per
 * authenticated principal) claims it in PostgreSQL, runs, and stores its answer (status, {@code
 * Content-Type}, {@code Location}, body) when it succeeded (2xx); a failed request frees the key.
 * A retry with the same key and the same request gets the stored answer again, marked {@code
 * Idempotent-Replayed: true}, and nothing is done twice. The same key with a different request is
 * refused with {@code 422}; a retry while the first is still running gets {@code 409} with {@code
 * Retry-After}. Requests without the header are not affected.
 */
public final class IdempotentPosts extends OncePerRequestFilter {

    public static final String HEADER = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";
    private static final Pattern VALID_KEY = Pattern.compile("^[\\x21-\\x7e]{1,255}$");
    private static final Logger log = LoggerFactory.getLogger(IdempotentPosts.class);

    private final IdempotencyStore store;
    private final Problems problems;
    private final MeterRegistry meterRegistry;

    IdempotentPosts(IdempotencyStore store, Problems problems, MeterRegistry meterRegistry) {
        this.store = store;
        this.problems = problems;
        this.meterRegistry = meterRegistry;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod())
                || !request.getRequestURI().startsWith("/api/")
                || request.getHeader(HEADER) == null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String key = String.valueOf(request.getHeader(HEADER));
        if (!VALID_KEY.matcher(key).matches()) {
            problems.write(
                    request,
                    response,
                    HttpStatus.BAD_REQUEST,
                    "the Idempotency-Key header must be 1 to 255 visible ASCII characters");
            return;
        }
        Authentication user = SecurityContextHolder.getContext().getAuthentication();
        byte[] body = CachedBodyRequest.bodyOf(request);
        if (user == null || !user.isAuthenticated() || body == null) {
            chain.doFilter(request, response);
            return;
        }
        String principal = user.getName();
        byte[] hash = fingerprint(request, body);
        if (store.claim(principal, key, hash, request.getMethod(), request.getRequestURI())) {
            run(request, response, chain, principal, key);
            return;
        }
        Optional<IdempotencyStore.Stored> stored = store.find(principal, key);
        if (stored.isEmpty() || !stored.get().completed()) {
            if (stored.isPresent() && !MessageDigest.isEqual(stored.get().requestHash(), hash)) {
                differentRequest(request, response, key, stored.get());
                return;
            }
            count("in-progress");
            response.setHeader(HttpHeaders.RETRY_AFTER, "1");
            problems.write(
                    request,
                    response,
                    HttpStatus.CONFLICT,
                    "a request with Idempotency-Key '" + key + "' is in progress; retry to get its answer");
            return;
        }
        if (!MessageDigest.isEqual(stored.get().requestHash(), hash)) {
            differentRequest(request, response, key, stored.get());
            return;
        }
        replay(response, stored.get());
    }

    private void run(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain, String principal, String key)
            throws ServletException, IOException {
        ContentCachingResponseWrapper wrapped = new ContentCachingResponseWrapper(response);
        try {
            chain.doFilter(request, wrapped);
        } catch (IOException | ServletException | RuntimeException e) {
            store.release(principal, key);
            throw e;
        }
        int status = wrapped.getStatus();
        if (status >= 200 && status < 300) {
            try {
                store.complete(
                        principal,
                        key,
                        status,
                        wrapped.getContentType(),
                        wrapped.getHeader(HttpHeaders.LOCATION),
                        wrapped.getContentAsByteArray());
            } catch (RuntimeException e) {
                // the work is done and answered; a retry gets 409 until the in-progress timeout
                log.error("could not store the answer for Idempotency-Key {} of {}: {}", key, principal, e.toString());
            }
        } else {
            store.release(principal, key);
        }
        wrapped.copyBodyToResponse();
    }

    private void replay(HttpServletResponse response, IdempotencyStore.Stored stored) throws IOException {
        count("replayed");
        response.setStatus(stored.status());
        if (stored.contentType() != null) {
            response.setContentType(stored.contentType());
        }
        if (stored.location() != null) {
            response.setHeader(HttpHeaders.LOCATION, stored.location());
        }
        response.setHeader(REPLAYED, "true");
        byte[] body = stored.body() == null ? new byte[0] : stored.body();
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private void differentRequest(
            HttpServletRequest request, HttpServletResponse response, String key, IdempotencyStore.Stored stored)
            throws IOException {
        count("mismatch");
        problems.write(
                request,
                response,
                HttpStatus.UNPROCESSABLE_CONTENT,
                "Idempotency-Key '" + key + "' was already used for a different request (" + stored.method() + " "
                        + stored.path() + "); use a new key for a new request");
    }

    private void count(String outcome) {
        meterRegistry.counter("relops.gateway.idempotency", "outcome", outcome).increment();
    }

    /** SHA-256 of what makes two requests the same: method, path, content type, CloudEvents headers, body. */
    static byte[] fingerprint(HttpServletRequest request, byte[] body) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<String> parts = new ArrayList<>();
        parts.add(request.getMethod());
        parts.add(request.getRequestURI());
        parts.add(String.valueOf(request.getContentType()));
        List<String> cloudEventHeaders = new ArrayList<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("ce-")) {
                cloudEventHeaders.add(lower + ":" + headerValue(request, name));
            }
        }
        Collections.sort(cloudEventHeaders);
        parts.addAll(cloudEventHeaders);
        for (String part : parts) {
            digest.update(part.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
        }
        return digest.digest(body);
    }

    private static String headerValue(HttpServletRequest request, String name) {
        @Nullable String value = request.getHeader(name);
        return value == null ? "" : value;
    }
}
