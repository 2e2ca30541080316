package io.relops.gateway.security;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Forwards the caller's {@code Authorization} header on a call to a service behind the gateway, so
 * that the service authorizes the same person the gateway did (and audits them). Add it to every
 * {@code RestClient} that queries a backend on a caller's behalf: {@code
 * builder.requestInterceptor(callerCredentials)}. Without an {@code Authorization} header (a web
 * console request), the token behind the caller's authentication is sent: the one {@code
 * BearerAuthentication} resolved at sign-in (an API token's or a JWT's). With neither nothing is
 * added and the backend answers 401.
 */
@Component
public class CallerCredentials implements ClientHttpRequestInterceptor {

    @Override
    public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
            throws IOException {
        if (!request.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)) {
            String authorization = authorization();
            if (authorization != null) {
                request.getHeaders().set(HttpHeaders.AUTHORIZATION, authorization);
            }
        }
        return execution.execute(request, body);
    }

    /** The caller's header, else the token behind the caller's authentication (a console session). */
    private static @Nullable String authorization() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            HttpServletRequest caller = attributes.getRequest();
            String header = caller.getHeader(HttpHeaders.AUTHORIZATION);
            if (header != null) {
                return header;
            }
        }
        var authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication instanceof AbstractOAuth2TokenAuthenticationToken<?> token) {
            return "Bearer " + token.getToken().getTokenValue();
        }
        if (authentication instanceof BearerCredential session) {
            return "Bearer " + session.bearerToken();
        }
        return null;
    }
}
