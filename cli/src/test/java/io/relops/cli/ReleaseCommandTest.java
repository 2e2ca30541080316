package io.relops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.relops.common.release.OperatorAction;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/** {@code relops release} speaks the common release vocabulary: strategies, statuses and operator actions. */
class ReleaseCommandTest {

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final List<String> seen = new ArrayList<>();
    HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    int relops(String... args) {
        return RelopsCli.run(Map.of(), new PrintWriter(out, true), new PrintWriter(err, true), false, args);
    }

    /** A gateway that answers this status and body to everything, noting each request and its body. */
    String gateway(int status, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext("/", exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(bytes);
            }
        });
        server.start();
        return "http://localhost:" + server.getAddress().getPort();
    }

    @ParameterizedTest
    @EnumSource(OperatorAction.class)
    void eachOperatorActionIsASubcommandThatPostsToItsRoute(OperatorAction action) throws Exception {
        CommandLine release =
                new CommandLine(new RelopsCli(Map.of())).getSubcommands().get("release");
        CommandLine command = release.getSubcommands().get(action.wireName());
        assertThat(command).as("relops release %s", action.wireName()).isNotNull();
        assertThat(((ReleaseCommand.Action) command.getCommand()).action()).isEqualTo(action);

        String url = gateway(202, "{\"releaseId\":\"r1\",\"action\":\"" + action.wireName() + "\"}");
        List<String> args =
                new ArrayList<>(List.of("--server", url, "--token", "t", "release", action.wireName(), "r1"));
        if (action == OperatorAction.REJECT) {
            args.addAll(List.of("--reason", "no"));
        }
        assertThat(relops(args.toArray(String[]::new))).as(err.toString()).isZero();
        assertThat(seen).singleElement().asString().startsWith("POST /api/releases/r1/" + action.wireName() + " ");
        assertThat(out.toString()).isEqualTo("release r1: " + action.wireName() + " accepted\n");
    }

    @Test
    void sendsTheStrategyByItsWireNameAndRefusesOthersNamingTheStrategies() throws Exception {
        String url = gateway(202, "{\"releaseId\":\"r1\",\"status\":\"REQUESTED\"}");
        assertThat(relops(
                        "--server",
                        url,
                        "--token",
                        "t",
                        "release",
                        "create",
                        "demo-app",
                        "1.0.0",
                        "-e",
                        "local",
                        "--strategy",
                        "canary"))
                .as(err.toString())
                .isZero();
        assertThat(seen).singleElement().asString().contains("\"strategy\":\"canary\"");

        assertThat(relops(
                        "--server",
                        url,
                        "--token",
                        "t",
                        "release",
                        "create",
                        "demo-app",
                        "1.0.0",
                        "-e",
                        "local",
                        "--strategy",
                        "rolling"))
                .isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).contains("'rolling' is not a strategy (blue-green, canary)");
        assertThat(seen).hasSize(1);

        out.getBuffer().setLength(0);
        assertThat(relops("release", "create", "--help")).isZero();
        assertThat(out.toString()).contains("--strategy=<strategy>", "blue-green, canary (default: the catalog's)");
    }

    @Test
    void filtersTheListByAStatusOfTheVocabulary() throws Exception {
        String url = gateway(200, "[]");
        assertThat(relops("--server", url, "--token", "t", "release", "list", "--status", "rolled_back"))
                .as(err.toString())
                .isZero();
        assertThat(seen).singleElement().asString().startsWith("GET /api/releases?status=ROLLED_BACK&limit=50 ");

        assertThat(relops("--server", url, "--token", "t", "release", "list", "--status", "DONE"))
                .isEqualTo(ExitCode.USAGE);
        assertThat(seen).hasSize(1);
    }
}
