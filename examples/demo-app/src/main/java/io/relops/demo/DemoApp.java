package io.relops.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The demo application that relops deploys in the local suite and in tests. Its version decides how it behaves, so
 * that each kind of bad release relops must catch has a version that shows it:
 *
 * <ul>
 *   <li>{@code GET /} answers 200 {@code {"application":"demo-app","version":"<v>"}}.
 *   <li>{@code GET /health} answers 200 {@code UP}, or 503 {@code DOWN} when the version ends in {@code -broken}
 *       (health probes catch it).
 *   <li>{@code POST /checkout}, a small business endpoint (its request body is not read), answers 200
 *       {@code {"order":"<uuid>","status":"confirmed","version":"<v>"}}, or 500
 *       {@code {"error":"checkout failed: …","version":"<v>"}} when the version ends in {@code -badcheckout}, whose
 *       health stays UP (a smoke test catches it: {@code examples/demo-app/smoke-test}). Other methods: 405 with
 *       {@code Allow: POST}.
 *   <li>A version ending in {@code -slow} answers {@code /} and {@code /checkout} only after an added latency,
 *       {@code --latency-ms} (300 ms by default); {@code /health} and {@code /metrics} answer at once (latency
 *       metrics catch it).
 *   <li>{@code GET /metrics} is the Prometheus text exposition of Micrometer's Prometheus registry: the timer
 *       {@code http.server.requests} ({@code http_server_requests_seconds}, the name Spring Boot applications use)
 *       of every request but those to {@code /metrics}, tagged {@code method}, {@code uri} ({@code /},
 *       {@code /checkout}, {@code /health}, or {@code UNKNOWN} for any other path), {@code status} and
 *       {@code outcome} ({@code SUCCESS}, {@code CLIENT_ERROR}, {@code SERVER_ERROR}, …), with a percentile
 *       histogram ({@code _bucket} series for {@code histogram_quantile}) and the common tags
 *       {@code application=demo-app} and {@code version=<v>}.
 * </ul>
 *
 * <p>With {@code --data-dir=PATH} it keeps its data there (a log of its starts), which the local catalog's
 * pre-deploy backups archive.
 *
 * <pre>java -jar demo-app.jar --version=1.0.0 --port=9001 [--data-dir=data/demo-app] [--latency-ms=300]</pre>
 *
 * <p>Tests of other modules run it in-process: {@link #start(String, int)} (port 0 takes a free port), {@link #port()},
 * {@link #close()}.
 */
public final class DemoApp implements AutoCloseable {

    /** The latency that a version ending in {@code -slow} adds when {@code --latency-ms} does not say. */
    public static final Duration DEFAULT_SLOW_LATENCY = Duration.ofMillis(300);

    private static final String JSON = "application/json";

    private final String version;
    private final Duration addedLatency;
    private final PrometheusMeterRegistry registry;
    private final ExecutorService executor;
    private final HttpServer server;

    private DemoApp(String version, int port, Duration slowLatency) throws IOException {
        this.version = Settings.requireVersion(version);
        this.addedLatency = version.endsWith("-slow") ? Settings.requireLatency(slowLatency) : Duration.ZERO;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("application", "demo-app", "version", version);
        RequestMetrics requestMetrics = new RequestMetrics(registry);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", Settings.requirePort(port)), 128);
        this.executor = Executors.newFixedThreadPool(8);
        server.createContext("/", this::root).getFilters().add(requestMetrics);
        server.createContext("/health", this::health).getFilters().add(requestMetrics);
        server.createContext("/checkout", this::checkout).getFilters().add(requestMetrics);
        server.createContext("/metrics", this::metrics);
        server.setExecutor(executor);
    }

    /**
     * Starts the app on 127.0.0.1, a version ending in {@code -slow} adding {@link #DEFAULT_SLOW_LATENCY}.
     *
     * @param port the port to listen on; 0 takes a free one ({@link #port()} tells which)
     * @throws IllegalArgumentException if the version is not a version (letters, digits, {@code . _ + -}) or the port
     *     is out of range
     */
    public static DemoApp start(String version, int port) throws IOException {
        return start(version, port, DEFAULT_SLOW_LATENCY);
    }

    /**
     * Starts the app on 127.0.0.1, a version ending in {@code -slow} adding {@code slowLatency} to {@code /} and
     * {@code /checkout}.
     */
    public static DemoApp start(String version, int port, Duration slowLatency) throws IOException {
        DemoApp app = new DemoApp(version, port, slowLatency);
        app.server.start();
        return app;
    }

    public static void main(String[] args) throws IOException {
        Settings settings;
        try {
            settings = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("demo-app: " + e.getMessage());
            System.err.println("usage: " + Settings.USAGE);
            System.exit(2);
            return;
        }
        DemoApp app = start(settings.version(), settings.port(), settings.slowLatency());
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "demo-app-stop"));
        if (settings.dataDir() != null) {
            Path data = Files.createDirectories(settings.dataDir());
            Files.writeString(
                    data.resolve("starts.log"),
                    Instant.now() + " started " + settings.version() + " on port " + app.port()
                            + System.lineSeparator(),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
        System.out.printf("demo-app %s listening on http://127.0.0.1:%d/%n", settings.version(), app.port());
    }

    /** The port it listens on (the one it took when started with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops listening, letting exchanges in progress finish for up to a second. */
    public void stop() {
        server.stop(1);
        executor.shutdown();
        registry.close();
    }

    /** {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    private void root(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals("/")) {
            respond(exchange, 404, JSON, "{\"error\":\"not found\"}");
            return;
        }
        addLatency();
        respond(exchange, 200, JSON, "{\"application\":\"demo-app\",\"version\":\"" + version + "\"}");
    }

    private void health(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals("/health")) {
            respond(exchange, 404, JSON, "{\"error\":\"not found\"}");
        } else if (!version.endsWith("-broken")) {
            respond(exchange, 200, JSON, "{\"status\":\"UP\",\"version\":\"" + version + "\"}");
        } else {
            respond(
                    exchange,
                    503,
                    JSON,
                    "{\"status\":\"DOWN\",\"version\":\"" + version + "\",\"reason\":\"broken build\"}");
        }
    }

    private void checkout(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals("/checkout")) {
            respond(exchange, 404, JSON, "{\"error\":\"not found\"}");
        } else if (!exchange.getRequestMethod().equals("POST")) {
            exchange.getResponseHeaders().set("Allow", "POST");
            respond(exchange, 405, JSON, "{\"error\":\"method not allowed: use POST\"}");
        } else {
            try (InputStream body = exchange.getRequestBody()) {
                body.transferTo(OutputStream.nullOutputStream());
            }
            addLatency();
            if (version.endsWith("-badcheckout")) {
                respond(
                        exchange,
                        500,
                        JSON,
                        "{\"error\":\"checkout failed: the order could not be confirmed (a -badcheckout build)\","
                                + "\"version\":\"" + version + "\"}");
            } else {
                respond(
                        exchange,
                        200,
                        JSON,
                        "{\"order\":\"" + UUID.randomUUID() + "\",\"status\":\"confirmed\",\"version\":\"" + version
                                + "\"}");
            }
        }
    }

    private void metrics(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals("/metrics")) {
            respond(exchange, 404, JSON, "{\"error\":\"not found\"}");
        } else if (!exchange.getRequestMethod().equals("GET")) {
            exchange.getResponseHeaders().set("Allow", "GET");
            respond(exchange, 405, JSON, "{\"error\":\"method not allowed: use GET\"}");
        } else {
            respond(exchange, 200, PrometheusTextFormatWriter.CONTENT_TYPE, registry.scrape());
        }
    }

    /** What a {@code -slow} build does wrong: it takes its time (zero for any other build). */
    private void addLatency() throws IOException {
        if (addedLatency.isZero()) {
            return;
        }
        try {
            Thread.sleep(addedLatency.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while adding the -slow latency", e);
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
