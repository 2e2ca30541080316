package io.relops.gateway.security;

import io.relops.gateway.GatewayProperties;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bearer-token authentication and the authorization matrix. Roles: operator (releases), approver,
 * auditor, admin (everything). Failures answer {@code application/problem+json}.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    @Bean
    TokenIntrospector tokenIntrospector(GatewayProperties properties) {
        TokenIntrospector introspector = new TokenIntrospector(properties);
        if (introspector.size() == 0) {
            log.warn("no API tokens configured (RELOPS_TOKEN_OPERATOR, ...): every API call will be refused");
        }
        return introspector;
    }

    @Bean
    SecurityFilterChain api(HttpSecurity http, TokenIntrospector introspector, JsonMapper json) throws Exception {
        AuthenticationEntryPoint unauthorized = (request, response, e) -> problem(
                json,
                response,
                HttpStatus.UNAUTHORIZED,
                "a valid bearer token is required (Authorization: Bearer <token>)",
                request.getRequestURI());
        AccessDeniedHandler forbidden = (request, response, e) ->
                problem(json, response, HttpStatus.FORBIDDEN, "your role may not do this", request.getRequestURI());
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(auth -> auth.requestMatchers("/actuator/health/**", "/actuator/info")
                        .permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/releases")
                        .hasAnyRole("OPERATOR", "ADMIN")
                        // the catalog names the approving role per environment: checked by ReleaseActions
                        .requestMatchers(HttpMethod.POST, "/api/releases/*/approve", "/api/releases/*/reject")
                        .authenticated()
                        .requestMatchers(
                                HttpMethod.POST,
                                "/api/releases/*/promote",
                                "/api/releases/*/abort",
                                "/api/releases/*/rollback")
                        .hasAnyRole("OPERATOR", "ADMIN")
                        .requestMatchers(HttpMethod.GET, "/api/releases/**")
                        .hasAnyRole("OPERATOR", "APPROVER", "AUDITOR", "ADMIN")
                        // query routes to backup, alert and audit services (route/BackendRoutes)
                        .requestMatchers(HttpMethod.POST, "/api/backups/*/restore")
                        .hasRole("ADMIN")
                        .requestMatchers(
                                HttpMethod.POST,
                                "/api/backups",
                                "/api/backups/*/verify",
                                "/api/silences",
                                "/api/alerts/*/acknowledge")
                        .hasAnyRole("OPERATOR", "ADMIN")
                        .requestMatchers(HttpMethod.DELETE, "/api/silences/*")
                        .hasAnyRole("OPERATOR", "ADMIN")
                        .requestMatchers(HttpMethod.GET, "/api/audit/**")
                        .hasAnyRole("AUDITOR", "ADMIN")
                        .requestMatchers(HttpMethod.GET, "/api/backups/**", "/api/alerts/**", "/api/silences/**")
                        .hasAnyRole("OPERATOR", "APPROVER", "AUDITOR", "ADMIN")
                        .requestMatchers("/actuator/**")
                        .hasRole("ADMIN")
                        .anyRequest()
                        .denyAll())
                .oauth2ResourceServer(oauth -> oauth.opaqueToken(token -> token.introspector(introspector))
                        .authenticationEntryPoint(unauthorized)
                        .accessDeniedHandler(forbidden))
                .exceptionHandling(
                        ex -> ex.authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden));
        return http.build();
    }

    private static void problem(
            JsonMapper json, HttpServletResponse response, HttpStatus status, String detail, String path)
            throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setInstance(URI.create(path));
        if (status == HttpStatus.UNAUTHORIZED) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
