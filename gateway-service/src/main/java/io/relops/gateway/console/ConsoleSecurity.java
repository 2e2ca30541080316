package io.relops.gateway.console;

import io.relops.platform.security.BearerAuthentication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

/**
 * The console's own filter chain, ahead of the API's: sign-in with an API token into a server
 * session (cookie HttpOnly, SameSite=Strict, see application.yml), CSRF on every form and htmx
 * POST, a strict Content-Security-Policy (no inline script or style), logout.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleSecurity {

    static final String OPERATORS = "OPERATOR";

    @Bean
    @Order(1)
    SecurityFilterChain console(HttpSecurity http, BearerAuthentication tokens) throws Exception {
        http.securityMatcher("/console", "/console/**")
                .authenticationManager(new ProviderManager(new TokenSignIn(tokens)))
                .authorizeHttpRequests(auth -> auth.requestMatchers(
                                "/console/login", "/console/forbidden", "/console/assets/**", "/console/webjars/**")
                        .permitAll()
                        // approve and reject: the catalog names the approving role, checked by ReleaseActions
                        .requestMatchers(
                                HttpMethod.POST,
                                "/console/releases",
                                "/console/applications/*/environments/*/promote",
                                "/console/releases/*/promote",
                                "/console/releases/*/abort",
                                "/console/releases/*/rollback",
                                "/console/backups",
                                "/console/silences",
                                "/console/silences/**")
                        .hasAnyRole(OPERATORS, "ADMIN")
                        .requestMatchers("/console/audit", "/console/audit/**")
                        .hasAnyRole("AUDITOR", "ADMIN")
                        .anyRequest()
                        .authenticated())
                .formLogin(login -> login.loginPage("/console/login")
                        .loginProcessingUrl("/console/login")
                        .usernameParameter("user")
                        .passwordParameter("token")
                        .defaultSuccessUrl("/console/releases")
                        .failureUrl("/console/login?error")
                        .permitAll())
                .logout(logout -> logout.logoutUrl("/console/logout")
                        .logoutSuccessUrl("/console/login?logout")
                        .deleteCookies("RELOPS_CONSOLE"))
                .exceptionHandling(ex -> ex.accessDeniedPage("/console/forbidden"))
                .headers(headers -> headers.contentSecurityPolicy(
                                csp -> csp.policyDirectives(
                                        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                                + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"))
                        .referrerPolicy(
                                referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN))
                        .frameOptions(frame -> frame.deny()));
        return http.build();
    }
}
