package io.relops.gateway.console;

import io.relops.gateway.GatewayProperties;
import io.relops.gateway.deploy.DeployService;
import io.relops.gateway.web.UnansweredBackend;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.util.StreamUtils;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.util.UriBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The services the console reads and writes besides releases: backup, alert, audit, and deploy-service's DORA keys
 * and applications. Every call
 * carries the signed-in user's token as bearer, so each service decides what the user may do; a
 * problem answer ({@code application/problem+json}) or an unreachable service becomes a
 * {@link BackendProblem} that the page shows in words.
 */
@Component
class ConsoleBackends {

    static final ParameterizedTypeReference<Map<String, Object>> OBJECT = new ParameterizedTypeReference<>() {};
    static final ParameterizedTypeReference<List<Map<String, Object>>> LIST = new ParameterizedTypeReference<>() {};

    private final RestClient backup;
    private final RestClient alert;
    private final RestClient audit;
    private final RestClient deploy;
    private final JsonMapper json;

    ConsoleBackends(
            RestClient.Builder builder, GatewayProperties properties, DeployService deployService, JsonMapper json) {
        this.json = json;
        var requestFactory = ClientHttpRequestFactoryBuilder.jdk()
                .build(HttpClientSettings.defaults()
                        .withConnectTimeout(Duration.ofSeconds(2))
                        .withReadTimeout(Duration.ofSeconds(10)));
        this.backup = client(at(builder, properties.backupUrl()), "backup-service", requestFactory);
        this.alert = client(at(builder, properties.alertUrl()), "alert-service", requestFactory);
        this.audit = client(at(builder, properties.auditUrl()), "audit-service", requestFactory);
        this.deploy = client(deployService.client(builder.clone()), "deploy-service", requestFactory);
    }

    private static RestClient.Builder at(RestClient.Builder builder, URI base) {
        return builder.clone().baseUrl(base.toString());
    }

    private RestClient client(
            RestClient.Builder builder,
            String name,
            org.springframework.http.client.ClientHttpRequestFactory requestFactory) {
        return builder.requestFactory(requestFactory)
                .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
                    throw problem(name, response);
                })
                .build();
    }

    List<Map<String, Object>> backups(ConsoleUser user) {
        return call(
                "backup-service",
                () -> backup.get()
                        .uri("/api/backups?limit=100")
                        .headers(bearer(user))
                        .retrieve()
                        .body(LIST));
    }

    Map<String, Object> requestBackup(ConsoleUser user, String application) {
        return call(
                "backup-service",
                () -> backup.post()
                        .uri("/api/backups")
                        .headers(bearer(user))
                        .header("X-Relops-Actor", user.getName())
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(Map.of("application", application))
                        .retrieve()
                        .body(OBJECT));
    }

    List<Map<String, Object>> alerts(ConsoleUser user) {
        return call(
                "alert-service",
                () -> alert.get()
                        .uri("/api/alerts?limit=100")
                        .headers(bearer(user))
                        .retrieve()
                        .body(LIST));
    }

    List<Map<String, Object>> silences(ConsoleUser user) {
        return call(
                "alert-service",
                () -> alert.get()
                        .uri("/api/silences")
                        .headers(bearer(user))
                        .retrieve()
                        .body(LIST));
    }

    Map<String, Object> addSilence(ConsoleUser user, Map<String, Object> silence) {
        return call(
                "alert-service",
                () -> alert.post()
                        .uri("/api/silences")
                        .headers(bearer(user))
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(silence)
                        .retrieve()
                        .body(OBJECT));
    }

    Map<String, Object> expireSilence(ConsoleUser user, String id) {
        return call(
                "alert-service",
                () -> alert.delete()
                        .uri("/api/silences/{id}", id)
                        .headers(bearer(user))
                        .retrieve()
                        .body(OBJECT));
    }

    List<Map<String, Object>> auditEvents(ConsoleUser user, Function<UriBuilder, URI> query) {
        return call(
                "audit-service",
                () -> audit.get().uri(query).headers(bearer(user)).retrieve().body(LIST));
    }

    Map<String, Object> verify(ConsoleUser user) {
        return call(
                "audit-service",
                () -> audit.get()
                        .uri("/api/audit/verify")
                        .headers(bearer(user))
                        .retrieve()
                        .body(OBJECT));
    }

    Map<String, Object> evidence(ConsoleUser user, String releaseId) {
        return call(
                "audit-service",
                () -> audit.get()
                        .uri("/api/audit/releases/{id}/evidence", releaseId)
                        .headers(bearer(user))
                        .accept(MediaType.APPLICATION_JSON)
                        .retrieve()
                        .body(OBJECT));
    }

    /** The DORA four keys of every application and environment with releases in the window (deploy-service). */
    List<Map<String, Object>> dora(ConsoleUser user, String window) {
        return call(
                "deploy-service",
                () -> deploy.get()
                        .uri(uri -> uri.path("/api/dora")
                                .queryParam("window", window)
                                .build())
                        .headers(bearer(user))
                        .retrieve()
                        .body(LIST));
    }

    /** Every application with, per environment, its live version, last release and promotion (deploy-service). */
    List<Map<String, Object>> applications(ConsoleUser user) {
        return call(
                "deploy-service",
                () -> deploy.get()
                        .uri("/api/applications")
                        .headers(bearer(user))
                        .retrieve()
                        .body(LIST));
    }

    /** Streams an export of the audit log into {@code out}; answers the file name audit-service gave. */
    void export(ConsoleUser user, Function<UriBuilder, URI> query, ExportTarget target) {
        call(
                "audit-service",
                () -> audit.get().uri(query).headers(bearer(user)).exchange((request, response) -> {
                    if (response.getStatusCode().isError()) {
                        throw problem("audit-service", response);
                    }
                    HttpHeaders headers = response.getHeaders();
                    OutputStream out =
                            target.open(headers.getContentType(), headers.getFirst(HttpHeaders.CONTENT_DISPOSITION));
                    StreamUtils.copy(response.getBody(), out);
                    return true;
                }));
    }

    interface ExportTarget {
        OutputStream open(@Nullable MediaType type, @Nullable String disposition) throws java.io.IOException;
    }

    private static java.util.function.Consumer<HttpHeaders> bearer(ConsoleUser user) {
        return headers -> headers.setBearerAuth(user.token());
    }

    private <T> T call(String service, java.util.function.Supplier<@Nullable T> call) {
        try {
            T result = call.get();
            if (result == null) {
                throw new BackendProblem(502, service + " answered with an empty body");
            }
            return result;
        } catch (RestClientException e) {
            if (!UnansweredBackend.is(e)) {
                throw e;
            }
            throw new BackendProblem(503, service + " is not reachable right now; try again in a moment");
        }
    }

    private BackendProblem problem(String service, ClientHttpResponse response) throws java.io.IOException {
        int status = response.getStatusCode().value();
        String detail = null;
        try {
            JsonNode body = json.readTree(response.getBody());
            detail = body.path("detail").asString(null);
            if (detail == null) {
                detail = body.path("title").asString(null);
            }
        } catch (RuntimeException e) {
            // not a problem document: the status says enough
        }
        String what = status == 401
                ? "your token was not accepted"
                : status == 403 ? "your role may not do this" : status == 404 ? "not found" : "request failed";
        return new BackendProblem(
                status, (detail == null || detail.isBlank() ? what : detail) + " (" + service + ", " + status + ")");
    }
}
