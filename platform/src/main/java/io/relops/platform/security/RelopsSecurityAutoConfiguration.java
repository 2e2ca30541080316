package io.relops.platform.security;

import static io.relops.platform.security.AuthorizationMatrix.Access.anyOf;
import static io.relops.platform.security.AuthorizationMatrix.Access.open;
import static io.relops.platform.security.Roles.ADMIN;
import static io.relops.platform.security.Roles.METRICS;

import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ContentSecurityPolicyHeaderWriter;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.util.StringUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bearer authentication and the authorization matrix in every relops service. The API filter chain
 * covers {@code /api/**}, {@code /actuator/**} and the OpenAPI documents only, so that a service may
 * add chains of its own for other paths (the gateway's session-based console under {@code
 * /console/**}). A service declares its endpoints' rules as an {@link AuthorizationMatrix} bean;
 * without one, every {@code /api} call is refused.
 */
@AutoConfiguration(
        before = {
            ServletWebSecurityAutoConfiguration.class,
            ManagementWebSecurityAutoConfiguration.class,
            UserDetailsServiceAutoConfiguration.class,
            OAuth2ResourceServerAutoConfiguration.class
        })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(SecurityFilterChain.class)
@EnableWebSecurity
@EnableConfigurationProperties(SecurityProperties.class)
public class RelopsSecurityAutoConfiguration {

    /** The order of the API chain; other chains (with other paths) may come before or after. */
    public static final int API_CHAIN_ORDER = 100;

    /** The paths of the API chain. */
    public static final String[] API_PATHS = {
        "/api/**", "/actuator/**", "/v3/api-docs/**", "/v3/api-docs.yaml/**", "/swagger-ui/**", "/swagger-ui.html"
    };

    /** Nothing may be loaded, framed, or submitted: the API answers JSON only. */
    static final String API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /** Swagger UI loads its own scripts, styles and images, and nothing from elsewhere. */
    static final String DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
            + " frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private static final Logger log = LoggerFactory.getLogger(RelopsSecurityAutoConfiguration.class);

    /**
     * What every service shares: health and info for probes, metrics for the {@code metrics} role
     * (Prometheus) and admins, the rest of actuator for admins, the OpenAPI documents for anyone.
     */
    public static AuthorizationMatrix sharedRules() {
        return AuthorizationMatrix.builder()
                .get("/actuator/health", open())
                .get("/actuator/health/**", open())
                .get("/actuator/info", open())
                .get("/actuator/prometheus", anyOf(METRICS, ADMIN))
                .get("/actuator/metrics", anyOf(METRICS, ADMIN))
                .get("/actuator/metrics/**", anyOf(METRICS, ADMIN))
                .rule(null, "/actuator/**", anyOf(ADMIN))
                .get("/v3/api-docs/**", open())
                .get("/v3/api-docs.yaml/**", open())
                .get("/swagger-ui/**", open())
                .get("/swagger-ui.html", open())
                .build();
    }

    @Bean
    ApiTokens relopsApiTokens(SecurityProperties properties) {
        ApiTokens tokens = new ApiTokens(properties.tokens());
        log.info("API tokens configured: {}", tokens.size());
        return tokens;
    }

    /** Refuses to run before a bean is made when a setting holds a shipped example secret outside local use. */
    @Bean
    static KnownDefaults relopsKnownDefaults() {
        return new KnownDefaults();
    }

    @Bean
    BearerAuthentication relopsBearerAuthentication(
            ApiTokens tokens,
            SecurityProperties properties,
            ObjectProvider<JwtDecoder> jwtDecoder,
            Environment environment) {
        requireAudienceWithIssuer(environment);
        JwtDecoder decoder = jwtDecoder.getIfAvailable();
        JwtAuthenticationProvider jwt = null;
        if (decoder != null) {
            JwtRoles roles = new JwtRoles(properties.jwt());
            if (!roles.grantsAnyRole()) {
                log.warn("JWTs are accepted but grant no role: relops.security.jwt.role-mapping is empty "
                        + "(docs/security.md, JWT)");
            }
            jwt = new JwtAuthenticationProvider(decoder);
            jwt.setJwtAuthenticationConverter(roles);
        }
        BearerAuthentication bearer = new BearerAuthentication(tokens, jwt);
        if (tokens.size() == 0 && !bearer.acceptsJwt()) {
            log.warn("no API token (relops.security.tokens) and no JWT issuer "
                    + "(spring.security.oauth2.resourceserver.jwt.*) configured: every authenticated call is refused");
        }
        return bearer;
    }

    /**
     * With an issuer (or a JWK set) configured, a JWT must name relops among its audiences: without an audience
     * every token the identity provider issues for any application would be accepted. Spring Boot's decoder
     * checks the {@code aud} claim against {@code spring.security.oauth2.resourceserver.jwt.audiences}.
     */
    static void requireAudienceWithIssuer(Environment environment) {
        String jwt = "spring.security.oauth2.resourceserver.jwt.";
        boolean issuer = Stream.of("issuer-uri", "jwk-set-uri", "public-key-location")
                .anyMatch(key -> StringUtils.hasText(environment.getProperty(jwt + key)));
        List<String> audiences = Binder.get(environment)
                .bind(jwt + "audiences", Bindable.listOf(String.class))
                .orElse(List.of());
        if (issuer && audiences.stream().noneMatch(StringUtils::hasText)) {
            throw new UnsafeSetting(
                    List.of(jwt + "audiences (SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_AUDIENCES)"),
                    "JWTs are accepted from an issuer, but no audience is required: a token the identity provider"
                            + " issued for any other application would be accepted. Not set",
                    "Set " + jwt + "audiences to the audience (aud claim) your identity provider gives the tokens it"
                            + " issues for relops, e.g. relops (docs/security.md, JWT).");
        }
    }

    /**
     * No observation of Spring Security's filters, authentications or authorizations. Turning its observations
     * off by predicate ({@code management.observations.enable.spring.security}) still wraps every filter of every
     * request in an observing decorator that creates and discards a no-op observation per filter (paid on every
     * request: docs/gateway-api.md, Benchmark); with these settings the filter chain is not
     * decorated at all. Requests stay observed once, as {@code http.server.requests}.
     */
    @Bean
    static SecurityObservationSettings relopsSecurityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    ProblemResponses relopsProblemResponses(JsonMapper json) {
        return new ProblemResponses(json);
    }

    @Bean
    @Order(API_CHAIN_ORDER)
    SecurityFilterChain relopsApiSecurity(
            HttpSecurity http,
            ObjectProvider<AuthorizationMatrix> serviceMatrix,
            BearerAuthentication bearer,
            ProblemResponses problems)
            throws Exception {
        AuthorizationMatrix own =
                serviceMatrix.getIfAvailable(() -> AuthorizationMatrix.builder().build());
        AuthorizationMatrix matrix = sharedRules().and(own);
        RequestMatcher docs = new OrRequestMatcher(
                PathPatternRequestMatcher.withDefaults().matcher("/swagger-ui/**"),
                PathPatternRequestMatcher.withDefaults().matcher("/swagger-ui.html"));
        http.securityMatcher(API_PATHS)
                .csrf(csrf -> csrf.disable()) // bearer tokens only: no cookie a browser would send by itself
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .authorizeHttpRequests(matrix::applyTo)
                .oauth2ResourceServer(oauth -> oauth.authenticationManagerResolver(request -> bearer)
                        .authenticationEntryPoint(problems.unauthorized())
                        .accessDeniedHandler(problems.forbidden(matrix)))
                .exceptionHandling(ex -> ex.authenticationEntryPoint(problems.unauthorized())
                        .accessDeniedHandler(problems.forbidden(matrix)))
                .headers(headers -> headers.httpStrictTransportSecurity(
                                // sent on TLS requests only (behind a proxy: server.forward-headers-strategy)
                                hsts -> hsts.includeSubDomains(true).maxAgeInSeconds(31_536_000))
                        .frameOptions(frame -> frame.deny())
                        .contentTypeOptions(nosniff -> {})
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER))
                        .addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(
                                new NegatedRequestMatcher(docs), new ContentSecurityPolicyHeaderWriter(API_CSP)))
                        .addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(
                                docs, new ContentSecurityPolicyHeaderWriter(DOCS_CSP))));
        return http.build();
    }
}
