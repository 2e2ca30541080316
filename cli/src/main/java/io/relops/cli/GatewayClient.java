package io.relops.cli;

import io.relops.common.codec.EventJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** A small client of the gateway API, for the CLI. */
public final class GatewayClient {

    /** An answer of the gateway: status, Location header (if any) and the JSON body. */
    public record Answer(int status, String location, JsonNode body) {}

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String token;

    public GatewayClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    public Answer requestRelease(String application, String version, String environment) {
        String body = EventJson.mapper()
                .writeValueAsString(Map.of("application", application, "version", version, "environment", environment));
        return send(HttpRequest.newBuilder(base.resolve("/api/releases"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Answer release(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(
                    request.header("Authorization", "Bearer " + token)
                            .header("Accept", "application/json")
                            .timeout(Duration.ofSeconds(15))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isBlank()
                    ? EventJson.mapper().createObjectNode()
                    : EventJson.mapper().readTree(response.body());
            return new Answer(
                    response.statusCode(),
                    response.headers().firstValue("Location").orElse(""),
                    json);
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach the gateway at " + base + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
