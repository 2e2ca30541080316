package io.relops.local;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in for a service jar in {@link LocalSuiteSupervisionTest}: answers {@code /actuator/health} with UP on the
 * port the launcher gives it (the variable named by {@code FAKE_PORT_VARIABLE}), or exits with 3 at once when the
 * file {@code crash} exists in its data directory (a service that cannot start).
 */
public final class FakeService {

    private FakeService() {}

    public static void main(String[] args) throws IOException {
        if (Files.exists(Path.of(System.getenv("RELOPS_DATA_DIR"), "crash"))) {
            System.out.println("fake service: crash file present, exiting");
            System.exit(3);
        }
        int port = Integer.parseInt(System.getenv(System.getenv("FAKE_PORT_VARIABLE")));
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/actuator/health", exchange -> {
            byte[] body = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        System.out.println("fake service: Started on port " + port);
    }
}
