package io.relops.alert.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Real local HTTP receivers (Slack, PagerDuty, webhooks) that record every request and can fail on demand. */
final class Receivers implements AutoCloseable {

    record Request(String path, String body, Map<String, List<String>> headers, int answered, Instant at) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Instant> failingUntil = new ConcurrentHashMap<>();
    private final Map<String, Slow> slowAnswers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService lateAnswers = Executors.newSingleThreadScheduledExecutor();

    private record Slow(String containing, Duration delay, Instant until) {}

    Receivers() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Instant until = failingUntil.get(path);
            int status =
                    until != null && Instant.now().isBefore(until) ? 500 : path.startsWith("/pagerduty") ? 202 : 200;
            requests.add(new Request(path, body, Map.copyOf(exchange.getRequestHeaders()), status, Instant.now()));
            Slow slow = slowAnswers.get(path);
            if (slow != null
                    && body.contains(slow.containing())
                    && Instant.now().isBefore(slow.until())) {
                // taken (recorded), answered after the caller gave up
                lateAnswers.schedule(
                        () -> answer(exchange, status), slow.delay().toMillis(), TimeUnit.MILLISECONDS);
            } else {
                answer(exchange, status);
            }
        });
        server.start();
    }

    private static void answer(HttpExchange exchange, int status) {
        byte[] answer = (status >= 500 ? "unavailable" : "ok").getBytes(StandardCharsets.UTF_8);
        try {
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
        } catch (IOException e) {
            // the caller hung up (a late answer after its timeout): nothing to tell it
        } finally {
            exchange.close();
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /**
     * Until {@code until}, a request to {@code path} whose body contains {@code containing} is recorded
     * (the receiving end has it) and answered only after {@code delay}: longer than the sender's read
     * timeout, the sender cannot tell it arrived.
     */
    void answerLateUntil(String path, String containing, Duration delay, Instant until) {
        slowAnswers.put(path, new Slow(containing, delay, until));
    }

    /** {@code path} answers 500 until {@code until}. */
    void failUntil(String path, Instant until) {
        failingUntil.put(path, until);
    }

    List<Request> to(String path, Predicate<Request> filter) {
        return requests.stream()
                .filter(r -> r.path().equals(path))
                .filter(filter)
                .toList();
    }

    List<Request> delivered(String path, String containing) {
        return to(path, r -> r.answered() < 300 && r.body().contains(containing));
    }

    @Override
    public void close() {
        server.stop(0);
        lateAnswers.shutdownNow();
    }
}
