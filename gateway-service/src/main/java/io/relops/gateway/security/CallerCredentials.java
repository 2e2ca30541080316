package io.relops.gateway.security;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Forwards the caller's {@code Authorization} header on a call to a service behind the gateway, so
 * that the service authorizes the same person the gateway did (and audits them). Add it to every
 * {@code RestClient} that queries a backend on a caller's behalf: {@code
 * builder.requestInterceptor(callerCredentials)}. Outside a request (no caller) nothing is added and
 * the backend answers 401.
 */
@Component
public class CallerCredentials implements ClientHttpRequestInterceptor {

    @Override
    public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
            throws IOException {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            HttpServletRequest caller = attributes.getRequest();
            String authorization = caller.getHeader(HttpHeaders.AUTHORIZATION);
            if (authorization != null && !request.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)) {
                request.getHeaders().set(HttpHeaders.AUTHORIZATION, authorization);
            }
        }
        return execution.execute(request, body);
    }
}
