package io.relops.deploy.targets.webhook;

import io.relops.deploy.catalog.DeployCatalog.WebhookSpec;
import io.relops.deploy.targets.DeploymentFailedException;
import io.relops.deploy.targets.DeploymentTarget;
import io.relops.deploy.targets.Routed;
import io.relops.deploy.targets.SafeVersion;
import io.relops.deploy.targets.TargetContext;
import io.relops.deploy.targets.TargetUnavailableException;
import io.relops.deploy.targets.Traffic;
import io.relops.deploy.targets.webhook.WebhookDeploys.Request;
import io.relops.deploy.targets.webhook.WebhookDeploys.State;
import io.relops.platform.redaction.Redaction;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code webhook} deployment target: an external system does the work. Each call is a JSON
 * POST to the catalog's {@code url} with an {@code action} ({@code deploy}, {@code route}, {@code
 * stop}), signed in {@value WebhookSignature#HEADER}. {@code route} and {@code stop} are done when
 * the system answers 2xx; {@code deploy} is done when the system calls back (see {@link
 * WebhookCallbackController}) with the slot's endpoint, or fails with its message, or when the
 * catalog's deadline passes. 5xx, 408, 429 and connection failures are transient ({@link
 * TargetUnavailableException}); any other refusal is final.
 *
 * <p>Calls are repeated after a crash (the contract of {@link DeploymentTarget}): the external
 * system must treat the same {@code action}, release, slot and version as the same request. A deploy
 * request is recorded in PostgreSQL ({@link WebhookDeploys}) before and after its POST, so a deploy call
 * repeated after the request was sent (the same call: the release's task), on this instance or another replica,
 * only waits for the callback; the callback, received by any replica (through the gateway), is stored there too.
 * Another call of the release for the same slot (a second rollback re-deploying the previous slot), or any call
 * finding the request finished (its callback taken, or its deadline passed), asks again: a new {@code attempt} of
 * the request, which the payload carries and a callback may echo.
 */
@Component
public class WebhookTarget implements DeploymentTarget {

    public static final String ACTION_HEADER = "X-Relops-Action";

    private static final Logger log = LoggerFactory.getLogger(WebhookTarget.class);
    private static final List<String> SLOTS = List.of("blue", "green");

    private final RestClient.Builder http;
    private final JsonMapper json;
    private final WebhookDeploys deploys;
    private final String callbackBaseUrl;
    private final Duration pollInterval;
    private final Map<Duration, RestClient> clients = new ConcurrentHashMap<>();

    public WebhookTarget(
            RestClient.Builder http,
            JsonMapper json,
            WebhookDeploys deploys,
            @Value("${relops.deploy.webhook.callback-base-url:http://127.0.0.1:8080}") String callbackBaseUrl,
            @Value("${relops.deploy.webhook.callback-poll-interval:250ms}") Duration pollInterval) {
        this.http = http;
        this.json = json;
        this.deploys = deploys;
        this.callbackBaseUrl = callbackBaseUrl;
        this.pollInterval = pollInterval;
    }

    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public List<String> slots(TargetContext context) {
        return SLOTS;
    }

    /**
     * Asks the external system to deploy, unless this deploy request was already sent (the call is repeated after
     * a crash, by this instance or another): then it only waits. The wait polls PostgreSQL for the callback, which
     * whichever instance receives it stores, until the catalog's deadline counted from when the request was sent.
     */
    @Override
    public String deploy(TargetContext context, String slot, String version) {
        WebhookSpec spec = spec(context);
        String application = context.application();
        checkSlot(application, slot);
        SafeVersion.require(version);
        // without a release (restoring live versions after a restart) the callback still needs an id
        UUID id = context.releaseId() != null ? context.releaseId() : UUID.randomUUID();
        Long call = context.callId();
        Request request = deploys.record(id, slot, version, application, context.environment(), call);
        boolean sameCall = call != null && call.equals(request.taskId());
        if (sameCall && !request.version().equals(version)) {
            throw new DeploymentFailedException(application + " release " + id + " already asked for version "
                    + request.version() + " on slot " + slot + " in this call, not " + version);
        }
        if (!sameCall
                && (finished(request, spec)
                        || anotherCall(request, call)
                        || !request.version().equals(version))) {
            log.info(
                    "{}: the request {} of release {} on slot {} is finished or another call's; asking again",
                    application,
                    request.attempt(),
                    id,
                    slot);
            request = deploys.again(request, version, call);
        }
        Instant sentAt;
        if (request.state() == State.SENT && request.sentAt() != null) {
            sentAt = request.sentAt().toInstant();
            log.info(
                    "{}: {} on slot {} was asked of {} at {}; waiting for its callback without asking again",
                    application,
                    version,
                    slot,
                    shown(spec),
                    sentAt);
        } else {
            String base = spec.callbackBaseUrl() != null ? spec.callbackBaseUrl() : callbackBaseUrl;
            Map<String, Object> payload = payload("deploy", context);
            payload.put("releaseId", id);
            payload.put("slot", slot);
            payload.put("version", version);
            payload.put("attempt", request.attempt());
            payload.put("callbackUrl", stripSlash(base) + WebhookCallbackController.PATH + "/" + id);
            post(spec, "deploy", payload);
            deploys.sent(id, slot, request.attempt());
            sentAt = Instant.now();
            log.info(
                    "{}: asked {} to deploy {} on slot {}, waiting up to {} for its callback",
                    application,
                    shown(spec),
                    version,
                    slot,
                    spec.deadline());
        }
        WebhookCallback callback = awaitCallback(id, slot, request.attempt(), sentAt.plus(spec.deadline()))
                .orElseThrow(() -> new DeploymentFailedException(application + " " + version + " on slot " + slot + ": "
                        + shown(spec) + " did not call back within the deadline of " + spec.deadline()));
        if (!callback.ready()) {
            throw new DeploymentFailedException(application + " " + version + " on slot " + slot
                    + ": the webhook system reported the deploy failed: "
                    + (callback.message() == null ? "(no message)" : Redaction.redact(callback.message())));
        }
        log.info("{}: {} on slot {} is ready at {}", application, version, slot, callback.endpoint());
        return String.valueOf(callback.endpoint());
    }

    /**
     * Whether the request is over: its callback was taken, or it was sent and its deadline has passed. A call of the
     * release that finds it so asks again (a new attempt) instead of taking its outcome.
     */
    private boolean finished(Request request, WebhookSpec spec) {
        if (deploys.takenAt(request.releaseId(), request.slot(), request.attempt())
                .isPresent()) {
            return true;
        }
        return request.state() == State.SENT
                && request.sentAt() != null
                && !request.sentAt().toInstant().plus(spec.deadline()).isAfter(Instant.now());
    }

    /** Whether the request was made by another call of the release (both known): a new call asks anew. */
    private static boolean anotherCall(Request request, @Nullable Long call) {
        return call != null && request.taskId() != null && !call.equals(request.taskId());
    }

    /** Polls for the callback until {@code deadline}; an interrupt (the call cancelled) ends the wait. */
    private Optional<WebhookCallback> awaitCallback(UUID id, String slot, int attempt, Instant deadline) {
        while (true) {
            Optional<WebhookCallback> callback = deploys.callback(id, slot, attempt);
            Duration left = Duration.between(Instant.now(), deadline);
            if (callback.isPresent() || left.isNegative() || left.isZero()) {
                return callback;
            }
            try {
                Thread.sleep(Math.min(pollInterval.toMillis(), left.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DeploymentFailedException(
                        "interrupted while waiting for the webhook callback of release " + id + " on slot " + slot, e);
            }
        }
    }

    @Override
    public Routed route(TargetContext context, Traffic traffic) {
        WebhookSpec spec = spec(context);
        Map<String, Object> payload = payload("route", context);
        payload.put("stableSlot", traffic.stableSlot());
        payload.put("stableEndpoint", traffic.stableEndpoint());
        payload.put("canarySlot", traffic.canarySlot());
        payload.put("canaryEndpoint", traffic.canaryEndpoint());
        payload.put("canaryWeight", traffic.canaryWeight());
        post(spec, "route", payload);
        log.info(
                "{}: webhook routed {}% to {}, the rest to {}",
                context.application(), traffic.canaryWeight(), traffic.canarySlot(), traffic.stableSlot());
        return Routed.exactly(type(), traffic);
    }

    @Override
    public void stop(TargetContext context, String slot) {
        WebhookSpec spec = spec(context);
        checkSlot(context.application(), slot);
        Map<String, Object> payload = payload("stop", context);
        payload.put("slot", slot);
        post(spec, "stop", payload);
        log.info("{}: webhook stopped slot {}", context.application(), slot);
    }

    private static Map<String, Object> payload(String action, TargetContext context) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("action", action);
        payload.put("releaseId", context.releaseId());
        payload.put("application", context.application());
        payload.put("environment", context.environment());
        return payload;
    }

    private void post(WebhookSpec spec, String action, Map<String, Object> payload) {
        byte[] body = json.writeValueAsBytes(payload);
        String what = action + " of " + payload.get("application");
        try {
            client(spec.timeout())
                    .post()
                    .uri(spec.url())
                    .contentType(MediaType.APPLICATION_JSON)
                    .header(WebhookSignature.HEADER, WebhookSignature.sign(spec.secret(), body))
                    .header(ACTION_HEADER, action)
                    .body(body)
                    .retrieve()
                    .toBodilessEntity();
        } catch (RestClientResponseException e) {
            HttpStatusCode status = e.getStatusCode();
            String answer = shown(spec) + " answered " + status.value() + " to the " + what
                    + (e.getResponseBodyAsString().isBlank()
                            ? ""
                            : ": " + abbreviate(Redaction.redact(e.getResponseBodyAsString())));
            if (status.is5xxServerError() || status.value() == 408 || status.value() == 429) {
                throw new TargetUnavailableException(answer, e);
            }
            throw new DeploymentFailedException(answer, e);
        } catch (ResourceAccessException e) {
            throw new TargetUnavailableException(
                    "cannot reach " + shown(spec) + " for the " + what + ": "
                            + Redaction.redact(describe(e.getMostSpecificCause())),
                    e);
        }
    }

    /** One client per timeout: it bounds both connecting and waiting for the answer. */
    private RestClient client(Duration timeout) {
        return clients.computeIfAbsent(timeout, t -> {
            JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(
                    HttpClient.newBuilder().connectTimeout(t).build());
            factory.setReadTimeout(t);
            return http.clone().requestFactory(factory).build();
        });
    }

    /**
     * The target's URL as errors and logs show it: scheme and host only. Its path or query may carry a token, and
     * a failure's reason reaches {@code deployment.failed} and so the audit log, which cannot be edited.
     */
    private static String shown(WebhookSpec spec) {
        return Redaction.schemeAndHost(spec.url());
    }

    /** A cause in words: its message, or its kind when it has none (an interrupted exchange has none). */
    private static String describe(Throwable cause) {
        return cause.getMessage() != null
                ? cause.getMessage()
                : cause.getClass().getSimpleName();
    }

    private static String abbreviate(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() <= 200 ? line : line.substring(0, 200) + "…";
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static void checkSlot(String application, String slot) {
        if (!SLOTS.contains(slot)) {
            throw new DeploymentFailedException(
                    application + " has no slot '" + slot + "' on the webhook target (slots: " + SLOTS + ")");
        }
    }

    private static WebhookSpec spec(TargetContext context) {
        if (context.spec().target() == null || context.spec().target().webhook() == null) {
            throw new DeploymentFailedException(
                    "application " + context.application() + " has no target.webhook in the catalog");
        }
        WebhookSpec spec = context.spec().target().webhook();
        if (spec.secret().isBlank()) {
            throw new DeploymentFailedException("application " + context.application()
                    + ": target.webhook.secret is empty; requests must be signed");
        }
        return spec;
    }
}
