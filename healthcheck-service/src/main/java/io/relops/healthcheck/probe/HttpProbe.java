package io.relops.healthcheck.probe;

import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.JsonPathException;
import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.probe.HealthCatalog.ProbeSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * An HTTP request (method, URL template, headers) whose status must be one of the expected ones,
 * and optionally whose body contains a text and whose JSON value at a JSON path equals the expected
 * one. The value of the result is the status (and the JSON value when one is checked).
 */
@Component
class HttpProbe implements Probe {

    private static final int MAX_BODY_IN_ERROR = 200;

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    @Override
    public String type() {
        return "http";
    }

    @Override
    public @Nullable String host(ProbeSpec spec, ProbeTarget target) {
        try {
            if (spec.url() == null) {
                return null; // a bad probe definition: run() says so
            }
            String host = URI.create(target.expand(spec.url())).getHost();
            return host == null ? "" : host; // a URL without a host is allowed nowhere: refused, not run
        } catch (IllegalArgumentException e) {
            return ""; // nor is one that does not parse
        }
    }

    @Override
    public CompletableFuture<ProbeResult> run(ProbeSpec spec, ProbeTarget target) {
        String threshold = threshold(spec);
        long start = System.nanoTime();
        HttpRequest request;
        String url;
        try {
            url = target.expand(Objects.requireNonNull(spec.url(), "probe " + spec.name() + " has no url"));
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
                    .timeout(spec.timeout())
                    .method(spec.method(), HttpRequest.BodyPublishers.noBody());
            if (spec.headers() != null) {
                spec.headers().forEach((name, value) -> builder.header(name, target.expand(value)));
            }
            request = builder.build();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(
                    new ProbeResult(spec.name(), false, null, threshold, 0, "bad probe definition: " + e.getMessage()));
        }
        String call = spec.method() + " " + url;
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
            long latency = (System.nanoTime() - start) / 1_000_000;
            if (failure != null) {
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                return new ProbeResult(spec.name(), false, null, threshold, latency, call + " failed: " + cause);
            }
            return judge(spec, call, threshold, latency, response.statusCode(), response.body(), target.bodyEvidence());
        });
    }

    /**
     * The result of one answer. The body is evidence only when the catalog asks for it ({@code bodyEvidence},
     * {@code health.evidence: body}): by default nothing of it is kept, since it may hold anything the endpoint
     * returns.
     */
    static ProbeResult judge(
            ProbeSpec spec,
            String call,
            String threshold,
            long latency,
            int status,
            String body,
            boolean bodyEvidence) {
        List<String> problems = new ArrayList<>();
        String value = Integer.toString(status);
        if (!spec.expectStatus().contains(status)) {
            problems.add("status " + status + ", expected " + spec.expectStatus());
        }
        if (spec.bodyContains() != null && !body.contains(spec.bodyContains())) {
            problems.add("body does not contain '" + spec.bodyContains() + "'" + excerpt(body, bodyEvidence));
        }
        if (spec.jsonPath() != null) {
            String actual;
            try {
                Object read = JsonPath.read(body, spec.jsonPath());
                actual = String.valueOf(read);
            } catch (JsonPathException | IllegalArgumentException e) {
                actual = null;
                problems.add(spec.jsonPath() + " not found in the body" + excerpt(body, bodyEvidence));
            }
            if (actual != null) {
                value = value + ", " + spec.jsonPath() + "=" + actual;
                if (spec.jsonEquals() != null && !spec.jsonEquals().equals(actual)) {
                    problems.add(spec.jsonPath() + " is '" + actual + "', expected '" + spec.jsonEquals() + "'");
                }
            }
        }
        return new ProbeResult(
                spec.name(),
                problems.isEmpty(),
                value,
                threshold,
                latency,
                problems.isEmpty() ? null : call + ": " + String.join("; ", problems));
    }

    private static String threshold(ProbeSpec spec) {
        StringBuilder threshold = new StringBuilder("status in " + spec.expectStatus());
        if (spec.bodyContains() != null) {
            threshold.append(", body contains '").append(spec.bodyContains()).append('\'');
        }
        if (spec.jsonPath() != null && spec.jsonEquals() != null) {
            threshold
                    .append(", ")
                    .append(spec.jsonPath())
                    .append(" == '")
                    .append(spec.jsonEquals())
                    .append('\'');
        }
        return threshold.toString();
    }

    private static String excerpt(String body, boolean bodyEvidence) {
        return bodyEvidence ? ": " + abbreviate(body) : "";
    }

    private static String abbreviate(String body) {
        return body.length() <= MAX_BODY_IN_ERROR ? body : body.substring(0, MAX_BODY_IN_ERROR) + "…";
    }
}
