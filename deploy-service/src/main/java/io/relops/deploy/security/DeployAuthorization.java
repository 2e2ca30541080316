package io.relops.deploy.security;

import static io.relops.platform.security.AuthorizationMatrix.Access.anyOf;
import static io.relops.platform.security.AuthorizationMatrix.Access.signed;
import static io.relops.platform.security.Roles.ADMIN;
import static io.relops.platform.security.Roles.APPROVER;
import static io.relops.platform.security.Roles.AUDITOR;
import static io.relops.platform.security.Roles.OPERATOR;

import io.relops.platform.security.AuthorizationMatrix;
import io.relops.platform.security.AuthorizationMatrix.Access;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The authorization matrix of deploy-service: release and application queries for people (the gateway forwards the caller's token); the webhook target's callback is authenticated by its HMAC signature in code. Authentication (API tokens, JWT), the actuator rules and the
 * security headers are the platform's; whatever has no rule here is refused.
 */
@Configuration(proxyBeanMethods = false)
class DeployAuthorization {

    private static final Access PEOPLE = anyOf(OPERATOR, APPROVER, AUDITOR, ADMIN);

    @Bean
    AuthorizationMatrix authorizationMatrix() {
        return AuthorizationMatrix.builder()
                .get("/api/releases", PEOPLE)
                .get("/api/releases/{id}", PEOPLE)
                .get("/api/dora", PEOPLE)
                .get("/api/applications", PEOPLE)
                .get("/api/applications/{application}", PEOPLE)
                .get("/api/applications/{application}/environments/{environment}/promotion", PEOPLE)
                // a deployment system calling back: authenticated by its HMAC signature (WebhookCallbackController)
                .post("/api/targets/webhook/callback/{releaseId}", signed())
                .build();
    }
}
