package io.relops.gateway.security;

import static org.springframework.test.web.client.match.MockRestRequestMatchers.header;
import static org.springframework.test.web.client.match.MockRestRequestMatchers.headerDoesNotExist;
import static org.springframework.test.web.client.match.MockRestRequestMatchers.requestTo;
import static org.springframework.test.web.client.response.MockRestResponseCreators.withSuccess;

import io.relops.platform.security.ApiTokens;
import io.relops.platform.security.BearerAuthentication;
import io.relops.platform.security.SecurityProperties;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.web.client.MockRestServiceServer;
import org.springframework.web.client.RestClient;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

class CallerCredentialsTest {

    private final RestClient.Builder builder =
            RestClient.builder().baseUrl("http://deploy").requestInterceptor(new CallerCredentials());
    private final MockRestServiceServer deploy =
            MockRestServiceServer.bindTo(builder).build();
    private final RestClient client = builder.build();

    @AfterEach
    void clear() {
        RequestContextHolder.resetRequestAttributes();
        SecurityContextHolder.clearContext();
    }

    @Test
    void forwardsTheCallersAuthorizationHeader() {
        MockHttpServletRequest caller = new MockHttpServletRequest("GET", "/api/releases");
        caller.addHeader("Authorization", "Bearer callers-token");
        RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(caller));
        deploy.expect(requestTo("http://deploy/api/releases"))
                .andExpect(header("Authorization", "Bearer callers-token"))
                .andRespond(withSuccess());

        client.get().uri("/api/releases").retrieve().toBodilessEntity();

        deploy.verify();
    }

    @Test
    void sendsTheTokenBehindASessionsAuthenticationWhenTheRequestHasNoHeader() {
        RequestContextHolder.setRequestAttributes(
                new ServletRequestAttributes(new MockHttpServletRequest("POST", "/console/releases")));
        BearerAuthentication bearer = new BearerAuthentication(
                new ApiTokens(List.of(new SecurityProperties.ApiToken(
                        "alice", List.of("operator"), ApiTokens.sha256Hex("session-token")))),
                null);
        SecurityContextHolder.getContext()
                .setAuthentication(bearer.resolve("session-token").orElseThrow());
        deploy.expect(requestTo("http://deploy/api/releases"))
                .andExpect(header("Authorization", "Bearer session-token"))
                .andRespond(withSuccess());

        client.get().uri("/api/releases").retrieve().toBodilessEntity();

        deploy.verify();
    }

    @Test
    void addsNothingWithoutACaller() {
        deploy.expect(requestTo("http://deploy/api/releases"))
                .andExpect(headerDoesNotExist("Authorization"))
                .andRespond(withSuccess());

        client.get().uri("/api/releases").retrieve().toBodilessEntity();

        deploy.verify();
    }
}
