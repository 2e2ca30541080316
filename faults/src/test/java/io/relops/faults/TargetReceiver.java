package io.relops.faults;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.relops.common.codec.EventJson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Where relops' side effects land, counted: the webhook deployment target of the suite's applications
 * (docs/deploy-targets.md: it answers 202 and calls back "ready" with the slot's endpoint), the slots'
 * health endpoints (503 for a version containing "broken"), and alert-service's webhook channel, which
 * can be made to answer 503 for a while (a notification channel outage). Its callbacks (to the callback URL
 * relops sent: the gateway's) are retried while relops cannot answer, and can be held back until a test says. It records every request;
 * what a receiver applies is one per idempotency key (FaultInjectionIT counts that way).
 */
final class TargetReceiver implements AutoCloseable {

    /** One request deploy-service sent to the target. */
    record TargetCall(
            String action,
            @Nullable String releaseId,
            String application,
            @Nullable String slot,
            @Nullable String version) {

        /** What identifies the side effect: the same action, release, slot and version is the same request. */
        String effect() {
            return action + " " + releaseId + " " + application + " " + slot + " " + version;
        }
    }

    /**
     * One notification request alert-service made: its {@code Idempotency-Key} (null when it had none),
     * the SHA-256 of its exact body, and what it notified.
     */
    record Notification(
            @Nullable String idempotencyKey, String bodySha256, String status, List<NotifiedAlert> alerts) {}

    record NotifiedAlert(
            String id,
            String status,
            String alertname,
            @Nullable String releaseId) {}

    private final HttpServer server;
    private final String secret;
    private final ExecutorService callbacks = Executors.newCachedThreadPool();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<TargetCall> targetCalls = new ArrayList<>();
    private final List<Notification> notifications = new ArrayList<>();
    private final Map<String, String> slotVersions = new ConcurrentHashMap<>();
    private final Map<String, HttpRequest> lastCallbacks = new ConcurrentHashMap<>();
    private final List<Integer> callbackAnswers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Runnable> heldCallbacks = new ArrayList<>();
    private boolean holdCallbacks;
    private volatile Instant alertsDownUntil = Instant.MIN;
    private volatile int refusedNotifications;

    TargetReceiver(String secret) throws IOException {
        this.secret = secret;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/target", this::target);
        server.createContext("/apps/", this::health);
        server.createContext("/alerts", this::alerts);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    synchronized List<TargetCall> targetCalls() {
        return List.copyOf(targetCalls);
    }

    synchronized List<Notification> notifications() {
        return List.copyOf(notifications);
    }

    int refusedNotifications() {
        return refusedNotifications;
    }

    /** The alert webhook answers 503 until {@code until}. */
    void notificationsDownUntil(Instant until) {
        alertsDownUntil = until;
    }

    private void target(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String signature = exchange.getRequestHeaders().getFirst("X-Relops-Signature");
        if (!MessageDigest.isEqual(
                sign(body).getBytes(StandardCharsets.US_ASCII),
                String.valueOf(signature).getBytes(StandardCharsets.US_ASCII))) {
            answer(exchange, 401);
            return;
        }
        JsonNode request = EventJson.mapper().readTree(body);
        TargetCall call = new TargetCall(
                request.path("action").asString(),
                text(request, "releaseId"),
                request.path("application").asString(),
                text(request, "slot"),
                text(request, "version"));
        synchronized (this) {
            targetCalls.add(call);
        }
        answer(exchange, 202);
        if (call.action().equals("deploy")) {
            slotVersions.put(call.application() + "/" + call.slot(), String.valueOf(call.version()));
            String callbackUrl = request.path("callbackUrl").asString();
            callbacks.submit(() -> callBack(callbackUrl, call));
        }
    }

    private void callBack(String callbackUrl, TargetCall call) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("releaseId", callbackUrl.substring(callbackUrl.lastIndexOf('/') + 1));
        body.put("slot", call.slot());
        body.put("status", "ready");
        body.put("endpoint", url("/apps/" + call.application() + "/" + call.slot()));
        byte[] bytes = EventJson.mapper().writeValueAsBytes(body);
        HttpRequest request = HttpRequest.newBuilder(URI.create(callbackUrl))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("X-Relops-Signature", sign(bytes))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build();
        lastCallbacks.put(String.valueOf(call.releaseId()), request);
        Runnable send = () -> callbackAnswers.add(send(request));
        synchronized (this) {
            if (holdCallbacks) {
                heldCallbacks.add(send);
                return;
            }
        }
        send.run();
    }

    /**
     * Sends a callback as the contract asks of an external system (docs/deploy-targets.md): again, a second apart,
     * while the answer is a connection failure or 5xx (relops or the gateway is down or restarting), until it is
     * definitive (2xx, or 4xx such as 409 for one taken before) or 10 minutes have passed.
     */
    private int send(HttpRequest request) {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (true) {
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                if (status < 500 || System.nanoTime() > deadline) {
                    return status;
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    return -1;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
    }

    /** From now on, callbacks wait until {@link #releaseCallbacks}. */
    synchronized void holdCallbacks() {
        holdCallbacks = true;
    }

    /** Sends the callbacks held, and lets the next ones go at once. */
    void releaseCallbacks() {
        List<Runnable> held;
        synchronized (this) {
            holdCallbacks = false;
            held = List.copyOf(heldCallbacks);
            heldCallbacks.clear();
        }
        held.forEach(callbacks::submit);
    }

    /** The final answers to the callbacks sent so far (HTTP status, -1 for none). */
    List<Integer> callbackAnswers() {
        return List.copyOf(callbackAnswers);
    }

    /** Sends the last callback of {@code releaseId} once more, exactly as before (a replay); returns the answer. */
    int replayCallback(String releaseId) throws IOException, InterruptedException {
        HttpRequest request = lastCallbacks.get(releaseId);
        if (request == null) {
            throw new IllegalStateException("no callback was sent for release " + releaseId);
        }
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private void health(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        // /apps/<application>/<slot>/health
        String[] parts = exchange.getRequestURI().getPath().split("/");
        String version = parts.length >= 4 ? slotVersions.get(parts[2] + "/" + parts[3]) : null;
        answer(exchange, version == null || version.contains("broken") ? 503 : 200);
    }

    private void alerts(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (Instant.now().isBefore(alertsDownUntil)) {
            refusedNotifications++;
            answer(exchange, 503);
            return;
        }
        JsonNode notification = EventJson.mapper().readTree(body);
        List<NotifiedAlert> alerts = new ArrayList<>();
        for (JsonNode alert : notification.path("alerts")) {
            alerts.add(new NotifiedAlert(
                    alert.path("id").asString(),
                    alert.path("status").asString(),
                    alert.path("labels").path("alertname").asString(),
                    text(alert, "releaseId")));
        }
        synchronized (this) {
            notifications.add(new Notification(
                    exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                    sha256(body),
                    notification.path("status").asString(),
                    alerts));
        }
        answer(exchange, 200);
    }

    private static @Nullable String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNull() || value.isMissingNode() ? null : value.asString();
    }

    private static void answer(HttpExchange exchange, int status) throws IOException {
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    private String sign(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        callbacks.shutdownNow();
    }
}
