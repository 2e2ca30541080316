package io.relops.audit.security;

import static io.relops.platform.security.AuthorizationMatrix.Access.anyOf;
import static io.relops.platform.security.Roles.ADMIN;
import static io.relops.platform.security.Roles.AUDITOR;
import static io.relops.platform.security.Roles.TIMELINE;

import io.relops.platform.security.AuthorizationMatrix;
import io.relops.platform.security.AuthorizationMatrix.Access;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The authorization matrix of audit-service: the log is for auditors and admins.
 * Authentication (API tokens, JWT), the actuator rules and the
 * security headers are the platform's; whatever has no rule here is refused.
 */
@Configuration(proxyBeanMethods = false)
class AuditAuthorization {

    private static final Access AUDITORS = anyOf(AUDITOR, ADMIN);

    @Bean
    AuthorizationMatrix authorizationMatrix() {
        return AuthorizationMatrix.builder()
                // the gateway reads a release's timeline with its own narrow credential (role timeline)
                .get("/api/audit/events", anyOf(AUDITOR, ADMIN, TIMELINE))
                .get("/api/audit/verify", AUDITORS)
                .get("/api/audit/public-key", AUDITORS)
                .get("/api/audit/export", AUDITORS)
                .get("/api/audit/releases/{releaseId}/evidence", AUDITORS)
                .build();
    }
}
