package io.relops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
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

/** {@code relops release promote-env} and {@code relops app status} against a stand-in gateway. */
class PromoteEnvironmentTest {

    static final String DEMO_APP = """
            {"application":"demo-app","environments":[
              {"environment":"staging","liveVersion":"1.1.0","liveReleaseId":"s-1",
               "lastRelease":{"releaseId":"5e1d0a7c-0000-4000-8000-000000000001","version":"1.1.0",
                              "status":"COMPLETED","finishedAt":"2026-12-07T10:00:00.123Z","reason":null},
               "approvalRequired":false,"promotion":null},
              {"environment":"production","liveVersion":"1.0.0","liveReleaseId":"p-1",
               "lastRelease":{"releaseId":"9a8b7c6d-0000-4000-8000-000000000002","version":"1.0.0",
                              "status":"COMPLETED","finishedAt":"2026-12-06T09:00:00Z","reason":null},
               "approvalRequired":true,
               "promotion":{"from":"staging","candidateVersion":"1.1.0","ready":false,"missing":"soak",
                            "reason":"promotion to production refused: demo-app 1.1.0 ... 41m left",
                            "soakRemaining":"PT41M","sourceRelease":"s-1","approvalRequired":true}},
              {"environment":"qa","liveVersion":null,"lastRelease":null,"approvalRequired":false,"promotion":null}
            ]}
            """;

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

    /** A gateway answering GET /api/applications/demo-app with {@code app}, and POST /api/releases with this. */
    String gateway(String app, int postStatus, String postBody) throws IOException {
        server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + body);
            boolean post = exchange.getRequestMethod().equals("POST");
            byte[] bytes = (post ? postBody : app).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders()
                    .set("Content-Type", post && postStatus >= 400 ? "application/problem+json" : "application/json");
            exchange.sendResponseHeaders(post ? postStatus : 200, bytes.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(bytes);
            }
        });
        server.start();
        return "http://localhost:" + server.getAddress().getPort();
    }

    @Test
    void requestsWhatTheSourceEnvironmentRunsInTheTargetEnvironment() throws Exception {
        String url = gateway(DEMO_APP, 202, "{\"releaseId\":\"r9\",\"status\":\"REQUESTED\"}");

        assertThat(relops(
                        "--server", url, "--token", "t", "release", "promote-env", "demo-app", "staging", "production"))
                .as(err.toString())
                .isZero();

        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).startsWith("GET /api/applications/demo-app ");
        assertThat(seen.get(1))
                .isEqualTo("POST /api/releases"
                        + " {\"application\":\"demo-app\",\"version\":\"1.1.0\",\"environment\":\"production\"}");
        assertThat(out.toString()).contains("r9");
    }

    @Test
    void withAVersionPromotesOnlyWhenTheSourceEnvironmentStillRunsIt() throws Exception {
        String url = gateway(DEMO_APP, 202, "{\"releaseId\":\"r9\",\"status\":\"REQUESTED\"}");

        assertThat(relops(
                        "--server",
                        url,
                        "--token",
                        "t",
                        "release",
                        "promote-env",
                        "demo-app",
                        "staging",
                        "production",
                        "--version",
                        "1.2.0"))
                .isEqualTo(ExitCode.FAILED);
        assertThat(err.toString()).contains("staging runs demo-app 1.1.0, not 1.2.0");
        assertThat(seen).allMatch(request -> request.startsWith("GET "));

        assertThat(relops(
                        "--server",
                        url,
                        "--token",
                        "t",
                        "release",
                        "promote-env",
                        "demo-app",
                        "staging",
                        "production",
                        "--version",
                        "1.1.0"))
                .as(err.toString())
                .isZero();
        assertThat(seen).last().asString().startsWith("POST /api/releases");
    }

    @Test
    void aRefusedPromotionExitsWithTheConflictCodeAndTheGatewaysReason() throws Exception {
        String url = gateway(
                DEMO_APP,
                409,
                "{\"title\":\"Promotion refused\",\"status\":409,\"detail\":\"promotion to production refused:"
                        + " demo-app 1.1.0 has not completed in staging\"}");

        assertThat(relops(
                        "--server", url, "--token", "t", "release", "promote-env", "demo-app", "staging", "production"))
                .isEqualTo(ExitCode.CONFLICT);
        assertThat(err.toString())
                .contains("409 Promotion refused: promotion to production refused: demo-app 1.1.0 has not completed"
                        + " in staging");
    }

    @Test
    void exitsOneNamingTheEnvironmentWhenItRunsNothingAndTwoForAnUnknownOneWithoutPosting() throws Exception {
        String url = gateway(DEMO_APP, 202, "{}");

        assertThat(relops("--server", url, "--token", "t", "release", "promote-env", "demo-app", "qa", "production"))
                .isEqualTo(ExitCode.FAILED);
        assertThat(err.toString()).contains("relops: qa runs no version of demo-app: release one there first");

        assertThat(relops("--server", url, "--token", "t", "release", "promote-env", "demo-app", "dev", "production"))
                .isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).contains("demo-app has no environment 'dev' (it has staging, production, qa)");
        assertThat(seen).allMatch(request -> request.startsWith("GET "));
    }

    @Test
    void appStatusPrintsEachEnvironmentsLiveVersionLastReleaseAndPromotion() throws Exception {
        String url = gateway(DEMO_APP, 202, "{}");

        assertThat(relops("--server", url, "--token", "t", "app", "status", "demo-app"))
                .as(err.toString())
                .isZero();

        String[] lines = out.toString().split("\n");
        assertThat(lines[0]).isEqualTo("demo-app");
        assertThat(lines[1]).startsWith("ENV").contains("LIVE", "LAST RELEASE", "FINISHED", "PROMOTION");
        assertThat(lines[2])
                .startsWith("staging")
                .contains("1.1.0", "1.1.0 COMPLETED (5e1d0a7c)", "2026-12-07 10:00:00");
        assertThat(lines[3])
                .startsWith("production")
                .contains("1.0.0 COMPLETED (9a8b7c6d)", "from staging: 1.1.0 soaking, PT41M left, approval needed");
        assertThat(lines[4]).startsWith("qa").contains(" - ");
    }

    @Test
    void appStatusJsonIsTheAnswerAsItCame() throws Exception {
        String url = gateway(DEMO_APP, 202, "{}");

        assertThat(relops("--server", url, "--token", "t", "app", "status", "demo-app", "--json"))
                .isZero();

        assertThat(out.toString()).contains("\"candidateVersion\" : \"1.1.0\"", "\"soakRemaining\" : \"PT41M\"");
    }

    @Test
    void saysWhenTheCandidateIsReadyOrAlreadyLive() {
        tools.jackson.databind.JsonNode ready =
                io.relops.common.codec.EventJson.mapper().readTree("""
                        {"environment":"production","liveVersion":"1.0.0","promotion":{"from":"staging",
                         "candidateVersion":"1.1.0","ready":true,"missing":"none","approvalRequired":true}}
                        """);
        tools.jackson.databind.JsonNode live =
                io.relops.common.codec.EventJson.mapper().readTree("""
                        {"environment":"production","liveVersion":"1.1.0","promotion":{"from":"staging",
                         "candidateVersion":"1.1.0","ready":true,"missing":"none","approvalRequired":false}}
                        """);

        assertThat(AppCommand.promotion(ready)).isEqualTo("from staging: 1.1.0 ready, approval needed");
        assertThat(AppCommand.promotion(live)).isEqualTo("from staging: 1.1.0 already live");
    }
}
