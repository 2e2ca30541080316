package io.relops.healthcheck.smoke;

import io.relops.common.codec.EventJson;
import io.relops.healthcheck.smoke.SmokeTestSpec.WebhookSpec;
import io.relops.healthcheck.verification.GateRun;
import io.relops.platform.redaction.Redaction;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * A smoke test that is an HTTP acceptance webhook (as Flagger's): {@code method} to the expanded {@code url} with
 * its {@code headers} and a JSON body naming what to test ({@code releaseId}, {@code application}, {@code
 * environment}, {@code version}, {@code slot}, {@code endpoint}, {@code step}, {@code weight}). A 2xx answer within
 * the timeout passes; any other status fails; either way the first {@value #BODY_EXCERPT} characters of the body
 * are the test's output. An unreachable webhook fails.
 */
@Component
class WebhookRunner implements SmokeRunner, DisposableBean {

    static final int BODY_EXCERPT = 200;

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "smoke-webhook-timers");
        thread.setDaemon(true);
        return thread;
    });

    @Override
    public String kind() {
        return "webhook";
    }

    @Override
    public CompletableFuture<SmokeRun> start(SmokeTestSpec spec, GateRun run) {
        WebhookSpec webhook = Objects.requireNonNull(spec.webhook());
        String url = run.target().expand(webhook.url());
        String call = webhook.method() + " " + Redaction.schemeAndHost(url);
        HttpRequest request;
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/json")
                    .method(webhook.method(), HttpRequest.BodyPublishers.ofString(body(run)));
            if (webhook.headers() != null) {
                webhook.headers()
                        .forEach((name, value) ->
                                builder.header(name, run.target().expand(value)));
            }
            request = builder.build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(
                    SmokeRun.failed("not sent", List.of(call + ": bad webhook: " + e.getMessage())));
        }
        CompletableFuture<HttpResponse<InputStream>> sent =
                http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
        CompletableFuture<SmokeRun> result = new CompletableFuture<>();
        ScheduledFuture<?> timeout = timers.schedule(
                () -> {
                    // decided before the request is cancelled (its cancellation is not the test's failure)
                    if (result.complete(SmokeRun.timedOut(spec.timeout(), List.of(call + ": no answer")))) {
                        sent.cancel(true);
                    }
                },
                spec.timeout().toMillis(),
                TimeUnit.MILLISECONDS);
        sent.handle((response, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause()
                                : failure;
                        return SmokeRun.failed("unreachable", List.of(call + " failed: " + cause));
                    }
                    return judge(call, response);
                })
                .thenAccept(result::complete);
        result.whenComplete((ended, failure) -> {
            timeout.cancel(false);
            if (result.isCancelled()) {
                sent.cancel(true);
            }
        });
        return result;
    }

    private static SmokeRun judge(String call, HttpResponse<InputStream> response) {
        String value = "HTTP " + response.statusCode();
        try (InputStream body = response.body()) {
            // only an excerpt is read: a large body never fills the memory
            String excerpt = new String(body.readNBytes(BODY_EXCERPT * 4), StandardCharsets.UTF_8);
            excerpt = excerpt.length() > BODY_EXCERPT ? excerpt.substring(0, BODY_EXCERPT) : excerpt;
            if (response.statusCode() / 100 == 2) {
                return SmokeRun.passed(value, excerpt.isBlank() ? List.of() : List.of(excerpt));
            }
            return SmokeRun.failed(value, excerpt.isBlank() ? List.of(call + ": " + value) : List.of(excerpt));
        } catch (IOException e) {
            return SmokeRun.failed(value, List.of(call + ": body unreadable: " + e.getMessage()));
        }
    }

    private static String body(GateRun run) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("releaseId", run.releaseId());
        body.put("application", run.application());
        body.put("environment", run.environment());
        body.put("version", run.version());
        body.put("slot", run.slot());
        body.put("endpoint", run.endpoint());
        body.put("step", run.step());
        body.put("weight", run.weight());
        return EventJson.mapper().writeValueAsString(body);
    }

    @Override
    public void destroy() {
        timers.shutdownNow();
    }
}
