package io.relops.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.relops.platform.web.Problems;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import tools.jackson.databind.json.JsonMapper;

class PrincipalRateLimitTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PrincipalRateLimit limit = new PrincipalRateLimit(
            new RateLimitSettings(true, 3, Duration.ofMinutes(1)),
            meters,
            new Problems(JsonMapper.builder().build()));
    private final AtomicInteger passed = new AtomicInteger();

    @AfterEach
    void clear() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void refusesAPrincipalOverItsLimitWith429AndRetryAfter() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(call("alice").getStatus()).isEqualTo(200);
        }

        MockHttpServletResponse refused = call("alice");

        assertThat(passed).hasValue(3);
        assertThat(refused.getStatus()).isEqualTo(429);
        assertThat(refused.getContentType()).isEqualTo("application/problem+json");
        assertThat(Long.parseLong(refused.getHeader("Retry-After"))).isBetween(1L, 60L);
        assertThat(refused.getContentAsString()).contains("alice made more than 3 requests in 60000 ms");
        assertThat(meters.counter("relops.gateway.rate-limited").count()).isEqualTo(1.0);
    }

    @Test
    void countsEachPrincipalApart() throws Exception {
        for (int i = 0; i < 3; i++) {
            call("alice");
        }

        assertThat(call("alice").getStatus()).isEqualTo(429);
        assertThat(call("bob").getStatus()).isEqualTo(200);
    }

    @Test
    void leavesRequestsOutsideTheApiAlone() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(call("alice", "/actuator/health").getStatus()).isEqualTo(200);
        }
    }

    private MockHttpServletResponse call(String principal) throws Exception {
        return call(principal, "/api/releases");
    }

    private MockHttpServletResponse call(String principal, String path) throws Exception {
        SecurityContextHolder.getContext()
                .setAuthentication(new TestingAuthenticationToken(principal, "n/a", "ROLE_OPERATOR"));
        MockHttpServletRequest request = new MockHttpServletRequest("POST", path);
        MockHttpServletResponse response = new MockHttpServletResponse();
        limit.doFilter(request, response, (req, res) -> passed.incrementAndGet());
        return response;
    }
}
