package io.relops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The CLI's contract with scripts: exit codes, one-line errors, server and token from flags or environment. */
class RelopsCliTest {

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final AtomicReference<String> seen = new AtomicReference<>();
    HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    int relops(Map<String, String> env, String... args) {
        return RelopsCli.run(env, new PrintWriter(out, true), new PrintWriter(err, true), false, args);
    }

    /** A gateway that answers every request with this status, content type and body, noting what it was asked. */
    String gateway(int status, String type, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext("/", exchange -> {
            seen.set(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(bytes);
            }
        });
        server.start();
        return "http://localhost:" + server.getAddress().getPort();
    }

    @Test
    void listsTheExitCodesInItsHelp() {
        assertThat(relops(Map.of(), "--help")).isZero();
        assertThat(out.toString())
                .contains("Exit codes:")
                .contains("3   not authenticated or not allowed (401/403)")
                .contains("6   server error (5xx) or the gateway cannot be reached")
                .contains("RELOPS_SERVER", "RELOPS_TOKEN");
    }

    @Test
    void takesServerAndTokenFromTheEnvironmentAndFlagsWin() throws Exception {
        String url = gateway(200, "application/json", "[]");

        assertThat(relops(Map.of("RELOPS_SERVER", url, "RELOPS_TOKEN", "from-env"), "release", "list"))
                .isZero();
        assertThat(seen.get()).isEqualTo("GET /api/releases?limit=50 Bearer from-env");

        assertThat(relops(
                        Map.of("RELOPS_SERVER", "http://localhost:1", "RELOPS_TOKEN", "from-env"),
                        "backup",
                        "list",
                        "--server",
                        url,
                        "--token",
                        "from-flag",
                        "-a",
                        "demo-app"))
                .isZero();
        assertThat(seen.get()).isEqualTo("GET /api/backups?application=demo-app&limit=50 Bearer from-flag");
        assertThat(out.toString()).contains("(none)");
    }

    @Test
    void showsAProblemAsOneLineAndExitsWithItsCode() throws Exception {
        String url = gateway(
                404,
                "application/problem+json",
                "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"no release 42\"}");

        int exit = relops(Map.of(), "--server", url, "--token", "t", "release", "get", "42");

        assertThat(exit).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(err.toString()).isEqualTo("relops: 404 Not Found: no release 42 (GET /api/releases/42)\n");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void mapsEveryErrorStatusToItsExitCode() {
        assertThat(ExitCode.of(400)).isEqualTo(2);
        assertThat(ExitCode.of(401)).isEqualTo(3);
        assertThat(ExitCode.of(403)).isEqualTo(3);
        assertThat(ExitCode.of(404)).isEqualTo(4);
        assertThat(ExitCode.of(409)).isEqualTo(5);
        assertThat(ExitCode.of(500)).isEqualTo(6);
        assertThat(ExitCode.of(503)).isEqualTo(6);
        assertThat(ExitCode.of(418)).isEqualTo(1);
    }

    @Test
    void exitsSixWhenTheGatewayCannotBeReached() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        int exit = relops(Map.of(), "--server", "http://localhost:" + port, "--token", "t", "alert", "list");

        assertThat(exit).isEqualTo(ExitCode.SERVER);
        assertThat(err.toString()).startsWith("relops: cannot reach the gateway at http://localhost:" + port);
    }

    @Test
    void exitsThreeWithoutAToken() {
        assertThat(relops(Map.of(), "release", "list")).isEqualTo(ExitCode.AUTH);
        assertThat(err.toString()).contains("no token: give --token or set RELOPS_TOKEN");
    }

    @Test
    void exitsTwoOnBadUsage() {
        assertThat(relops(Map.of(), "release", "create", "demo-app")).isEqualTo(ExitCode.USAGE);
        assertThat(relops(Map.of(), "release", "list", "--output", "yaml")).isEqualTo(ExitCode.USAGE);
        assertThat(relops(Map.of(), "silence", "add", "not a matcher", "--comment", "x", "--token", "t"))
                .isEqualTo(ExitCode.USAGE);
    }

    @Test
    void printsJsonForScripts() throws Exception {
        String url = gateway(
                200,
                "application/json",
                "[{\"id\":\"b1\",\"application\":\"demo-app\",\"status\":\"COMPLETED\",\"sizeBytes\":2048}]");

        assertThat(relops(Map.of(), "--server", url, "--token", "t", "backup", "list", "--output", "json"))
                .isZero();
        assertThat(io.relops.common.codec.EventJson.mapper()
                        .readTree(out.toString())
                        .get(0)
                        .path("sizeBytes")
                        .asLong())
                .isEqualTo(2048);

        out.getBuffer().setLength(0);
        assertThat(relops(Map.of(), "--server", url, "--token", "t", "backup", "list"))
                .isZero();
        assertThat(out.toString().lines().toList())
                .first()
                .asString()
                .startsWith("BACKUP")
                .contains("APPLICATION", "STATUS");
        assertThat(out.toString()).contains("b1", "demo-app", "COMPLETED", "2.0 KiB");
    }

    @Test
    void upIsTheLocalSuitesJarNotThisOne() {
        assertThat(relops(Map.of(), "up", "--demo")).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString())
                .isEqualTo("relops: `up` is the local suite's launcher, not part of this jar: run ./relops up"
                        + " (or java -jar local/target/relops-local-exec.jar)\n");

        out.getBuffer().setLength(0);
        assertThat(relops(Map.of(), "--help")).isZero();
        assertThat(out.toString()).contains("./relops up --help");
    }
}
