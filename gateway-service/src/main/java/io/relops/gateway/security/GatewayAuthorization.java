package io.relops.gateway.security;

import static io.relops.platform.security.AuthorizationMatrix.Access.anyOf;
import static io.relops.platform.security.AuthorizationMatrix.Access.authenticated;
import static io.relops.platform.security.AuthorizationMatrix.Access.signed;
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
 * The gateway's authorization matrix: every {@code /api} endpoint and the roles that may call it
 * (documented, and tested against, in docs/security.md). The routes that proxy to backup, alert,
 * audit and deploy services carry the same rules as the services themselves, which check them again with
 * the forwarded token (ForwardedRoutesTest holds every forwarded endpoint to that). The web console
 * ({@code /console/**}) has its own session-based chain.
 */
@Configuration(proxyBeanMethods = false)
class GatewayAuthorization {

    private static final Access PEOPLE = anyOf(OPERATOR, APPROVER, AUDITOR, ADMIN);
    private static final Access OPERATORS = anyOf(OPERATOR, ADMIN);
    private static final Access AUDITORS = anyOf(AUDITOR, ADMIN);
    private static final Access PRODUCERS = anyOf(INGEST, OPERATOR, ADMIN);

    @Bean
    AuthorizationMatrix authorizationMatrix() {
        return AuthorizationMatrix.builder()
                // releases
                .post("/api/releases", OPERATORS)
                .get("/api/releases", PEOPLE)
                .get("/api/releases/{id}", PEOPLE)
                // the catalog names the approving role per environment: ReleaseActions checks it
                .post("/api/releases/{id}/approve", authenticated())
                .post("/api/releases/{id}/reject", authenticated())
                .post("/api/releases/{id}/promote", OPERATORS)
                .post("/api/releases/{id}/abort", OPERATORS)
                .post("/api/releases/{id}/rollback", OPERATORS)
                // CloudEvents over HTTP (producers with an ingest token, and people); which event types a role may
                // publish is checked by the endpoint
                .post("/api/events", PRODUCERS)
                // proxied to backup-service
                .get("/api/backups", PEOPLE)
                .get("/api/backups/{id}", PEOPLE)
                .get("/api/backups/{id}/restores", PEOPLE)
                .post("/api/backups", OPERATORS)
                .post("/api/backups/{id}/verify", OPERATORS)
                .post("/api/backups/{id}/restore", anyOf(ADMIN))
                // proxied to alert-service
                .get("/api/alerts", PEOPLE)
                .get("/api/alerts/{fingerprint}", PEOPLE)
                // alerts raised by producers and Alertmanager's webhook (an ingest token); people may too
                .post("/api/alerts", PRODUCERS)
                .post("/api/alerts/alertmanager", PRODUCERS)
                .post("/api/alerts/{fingerprint}/acknowledge", OPERATORS)
                .get("/api/silences", PEOPLE)
                .get("/api/silences/{id}", PEOPLE)
                .post("/api/silences", OPERATORS)
                .delete("/api/silences/{id}", OPERATORS)
                // Alertmanager's API v2, proxied to alert-service (Prometheus' alerting.alertmanagers, amtool)
                .post("/api/v2/alerts", PRODUCERS)
                .get("/api/v2/alerts", PEOPLE)
                .get("/api/v2/alerts/groups", PEOPLE)
                .get("/api/v2/silences", PEOPLE)
                .post("/api/v2/silences", OPERATORS)
                .get("/api/v2/silence/{id}", PEOPLE)
                .delete("/api/v2/silence/{id}", OPERATORS)
                .get("/api/v2/status", PEOPLE)
                .get("/api/v2/receivers", PEOPLE)
                // proxied to audit-service
                .get("/api/audit/events", AUDITORS)
                .get("/api/audit/verify", AUDITORS)
                .get("/api/audit/public-key", AUDITORS)
                .get("/api/audit/export", AUDITORS)
                .get("/api/audit/releases/{releaseId}/evidence", AUDITORS)
                // proxied to deploy-service
                .get("/api/dora", PEOPLE)
                .get("/api/applications", PEOPLE)
                .get("/api/applications/{application}", PEOPLE)
                // an external deployment system calling back: no bearer token, deploy-service checks the HMAC
                // signature of the body (route/BackendRoutes)
                .post("/api/targets/webhook/callback/{releaseId}", signed())
                .build();
    }
}
