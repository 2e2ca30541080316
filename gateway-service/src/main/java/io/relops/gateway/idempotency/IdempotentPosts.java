package io.relops.gateway.idempotency;

import io.micrometer.core.instrument.MeterRegistry;
import io.relops.gateway.events.RequestEvents;
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
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * {@code Idempotency-Key} on every {@code POST /api/...}: the first request with a key (per
 * authenticated principal) claims it in PostgreSQL, runs, and stores its answer (status, {@code
 * Content-Type}, {@code Location}, body) when it succeeded (2xx); a failed request frees the key.
 * A retry with the same key and the same request gets the stored answer again, marked {@code
 * Idempotent-Replayed: true}, and nothing is done twice. The same key with a different request is
 * refused with {@code 422}; a claim left in progress by an earlier gateway version (which claimed and answered in
 * two commits) gets {@code 409} with {@code Retry-After}. Requests without the header are not affected.
 *
 * <p>The claim, the request's work (its event goes into the gateway's outbox, {@link RequestEvents}) and the stored
 * answer are one PostgreSQL transaction with one commit; a request that fails rolls back, which frees its key and
 * drops its event. A successful request whose commit fails did nothing and is answered {@code 503}, not its answer. The
 * claimed row stays locked until then, so a concurrent request with the same key waits and gets the answer (or runs,
 * when the first failed). The request runs with that transaction bound to its thread: JDBC work in the chain joins it
 * (this store and the outbox).
 */
public final class IdempotentPosts extends OncePerRequestFilter {

    public static final String HEADER = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";
    private static final Pattern VALID_KEY = Pattern.compile("^[\\x21-\\x7e]{1,255}$");
    private static final Logger log = LoggerFactory.getLogger(IdempotentPosts.class);

    private final IdempotencyStore store;
    private final Problems problems;
    private final MeterRegistry meterRegistry;
    private final PlatformTransactionManager transactions;

    IdempotentPosts(
            IdempotencyStore store,
            Problems problems,
            MeterRegistry meterRegistry,
            PlatformTransactionManager transactions) {
        this.store = store;
        this.problems = problems;
        this.meterRegistry = meterRegistry;
        this.transactions = transactions;
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
        // the claim, the request's work and its answer in one transaction: one commit, and nothing to undo when the
        // request fails (the rollback frees the key)
        TransactionStatus transaction = transactions.getTransaction(TransactionDefinition.withDefaults());
        ContentCachingResponseWrapper answer = null;
        boolean commit = false;
        boolean committed = false;
        try {
            if (store.claim(principal, key, hash, request.getMethod(), request.getRequestURI())) {
                answer = new ContentCachingResponseWrapper(response);
                commit = run(request, answer, chain, principal, key);
            } else {
                answerStored(request, response, key, hash, store.find(principal, key));
            }
        } finally {
            committed = end(transaction, commit, principal, key);
        }
        if (answer == null) {
            return;
        }
        boolean succeeded = answer.getStatus() >= 200 && answer.getStatus() < 300;
        if (succeeded && !committed && request.getAttribute(RequestEvents.IN_TRANSACTION) != null) {
            // the request's event was in the transaction that did not commit: nothing happened, say so
            count("not-committed");
            response.reset();
            response.setHeader(HttpHeaders.RETRY_AFTER, "1");
            problems.write(
                    request,
                    response,
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "the request with Idempotency-Key '" + key + "' could not be committed, so nothing was done;"
                            + " retry it with the same key");
            return;
        }
        answer.copyBodyToResponse(); // only once the answer is stored: a retry gets the same
    }

    /** Runs the request; true when it succeeded (2xx) and its answer is to be committed with the key. */
    private boolean run(
            HttpServletRequest request,
            ContentCachingResponseWrapper answer,
            FilterChain chain,
            String principal,
            String key)
            throws ServletException, IOException {
        chain.doFilter(request, answer);
        int status = answer.getStatus();
        if (status < 200 || status >= 300) {
            return false;
        }
        try {
            store.complete(
                    principal,
                    key,
                    status,
                    answer.getContentType(),
                    answer.getHeader(HttpHeaders.LOCATION),
                    answer.getContentAsByteArray());
            return true;
        } catch (RuntimeException e) {
            couldNotStore(principal, key, e);
            return false;
        }
    }

    /**
     * Commits the claim with its answer, or rolls back (a failed request, or a key already used: nothing to keep).
     */
    private boolean end(TransactionStatus transaction, boolean commit, String principal, String key) {
        if (!commit) {
            transactions.rollback(transaction);
            return false;
        }
        try {
            transactions.commit(transaction);
            return true;
        } catch (RuntimeException e) {
            couldNotStore(principal, key, e);
            return false;
        }
    }

    /**
     * The key is free again (no answer to replay). A request whose work was outside the transaction (proxied to a
     * backend) is answered all the same; one whose event was in it did nothing and is answered 503.
     */
    private static void couldNotStore(String principal, String key, RuntimeException e) {
        log.error("could not store the answer for Idempotency-Key {} of {}: {}", key, principal, e.toString());
    }

    /** The key was used before: its stored answer, or 422 for another request, or 409 while one is in progress. */
    private void answerStored(
            HttpServletRequest request,
            HttpServletResponse response,
            String key,
            byte[] hash,
            Optional<IdempotencyStore.Stored> stored)
            throws IOException {
        if (stored.isPresent() && !MessageDigest.isEqual(stored.get().requestHash(), hash)) {
            differentRequest(request, response, key, stored.get());
        } else if (stored.isEmpty() || !stored.get().completed()) {
            count("in-progress");
            response.setHeader(HttpHeaders.RETRY_AFTER, "1");
            problems.write(
                    request,
                    response,
                    HttpStatus.CONFLICT,
                    "a request with Idempotency-Key '" + key + "' is in progress; retry to get its answer");
        } else {
            replay(response, stored.get());
        }
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
