package io.relops.alert.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
            byte[] answer = (status >= 500 ? "unavailable" : "ok").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
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
    }
}
