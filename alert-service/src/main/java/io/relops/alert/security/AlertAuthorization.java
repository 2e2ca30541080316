package io.relops.alert.security;

import static io.relops.platform.security.AuthorizationMatrix.Access.anyOf;
import static io.relops.platform.security.Roles.ADMIN;
import static io.relops.platform.security.Roles.APPROVER;
import static io.relops.platform.security.Roles.AUDITOR;
import static io.relops.platform.security.Roles.INGEST;
import static io.relops.platform.security.Roles.OPERATOR;

import io.relops.platform.security.AuthorizationMatrix;
import io.relops.platform.security.AuthorizationMatrix.Access;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The authorization matrix of alert-service: anyone may look, operators raise, acknowledge and silence; the
 * {@code ingest} credential of Alertmanager and other producers raises alerts and may do nothing else. Authentication (API tokens, JWT), the actuator rules and the
 * security headers are the platform's; whatever has no rule here is refused.
 */
@Configuration(proxyBeanMethods = false)
class AlertAuthorization {

    private static final Access PEOPLE = anyOf(OPERATOR, APPROVER, AUDITOR, ADMIN);
    private static final Access OPERATORS = anyOf(OPERATOR, ADMIN);
    private static final Access PRODUCERS = anyOf(INGEST, OPERATOR, ADMIN);

    @Bean
    AuthorizationMatrix authorizationMatrix() {
        return AuthorizationMatrix.builder()
                .get("/api/alerts", PEOPLE)
                .get("/api/alerts/{fingerprint}", PEOPLE)
                // alerts raised by producers and Alertmanager (its webhook sends an ingest token); people may too
                .post("/api/alerts", PRODUCERS)
                .post("/api/alerts/alertmanager", PRODUCERS)
                // Alertmanager's API v2: Prometheus' alerting.alertmanagers posts alerts, amtool reads and silences
                .post("/api/v2/alerts", PRODUCERS)
                .get("/api/v2/alerts", PEOPLE)
                .get("/api/v2/alerts/groups", PEOPLE)
                .get("/api/v2/silences", PEOPLE)
                .post("/api/v2/silences", OPERATORS)
                .get("/api/v2/silence/{id}", PEOPLE)
                .delete("/api/v2/silence/{id}", OPERATORS)
                .get("/api/v2/status", PEOPLE)
                .get("/api/v2/receivers", PEOPLE)
                .post("/api/alerts/{fingerprint}/acknowledge", OPERATORS)
                .get("/api/silences", PEOPLE)
                .get("/api/silences/{id}", PEOPLE)
                .post("/api/silences", OPERATORS)
                .delete("/api/silences/{id}", OPERATORS)
                .build();
    }
}
