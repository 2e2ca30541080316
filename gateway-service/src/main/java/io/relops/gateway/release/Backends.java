package io.relops.gateway.release;

import io.relops.gateway.GatewayProperties;
import io.relops.gateway.deploy.DeployService;
import io.relops.gateway.security.CallerCredentials;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

/**
 * The services behind the gateway that answer release queries: deploy (state), with the caller's
 * token, and audit (timeline), with the gateway's own {@code timeline} credential when configured
 * (docs/security.md: an operator sees a release's timeline without being allowed to search the log).
 */
@Component
public class Backends {

    private static final ParameterizedTypeReference<Map<String, Object>> OBJECT = new ParameterizedTypeReference<>() {};
    private static final ParameterizedTypeReference<List<Map<String, Object>>> LIST =
            new ParameterizedTypeReference<>() {};

    private final RestClient deploy;
    private final RestClient audit;

    Backends(
            RestClient.Builder builder,
            GatewayProperties properties,
            DeployService deployService,
            CallerCredentials callerCredentials) {
        var requestFactory = org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder.jdk()
                .build(HttpClientSettings.defaults()
                        .withConnectTimeout(Duration.ofSeconds(2))
                        .withReadTimeout(Duration.ofSeconds(5)));
        this.deploy = deployService
                .client(builder.clone())
                .requestFactory(requestFactory)
                .requestInterceptor(callerCredentials)
                .build();
        RestClient.Builder audit =
                builder.clone().baseUrl(properties.auditUrl().toString()).requestFactory(requestFactory);
        String serviceToken = properties.serviceToken();
        if (serviceToken != null && !serviceToken.isBlank()) {
            audit.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + serviceToken);
        } else {
            audit.requestInterceptor(callerCredentials);
        }
        this.audit = audit.build();
    }

    public Optional<Map<String, Object>> release(UUID id) {
        try {
            return Optional.ofNullable(
                    deploy.get().uri("/api/releases/{id}", id).retrieve().body(OBJECT));
        } catch (HttpClientErrorException e) {
            if (e.getStatusCode() == HttpStatus.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Releases as deploy-service lists them, newest first, filtered. */
    public List<Map<String, Object>> releases(
            @Nullable String application, @Nullable String environment, @Nullable String status, int limit) {
        List<Map<String, Object>> releases = deploy.get()
                .uri(uri -> {
                    uri.path("/api/releases").queryParam("limit", limit);
                    if (application != null) {
                        uri.queryParam("application", application);
                    }
                    if (environment != null) {
                        uri.queryParam("environment", environment);
                    }
                    if (status != null) {
                        uri.queryParam("status", status);
                    }
                    return uri.build();
                })
                .retrieve()
                .body(LIST);
        return releases == null ? List.of() : releases;
    }

    /**
     * deploy-service's promotion check of {@code version} to {@code environment} ({@code ready}, {@code missing},
     * {@code reason}, {@code soakRemaining}, {@code sourceRelease}), with the caller's token.
     */
    public Map<String, Object> promotion(String application, String environment, String version) {
        Map<String, Object> check = deploy.get()
                .uri(
                        "/api/applications/{application}/environments/{environment}/promotion?version={version}",
                        application,
                        environment,
                        version)
                .retrieve()
                .body(OBJECT);
        if (check == null) {
            throw new IllegalStateException("deploy-service answered the promotion check with an empty body");
        }
        return check;
    }

    /** The applications as deploy-service shows them: per environment the live version, last release and promotion. */
    public List<Map<String, Object>> applications() {
        List<Map<String, Object>> applications =
                deploy.get().uri("/api/applications").retrieve().body(LIST);
        return applications == null ? List.of() : applications;
    }

    /** The release's audited events; empty when the caller's forwarded token may not read the log. */
    public List<Map<String, Object>> timeline(UUID releaseId) {
        try {
            List<Map<String, Object>> events = audit.get()
                    .uri("/api/audit/events?releaseId={id}&limit=1000", releaseId)
                    .retrieve()
                    .body(LIST);
            return events == null ? List.of() : events;
        } catch (HttpClientErrorException.Forbidden e) {
            return List.of();
        }
    }
}
