package io.relops.gateway;

import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param deployUrl base URL of deploy-service
 * @param auditUrl base URL of audit-service
 * @param serviceToken the gateway's own bearer token (role {@code timeline} at audit-service) for the
 *     release timeline it composes into {@code GET /api/releases/{id}}; blank: the caller's token is
 *     forwarded instead (then only auditors and admins see timelines)
 */
@ConfigurationProperties("relops.gateway")
public record GatewayProperties(
        URI deployUrl, URI auditUrl, @Nullable String serviceToken) {}
