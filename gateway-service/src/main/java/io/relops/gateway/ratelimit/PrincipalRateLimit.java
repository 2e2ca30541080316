package io.relops.gateway.ratelimit;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.relops.platform.web.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * One Resilience4j {@link RateLimiter} per authenticated principal: a principal over its limit gets
 * {@code 429} with {@code Retry-After} (whole seconds until its next permit) and nothing is done.
 * Runs after Spring Security, so that only authenticated requests count and the key is the
 * principal, never a client-chosen value. The limit is per gateway instance.
 */
public final class PrincipalRateLimit extends OncePerRequestFilter {

    private final RateLimiterRegistry limiters;
    private final RateLimitSettings settings;
    private final Counter refused;
    private final Problems problems;

    public PrincipalRateLimit(RateLimitSettings settings, MeterRegistry meterRegistry, Problems problems) {
        this.settings = settings;
        this.problems = problems;
        this.limiters = RateLimiterRegistry.of(RateLimiterConfig.custom()
                .limitForPeriod(settings.limitForPeriod())
                .limitRefreshPeriod(settings.refreshPeriod())
                .timeoutDuration(Duration.ZERO)
                .build());
        this.refused = meterRegistry.counter("relops.gateway.rate-limited");
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !settings.enabled() || !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication user = SecurityContextHolder.getContext().getAuthentication();
        if (user == null || !user.isAuthenticated()) {
            chain.doFilter(request, response);
            return;
        }
        RateLimiter limiter = limiters.rateLimiter(user.getName());
        if (limiter.acquirePermission()) {
            chain.doFilter(request, response);
            return;
        }
        refused.increment();
        long retryAfter = Math.max(1, (long) Math.ceil(nanosToWait(limiter) / 1e9));
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
        problems.write(
                request,
                response,
                HttpStatus.TOO_MANY_REQUESTS,
                user.getName() + " made more than " + settings.limitForPeriod() + " requests in "
                        + settings.refreshPeriod().toMillis() + " ms; retry after " + retryAfter + " s");
    }

    private long nanosToWait(RateLimiter limiter) {
        if (limiter instanceof AtomicRateLimiter atomic) {
            return atomic.getDetailedMetrics().getNanosToWait();
        }
        return settings.refreshPeriod().toNanos();
    }
}
