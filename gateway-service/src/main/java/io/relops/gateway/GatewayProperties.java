package io.relops.gateway;

import jakarta.validation.constraints.NotEmpty;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;
import org.springframework.validation.annotation.Validated;

/**
 * @param deployUrls base URLs of deploy-service's instances (property {@code deploy-url}, comma-separated): one URL is
 *     called as it is; several are load-balanced, an instance that refuses the connection skipped (deploy/DeployService)
 * @param auditUrl base URL of audit-service ({@code /api/audit/**} is routed there)
 * @param serviceToken the gateway's own bearer token (role {@code timeline} at audit-service) for the
 *     release timeline it composes into {@code GET /api/releases/{id}}; blank: the caller's token is
 *     forwarded instead (then only auditors and admins see timelines)
 * @param backupUrl base URL of backup-service ({@code /api/backups/**} is routed there)
 * @param alertUrl base URL of alert-service ({@code /api/alerts/**}, {@code /api/silences/**} and Alertmanager's API v2
 *     {@code /api/v2/**})
 * @param routes how the query routes reach their backends
 */
@ConfigurationProperties("relops.gateway")
@Validated
public record GatewayProperties(
        @Name("deploy-url") @NotEmpty List<URI> deployUrls,
        URI auditUrl,
        @Nullable String serviceToken,
        @DefaultValue("http://localhost:8083") URI backupUrl,
        @DefaultValue("http://localhost:8084") URI alertUrl,
        @DefaultValue Routes routes) {

    /**
     * @param connectTimeout how long to wait for a backend to accept the connection
     * @param readTimeout how long to wait for a backend's answer to start, and between two reads of its body
     *     (a long export streams: this bounds a stall, not the whole transfer)
     */
    public record Routes(
            @DefaultValue("2s") Duration connectTimeout,
            @DefaultValue("30s") Duration readTimeout) {}
}
