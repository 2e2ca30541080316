package io.relops.deploy.targets.webhook;

import io.relops.deploy.catalog.DeployCatalog;
import io.relops.deploy.catalog.DeployCatalog.ApplicationSpec;
import io.relops.deploy.catalog.DeployCatalog.TargetSpec;
import io.relops.deploy.catalog.DeployCatalog.WebhookSpec;
import io.relops.deploy.targets.webhook.WebhookDeploys.Request;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Value;
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
 * target reports a deploy as ready or failed, usually through the gateway (which relays it without a
 * bearer token). The body is signed like the webhook's own requests ({@value WebhookSignature#HEADER},
 * HMAC-SHA256 under the secret of the release's application and environment); the signature is checked
 * before the body is read. The callback is stored in PostgreSQL, where the deploy call waiting for it
 * (on this instance or another) finds it; a deploy request takes one callback.
 *
 * <p>202 when stored; 404 when no deploy request of that release was recorded (or its application has no webhook
 * target any more); 401 for a wrong signature;
 * 400 for a body that is not a valid callback (it must name {@code releaseId} and {@code slot}); 409 when
 * the deploy request already took its callback, or the callback names an {@code attempt} the request is no longer
 * at (a later request for the same release and slot replaced it).
 */
@RestController
class WebhookCallbackController {

    static final String PATH = "/api/targets/webhook/callback";

    private static final Logger log = LoggerFactory.getLogger(WebhookCallbackController.class);

    private final WebhookDeploys deploys;
    private final DeployCatalog catalog;
    private final JsonMapper json;
    private final Duration maxAge;

    WebhookCallbackController(
            WebhookDeploys deploys,
            DeployCatalog catalog,
            JsonMapper json,
            @Value("${relops.deploy.webhook.callback-max-age:10m}") Duration maxAge) {
        this.deploys = deploys;
        this.catalog = catalog;
        this.json = json;
        this.maxAge = maxAge;
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
        MDC.put("releaseId", id.toString());
        try {
            return callback(id, signature, body == null ? new byte[0] : body);
        } finally {
            MDC.remove("releaseId");
        }
    }

    private ResponseEntity<?> callback(UUID id, @Nullable String signature, byte[] body) {
        List<Request> requests = deploys.requests(id);
        if (requests.isEmpty()) {
            return problem(HttpStatus.NOT_FOUND, "no webhook deploy request of release " + id + " was recorded");
        }
        // every deploy request of a release is of one application and environment
        Request first = requests.get(0);
        Optional<WebhookSpec> spec = webhookOf(first.application(), first.environment());
        if (spec.isEmpty() || spec.get().secret().isBlank()) {
            return problem(
                    HttpStatus.NOT_FOUND,
                    first.application() + " (" + first.environment() + ") has no webhook target with a secret in"
                            + " the catalog any more: the callback of release " + id + " cannot be checked");
        }
        if (!WebhookSignature.verify(spec.get().secret(), body, signature)) {
            log.warn("rejected a webhook callback for release {}: wrong or missing signature", id);
            return problem(
                    HttpStatus.UNAUTHORIZED,
                    "the " + WebhookSignature.HEADER + " header is missing or does not sign the body"
                            + " with the secret of " + first.application() + " (" + first.environment() + ")");
        }
        WebhookCallback callback;
        try {
            callback = json.readValue(body, WebhookCallback.class);
        } catch (JacksonException e) {
            return problem(HttpStatus.BAD_REQUEST, "the callback body is not valid JSON: " + e.getOriginalMessage());
        }
        String invalid = invalid(callback, id, requests);
        if (invalid != null) {
            return problem(HttpStatus.BAD_REQUEST, invalid);
        }
        String slot = String.valueOf(callback.slot());
        Request request =
                requests.stream().filter(r -> r.slot().equals(slot)).findFirst().orElseThrow();
        if (callback.attempt() != null && callback.attempt() != request.attempt()) {
            log.warn(
                    "refused a webhook callback for release {} slot {}: attempt {}, the request is at attempt {}",
                    id,
                    slot,
                    callback.attempt(),
                    request.attempt());
            return problem(
                    HttpStatus.CONFLICT,
                    "the callback answers attempt " + callback.attempt() + " of the deploy of release " + id
                            + " on slot '" + slot + "'; that request was replaced by attempt " + request.attempt());
        }
        if (!deploys.take(id, request.attempt(), callback)) {
            String when = deploys.takenAt(id, slot, request.attempt())
                    .map(Object::toString)
                    .orElse("before");
            log.warn("refused a second webhook callback for release {} slot {}", id, slot);
            return problem(
                    HttpStatus.CONFLICT,
                    "the deploy of release " + id + " on slot '" + slot + "' already took its callback (at " + when
                            + "); a callback is taken once");
        }
        log.info("webhook callback for release {}: slot {} is {}", id, slot, callback.status());
        return ResponseEntity.accepted().build();
    }

    /**
     * The webhook settings a callback of {@code application} in {@code environment} is checked against: the one
     * place that reads them from the catalog for a callback.
     */
    private Optional<WebhookSpec> webhookOf(String application, String environment) {
        return catalog.application(application, environment)
                .map(ApplicationSpec::target)
                .map(TargetSpec::webhook);
    }

    private @Nullable String invalid(@Nullable WebhookCallback callback, UUID id, List<Request> requests) {
        if (callback == null) {
            return "the callback body is empty";
        }
        if (callback.releaseId() == null) {
            return "the body must name the release (releaseId): the signature binds it to one deploy request";
        }
        if (!callback.releaseId().equals(id)) {
            return "the body is about release " + callback.releaseId() + ", the URL about release " + id;
        }
        if (!WebhookCallback.READY.equals(callback.status()) && !WebhookCallback.FAILED.equals(callback.status())) {
            return "status must be '" + WebhookCallback.READY + "' or '" + WebhookCallback.FAILED + "', was "
                    + (callback.status() == null ? "missing" : "'" + callback.status() + "'");
        }
        List<String> slots = requests.stream().map(Request::slot).toList();
        if (callback.slot() == null) {
            return "the body must name the slot (slot): release " + id + " asked for slot(s) " + slots;
        }
        if (!slots.contains(callback.slot())) {
            return "release " + id + " asked for slot(s) " + slots + ", the callback is for slot '" + callback.slot()
                    + "'";
        }
        if (callback.ready() && (callback.endpoint() == null || !isHttpUrl(callback.endpoint()))) {
            return "a ready callback needs the slot's endpoint as an http(s) URL, was "
                    + (callback.endpoint() == null ? "missing" : "'" + callback.endpoint() + "'");
        }
        if (callback.timestamp() != null
                && callback.timestamp().isBefore(Instant.now().minus(maxAge))) {
            return "the callback's timestamp " + callback.timestamp() + " is older than " + maxAge
                    + " (relops.deploy.webhook.callback-max-age)";
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
