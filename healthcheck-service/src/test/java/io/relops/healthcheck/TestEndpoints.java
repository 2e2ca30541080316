package io.relops.healthcheck;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real local HTTP servers a test probes: each path answers as its behaviour says (healthy, unhealthy,
 * slow, switchable), every request is counted with the time it arrived; {@link #neverAnswering()}
 * accepts connections and never answers.
 */
public final class TestEndpoints implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> hitTimes = new ConcurrentHashMap<>();
    private final Map<String, Integer> statusOf = new ConcurrentHashMap<>();
    private final ServerSocket silent;

    public TestEndpoints() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/", this::handle);
            server.start();
            // a listening socket nobody accepts from: connections complete (backlog), requests go unanswered
            silent = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base URL of the servers; paths: /healthy, /unhealthy, /slow/{ms}, /switch/{name}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String neverAnswering() {
        return "http://127.0.0.1:" + silent.getLocalPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public int silentPort() {
        return silent.getLocalPort();
    }

    /** What /switch/{name}/... answers from now on. */
    public void setStatus(String name, int status) {
        statusOf.put(name, status);
    }

    public int hits(String pathPrefix) {
        return hits.entrySet().stream()
                .filter(e -> e.getKey().startsWith(pathPrefix))
                .mapToInt(e -> e.getValue().get())
                .sum();
    }

    /** System.nanoTime() of each request whose path starts with the prefix. */
    public List<Long> hitTimes(String pathPrefix) {
        return hitTimes.entrySet().stream()
                .filter(e -> e.getKey().startsWith(pathPrefix))
                .flatMap(e -> e.getValue().stream())
                .sorted()
                .toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        hitTimes.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
        String[] parts = path.split("/");
        int status = 200;
        String body = "{\"status\":\"UP\"}";
        if (path.startsWith("/unhealthy")) {
            status = 503;
            body = "{\"status\":\"DOWN\"}";
        } else if (path.startsWith("/slow/") && parts.length > 2) {
            sleep(Duration.ofMillis(Long.parseLong(parts[2])));
        } else if (path.startsWith("/switch/") && parts.length > 2) {
            status = statusOf.getOrDefault(parts[2], 200);
            body = status == 200 ? body : "{\"status\":\"DOWN\"}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis()); // the endpoint under test is slow on purpose
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        try {
            silent.close();
        } catch (IOException e) {
            // closing
        }
    }
}
