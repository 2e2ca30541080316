package io.relops.gateway;

import java.net.URI;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param deployUrl base URL of deploy-service
 * @param auditUrl base URL of audit-service
 * @param tokens the API tokens of the local default
 * @param backupUrl base URL of backup-service
 * @param alertUrl base URL of alert-service
 */
@ConfigurationProperties("relops.gateway")
public record GatewayProperties(
        URI deployUrl, URI auditUrl, @Nullable List<ApiToken> tokens, URI backupUrl, URI alertUrl) {

    /** A named API token with one role; a blank token is ignored. */
    public record ApiToken(
            String name, String role, @Nullable String token) {}
}
