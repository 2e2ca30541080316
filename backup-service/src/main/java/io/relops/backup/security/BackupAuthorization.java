package io.relops.backup.security;

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
 * The authorization matrix of backup-service: anyone may look, operators back up and verify, only admins restore. Authentication (API tokens, JWT), the actuator rules and the
 * security headers are the platform's; whatever has no rule here is refused.
 */
@Configuration(proxyBeanMethods = false)
class BackupAuthorization {

    private static final Access PEOPLE = anyOf(OPERATOR, APPROVER, AUDITOR, ADMIN);
    private static final Access OPERATORS = anyOf(OPERATOR, ADMIN);

    @Bean
    AuthorizationMatrix authorizationMatrix() {
        return AuthorizationMatrix.builder()
                .get("/api/backups", PEOPLE)
                .get("/api/backups/{id}", PEOPLE)
                .get("/api/backups/{id}/restores", PEOPLE)
                .post("/api/backups", OPERATORS)
                .post("/api/backups/{id}/verify", OPERATORS)
                // a restore overwrites live data: admins only
                .post("/api/backups/{id}/restore", anyOf(ADMIN))
                .build();
    }
}
