package io.relops.healthcheck.metric;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real local HTTP server for unit tests: answers each path with the status and body set for it (the Prometheus
 * API's {@code /api/v1/query} as a double, or a web metric's JSON endpoint) and counts the requests.
 */
final class FakeHttp implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final Map<String, String> lastHeaders = new ConcurrentHashMap<>();

    private record Answer(int status, String body) {}

    FakeHttp() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            exchange.getRequestHeaders().forEach((name, values) -> lastHeaders.put(name.toLowerCase(), values.get(0)));
            Answer answer = answers.getOrDefault(path, new Answer(404, "{}"));
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void answer(String path, int status, String body) {
        answers.put(path, new Answer(status, body));
    }

    /** Prometheus' instant-query answer of one scalar-like vector sample per value. */
    void prometheusVector(String... values) {
        StringBuilder result = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            result.append(i == 0 ? "" : ",")
                    .append("{\"metric\":{\"instance\":\"i")
                    .append(i)
                    .append("\"},\"value\":[1700000000.1,\"")
                    .append(values[i])
                    .append("\"]}");
        }
        answer(
                "/api/v1/query",
                200,
                "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[" + result + "]}}");
    }

    int hits(String path) {
        AtomicInteger count = hits.get(path);
        return count == null ? 0 : count.get();
    }

    String header(String name) {
        return lastHeaders.get(name.toLowerCase());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
