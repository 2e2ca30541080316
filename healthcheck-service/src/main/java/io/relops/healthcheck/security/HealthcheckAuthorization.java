package io.relops.healthcheck.security;

import static io.relops.platform.security.AuthorizationMatrix.Access.anyOf;
import static io.relops.platform.security.Roles.ADMIN;
import static io.relops.platform.security.Roles.APPROVER;
import static io.relops.platform.security.Roles.AUDITOR;
import static io.relops.platform.security.Roles.OPERATOR;

import io.relops.platform.security.AuthorizationMatrix;
import io.relops.platform.security.AuthorizationMatrix.Access;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The authorization matrix of healthcheck-service: its queries are for people. Authentication (API tokens, JWT), the actuator rules and the
 * security headers are the platform's; whatever has no rule here is refused.
 */
@Configuration(proxyBeanMethods = false)
class HealthcheckAuthorization {

    private static final Access PEOPLE = anyOf(OPERATOR, APPROVER, AUDITOR, ADMIN);

    @Bean
    AuthorizationMatrix authorizationMatrix() {
        return AuthorizationMatrix.builder()
                .get("/api/health/verifications", PEOPLE)
                .get("/api/health/verifications/{id}", PEOPLE)
                .get("/api/health/applications", PEOPLE)
                .get("/api/health/applications/{application}", PEOPLE)
                .build();
    }
}
