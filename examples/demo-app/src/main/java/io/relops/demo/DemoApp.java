package io.relops.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.Executors;

/**
 * The demo application that relops deploys in the local suite. {@code GET /} answers with its
 * version; {@code GET /health} answers 200, or 503 when the version ends in {@code -broken} (so the
 * demo can show a rollback).
 *
 * <p>With {@code --data-dir=PATH} it keeps its data there (a log of its starts), which the local
 * catalog's pre-deploy backups archive.
 *
 * <pre>java -jar demo-app.jar --version=1.0.0 --port=9001 [--data-dir=data/demo-app]</pre>
 */
public final class DemoApp {

    private final HttpServer server;
    private final String version;

    DemoApp(String version, int port) throws IOException {
        this.version = version;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
        server.createContext("/", this::root);
        server.createContext("/health", this::health);
        server.setExecutor(Executors.newFixedThreadPool(8));
    }

    public static void main(String[] args) throws IOException {
        String version = option(args, "version", "0.0.0");
        int port = Integer.parseInt(option(args, "port", "9001"));
        DemoApp app = new DemoApp(version, port);
        app.start();
        Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "demo-app-stop"));
        String dataDir = option(args, "data-dir", "");
        if (!dataDir.isEmpty()) {
            Path data = Files.createDirectories(Path.of(dataDir));
            Files.writeString(
                    data.resolve("starts.log"),
                    Instant.now() + " started " + version + " on port " + app.port() + System.lineSeparator(),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
        System.out.printf("demo-app %s listening on http://127.0.0.1:%d/%n", version, app.port());
    }

    void start() {
        server.start();
    }

    void stop() {
        server.stop(1);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdown();
    }

    int port() {
        return server.getAddress().getPort();
    }

    boolean healthy() {
        return !version.endsWith("-broken");
    }

    private void root(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals("/")) {
            respond(exchange, 404, "{\"error\":\"not found\"}");
            return;
        }
        respond(exchange, 200, "{\"application\":\"demo-app\",\"version\":\"" + version + "\"}");
    }

    private void health(HttpExchange exchange) throws IOException {
        if (healthy()) {
            respond(exchange, 200, "{\"status\":\"UP\",\"version\":\"" + version + "\"}");
        } else {
            respond(exchange, 503, "{\"status\":\"DOWN\",\"version\":\"" + version + "\",\"reason\":\"broken build\"}");
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String option(String[] args, String name, String fallback) {
        String prefix = "--" + name + "=";
        for (String arg : args) {
            if (arg.startsWith(prefix)) {
                return arg.substring(prefix.length());
            }
        }
        return fallback;
    }
}
