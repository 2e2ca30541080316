package io.relops.cli;

import io.relops.common.codec.EventJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A small client of the gateway API for the CLI: JSON in and out with the bearer token. {@link #get}, {@link
 * #post} and {@link #delete} answer the body of a 2xx and throw {@link GatewayException} (one line, naming the
 * problem, and the exit code it means) otherwise; {@link #requestRelease} and {@link #release} answer whatever
 * came back.
 */
public final class GatewayClient {

    /** An answer of the gateway: status, Location header (if any) and the JSON body. */
    public record Answer(int status, String location, JsonNode body) {}

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String token;

    public GatewayClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    URI base() {
        return base;
    }

    public Answer requestRelease(String application, String version, String environment) {
        return send(request("/api/releases", Map.of())
                .header("Content-Type", "application/json")
                .POST(body(Map.of("application", application, "version", version, "environment", environment))));
    }

    public Answer release(String path) {
        return send(request(path, Map.of()).GET());
    }

    /** GET {@code path?query} (null query values are left out): the JSON body of a 2xx. */
    JsonNode get(String path, Map<String, ?> query) {
        return succeeded("GET", path, send(request(path, query).GET())).body();
    }

    /** POST a JSON body (or none): the answer of a 2xx. */
    Answer post(String path, @Nullable Object body) {
        HttpRequest.Builder request = request(path, Map.of());
        if (body == null) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").POST(body(body));
        }
        return succeeded("POST", path, send(request));
    }

    JsonNode delete(String path) {
        return succeeded("DELETE", path, send(request(path, Map.of()).DELETE())).body();
    }

    /** What to do with a streamed body: answers how much it consumed. */
    @FunctionalInterface
    interface BodySink {
        long consume(InputStream body) throws IOException;
    }

    /** GET a body that may be large and hand it, as it arrives, to {@code sink}; answers what the sink answered. */
    long download(String path, Map<String, ?> query, BodySink sink) {
        try {
            HttpResponse<InputStream> response = http.send(
                    request(path, query).setHeader("Accept", "*/*").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() / 100 != 2) {
                    String text = new String(body.readNBytes(64 * 1024), StandardCharsets.UTF_8);
                    throw failure("GET", path, response.statusCode(), parse(text));
                }
                return sink.consume(body);
            }
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException(ExitCode.FAILED, "interrupted");
        }
    }

    private HttpRequest.Builder request(String path, Map<String, ?> query) {
        StringJoiner params = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((name, value) -> {
            if (value != null) {
                params.add(name + "=" + URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8));
            }
        });
        return HttpRequest.newBuilder(base.resolve(path + params))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .timeout(TIMEOUT);
    }

    private static HttpRequest.BodyPublisher body(Object body) {
        return HttpRequest.BodyPublishers.ofString(EventJson.mapper().writeValueAsString(body));
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(
                    response.statusCode(),
                    response.headers().firstValue("Location").orElse(""),
                    parse(response.body()));
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException(ExitCode.FAILED, "interrupted");
        }
    }

    private static JsonNode parse(String body) {
        if (body.isBlank()) {
            return EventJson.mapper().createObjectNode();
        }
        try {
            return EventJson.mapper().readTree(body);
        } catch (JacksonException e) {
            return EventJson.mapper().getNodeFactory().stringNode(body);
        }
    }

    private static Answer succeeded(String method, String path, Answer answer) {
        if (answer.status() / 100 != 2) {
            throw failure(method, path, answer.status(), answer.body());
        }
        return answer;
    }

    /** One line for an error answer: status, the problem's title and detail, what was asked. */
    static GatewayException failure(String method, String path, int status, JsonNode body) {
        StringBuilder line = new StringBuilder().append(status);
        String title = body.path("title").asString("");
        String detail = body.path("detail").asString("");
        if (!title.isBlank()) {
            line.append(' ').append(title);
        }
        if (!detail.isBlank()) {
            line.append(": ").append(detail);
        } else if (body.isString()) {
            String text = body.asString().strip().replaceAll("\\s+", " ");
            line.append(": ").append(text.length() > 200 ? text.substring(0, 200) + "..." : text);
        }
        for (JsonNode error : body.path("errors")) {
            if (error.has("field")) {
                line.append(" [")
                        .append(error.path("field").asString())
                        .append(": ")
                        .append(error.path("message").asString())
                        .append(']');
            }
        }
        line.append(" (").append(method).append(' ').append(path).append(')');
        return new GatewayException(ExitCode.of(status), line.toString());
    }

    private GatewayException unreachable(IOException e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new GatewayException(ExitCode.SERVER, "cannot reach the gateway at " + base + ": " + why);
    }
}
