package io.relops.deploy.targets.webhook;

import io.relops.deploy.targets.webhook.WebhookCallbacks.Waiting;
import java.net.URI;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/targets/webhook/callback/{releaseId}}: the external system of a {@code webhook}
 * target reports a deploy as ready or failed. The body is signed like the webhook's own requests
 * ({@value WebhookSignature#HEADER}, HMAC-SHA256 under the application's secret); the signature is
 * checked before the body is read. 202 when a waiting deploy took it; 404 when none waits for that
 * release; 401 for a wrong signature; 400 for a body that is not a valid callback.
 */
@RestController
class WebhookCallbackController {

    static final String PATH = "/api/targets/webhook/callback";

    private static final Logger log = LoggerFactory.getLogger(WebhookCallbackController.class);

    private final WebhookCallbacks callbacks;
    private final JsonMapper json;

    WebhookCallbackController(WebhookCallbacks callbacks, JsonMapper json) {
        this.callbacks = callbacks;
        this.json = json;
    }

    @PostMapping(PATH + "/{releaseId}")
    ResponseEntity<?> callback(
            @PathVariable String releaseId,
            @RequestHeader(name = WebhookSignature.HEADER, required = false) @Nullable String signature,
            @RequestBody(required = false) byte @Nullable [] body) {
        UUID id;
        try {
            id = UUID.fromString(releaseId);
        } catch (IllegalArgumentException e) {
            return problem(HttpStatus.BAD_REQUEST, "'" + releaseId + "' is not a release id");
        }
        Optional<Waiting> found = callbacks.waiting(id);
        if (found.isEmpty()) {
            return problem(HttpStatus.NOT_FOUND, "no webhook deploy is waiting for a callback of release " + id);
        }
        Waiting waiting = found.get();
        byte[] bytes = body == null ? new byte[0] : body;
        if (!WebhookSignature.verify(waiting.secret(), bytes, signature)) {
            log.warn("rejected a webhook callback for release {}: wrong or missing signature", id);
            return problem(
                    HttpStatus.UNAUTHORIZED,
                    "the " + WebhookSignature.HEADER + " header is missing or does not sign the body"
                            + " with the secret of " + waiting.application());
        }
        WebhookCallback callback;
        try {
            callback = json.readValue(bytes, WebhookCallback.class);
        } catch (JacksonException e) {
            return problem(HttpStatus.BAD_REQUEST, "the callback body is not valid JSON: " + e.getOriginalMessage());
        }
        String invalid = invalid(callback, id, waiting);
        if (invalid != null) {
            return problem(HttpStatus.BAD_REQUEST, invalid);
        }
        waiting.result().complete(callback);
        log.info("webhook callback for release {}: slot {} is {}", id, callback.slot(), callback.status());
        return ResponseEntity.accepted().build();
    }

    private static @Nullable String invalid(@Nullable WebhookCallback callback, UUID id, Waiting waiting) {
        if (callback == null) {
            return "the callback body is empty";
        }
        if (callback.releaseId() != null && !callback.releaseId().equals(id)) {
            return "the body is about release " + callback.releaseId() + ", the URL about release " + id;
        }
        if (!WebhookCallback.READY.equals(callback.status()) && !WebhookCallback.FAILED.equals(callback.status())) {
            return "status must be '" + WebhookCallback.READY + "' or '" + WebhookCallback.FAILED + "', was "
                    + (callback.status() == null ? "missing" : "'" + callback.status() + "'");
        }
        if (!waiting.slot().equals(callback.slot())) {
            return "the deploy of release " + id + " waits for slot '" + waiting.slot() + "', the callback is for "
                    + (callback.slot() == null ? "no slot" : "slot '" + callback.slot() + "'");
        }
        if (callback.ready() && (callback.endpoint() == null || !isHttpUrl(callback.endpoint()))) {
            return "a ready callback needs the slot's endpoint as an http(s) URL, was "
                    + (callback.endpoint() == null ? "missing" : "'" + callback.endpoint() + "'");
        }
        return null;
    }

    private static boolean isHttpUrl(String endpoint) {
        try {
            URI uri = URI.create(endpoint);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail) {
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(ProblemDetail.forStatusAndDetail(status, detail));
    }
}
