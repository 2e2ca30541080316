package io.relops.alert.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.relops.common.codec.EventJson;
import io.relops.testkit.Amtool;
import io.relops.testkit.TestCredentials;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Alertmanager's API v2 on alert-service, checked with its own client: Debian's {@code amtool} 0.25 queries alerts,
 * adds, lists and expires silences, and accepts the configuration {@code /api/v2/status} shows; the JSON answers have
 * Alertmanager's shapes, with the state computed from relops' silences and inhibition rules. Run inside {@link
 * AlertingIT} (its {@code AlertmanagerApiV2}), on its running service: the routing tree sends everything to {@code
 * team}, and the service's default inhibition rule ({@code RollbackFailed} mutes {@code RolledBack} of the same
 * application and environment) is in force.
 */
abstract class AlertmanagerApiChecks {

    private static final HttpClient http = HttpClient.newHttpClient();

    private final String baseUrl;
    private final String run;

    @TempDir
    Path workDir;

    AlertmanagerApiChecks(String baseUrl, String run) {
        this.baseUrl = baseUrl;
        this.run = run;
    }

    @Test
    void amtoolSeesAPushedAlertSilencesItAndExpiresTheSilence() throws Exception {
        assumeTrue(Amtool.find() != null, Amtool.ABSENT);
        Amtool amtool = Amtool.against(baseUrl, TestCredentials.token("operator"), workDir);
        String name = "AmtoolProbe" + run.replace("-", "");
        HttpResponse<String> pushed = push("""
                [{"labels": {"alertname": "%s", "application": "amtool-%s", "severity": "warning"},
                  "annotations": {"summary": "pushed by the amtool test"},
                  "generatorURL": "http://prometheus.test/graph"}]
                """.formatted(name, run));
        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(200);
        assertThat(pushed.body()).isEmpty();

        assertThat(amtool.ok("alert", "query", "alertname=" + name)).contains(name, "pushed by the amtool test");
        JsonNode alert = onlyAlert("alertname=\"" + name + "\"");
        assertThat(alert.path("status").path("state").asString()).isEqualTo("active");
        assertThat(alert.path("receivers").get(0).path("name").asString()).isEqualTo("team");
        assertThat(alert.path("generatorURL").asString()).isEqualTo("http://prometheus.test/graph");
        assertThat(alert.path("fingerprint").asString()).isNotBlank();

        String id = amtool.ok("silence", "add", "alertname=" + name, "--comment=amtool test", "--duration=10m")
                .strip();
        assertThat(UUID.fromString(id)).isNotNull();
        assertThat(amtool.ok("silence", "query", "alertname=" + name)).contains(id, "amtool test");
        JsonNode silence = getJson("/api/v2/silence/" + id);
        assertThat(silence.path("status").path("state").asString()).isEqualTo("active");
        assertThat(silence.path("createdBy").asString()).isEqualTo(TestCredentials.name("operator"));
        // a pending silence is listed after the active one (Alertmanager's order)
        OffsetDateTime later = OffsetDateTime.now().plusHours(1);
        HttpResponse<String> created = AlertingIT.post(
                "operator", baseUrl, "/api/v2/silences", """
                {"matchers": [{"name": "alertname", "value": "%s", "isRegex": false}],
                 "startsAt": "%s", "endsAt": "%s", "createdBy": "amtool test", "comment": "later"}
                """.formatted(name, later, later.plusHours(1)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String pending =
                EventJson.mapper().readTree(created.body()).path("silenceID").asString();
        assertThat(strings(getJson("/api/v2/silences?filter=" + encode("alertname=\"" + name + "\"")), "id"))
                .containsExactly(id, pending);
        assertThat(getJson("/api/v2/silences?filter=" + encode("{alertname=\"" + name + "\", a=\"b,c\"}")))
                .isEmpty();
        // Alertmanager 0.25 lists a silence for a filter matcher only when the silence has that very matcher (name,
        // operator, value): a regular expression that its value would match does not find it
        assertThat(strings(getJson("/api/v2/silences?filter=" + encode("alertname=~\"AmtoolProbe.*\"")), "id"))
                .doesNotContain(id, pending);
        assertThat(amtool.ok("silence", "query", "alertname=~AmtoolProbe.*")).doesNotContain(id);

        // amtool's query shows active alerts only: the silenced one is hidden, and shown with --silenced
        assertThat(amtool.ok("alert", "query", "alertname=" + name)).doesNotContain(name);
        assertThat(amtool.ok("alert", "query", "--silenced", "alertname=" + name))
                .contains(name);
        JsonNode silenced = onlyAlert("alertname=\"" + name + "\"");
        assertThat(silenced.path("status").path("state").asString()).isEqualTo("suppressed");
        assertThat(strings(silenced.path("status").path("silencedBy"))).containsExactly(id);

        amtool.ok("silence", "expire", id);
        assertThat(strings(getJson("/api/v2/silences?filter=" + encode("alertname=\"" + name + "\"")), "id"))
                .containsExactly(pending, id);
        assertThat(getJson("/api/v2/silence/" + id).path("status").path("state").asString())
                .isEqualTo("expired");
        assertThat(amtool.ok("silence", "query", "alertname=" + name)).doesNotContain(id);
        assertThat(amtool.ok("silence", "query", "--expired", "alertname=" + name))
                .contains(id);
        assertThat(amtool.ok("alert", "query", "alertname=" + name)).contains(name);
        assertThat(onlyAlert("alertname=\"" + name + "\"")
                        .path("status")
                        .path("state")
                        .asString())
                .isEqualTo("active");
    }

    @Test
    void anInhibitedAlertIsSuppressedByTheAlertThatInhibitsItAndGroupedByItsRoute() throws Exception {
        String app = "inhibit-" + run;
        String alerts = """
                [{"labels": {"alertname": "RollbackFailed", "application": "%1$s", "environment": "prod",
                             "severity": "critical"}},
                 {"labels": {"alertname": "RolledBack", "application": "%1$s", "environment": "prod",
                             "severity": "warning"}},
                 {"labels": {"alertname": "RolledBack", "application": "%1$s", "environment": "staging",
                             "severity": "warning"}}]
                """.formatted(app);
        assertThat(push(alerts).statusCode()).isEqualTo(200);
        String byApp = "{application=\"" + app + "\"}";

        JsonNode all = getJson("/api/v2/alerts?filter=" + encode(byApp));
        assertThat(all).hasSize(3);
        JsonNode source = find(all, "RollbackFailed", "prod");
        JsonNode inhibited = find(all, "RolledBack", "prod");
        JsonNode other = find(all, "RolledBack", "staging");
        assertThat(source.path("status").path("state").asString()).isEqualTo("active");
        assertThat(inhibited.path("status").path("state").asString()).isEqualTo("suppressed");
        assertThat(strings(inhibited.path("status").path("inhibitedBy")))
                .containsExactly(source.path("fingerprint").asString());
        assertThat(strings(inhibited.path("status").path("silencedBy"))).isEmpty();
        assertThat(other.path("status").path("state").asString()).isEqualTo("active");

        assertThat(getJson("/api/v2/alerts?inhibited=false&filter=" + encode(byApp)))
                .hasSize(2)
                .noneMatch(a -> a.path("status").path("state").asString().equals("suppressed"));
        assertThat(getJson("/api/v2/alerts?active=false&filter=" + encode(byApp)))
                .singleElement()
                .satisfies(a -> assertThat(a.path("fingerprint").asString())
                        .isEqualTo(inhibited.path("fingerprint").asString()));
        assertThat(getJson("/api/v2/alerts?receiver=oncall&filter=" + encode(byApp)))
                .isEmpty();
        assertThat(getJson("/api/v2/alerts?receiver=te.m&filter=" + encode(byApp)))
                .hasSize(3);
        // the filter in its two forms: one matcher per value, or a {...} list
        assertThat(getJson("/api/v2/alerts?filter=" + encode(byApp) + "&filter=" + encode("environment!=\"prod\"")))
                .singleElement()
                .satisfies(a -> assertThat(a.path("labels").path("environment").asString())
                        .isEqualTo("staging"));
        assertThat(getJson("/api/v2/alerts?filter="
                        + encode("{application=\"" + app + "\", alertname=~\"Roll.*\", environment=\"prod\"}")))
                .hasSize(2);

        // the root route groups by application: one group for the three, received by team
        JsonNode groups = getJson("/api/v2/alerts/groups?filter=" + encode(byApp));
        assertThat(groups).singleElement().satisfies(group -> {
            assertThat(group.path("labels").path("application").asString()).isEqualTo(app);
            assertThat(group.path("receiver").path("name").asString()).isEqualTo("team");
            assertThat(group.path("alerts")).hasSize(3);
        });
        assertThat(getJson("/api/v2/alerts/groups?inhibited=false&filter=" + encode(byApp))
                        .get(0)
                        .path("alerts"))
                .hasSize(2);

        if (Amtool.find() != null) {
            Amtool amtool = Amtool.against(baseUrl, TestCredentials.token("auditor"), workDir);
            // amtool shows active alerts unless told otherwise; --inhibited alone shows the inhibited ones only
            assertThat(amtool.ok("alert", "query", "application=" + app, "environment=prod"))
                    .contains("RollbackFailed")
                    .doesNotContain("RolledBack");
            assertThat(amtool.ok("alert", "query", "--inhibited", "application=" + app, "environment=prod"))
                    .contains("RolledBack")
                    .doesNotContain("RollbackFailed");
        }
    }

    /** Alertmanager answers an empty push with 200; relops' own {@code POST /api/alerts} still refuses it. */
    @Test
    void anEmptyPushIsAcceptedOnTheV2PathOnly() throws Exception {
        HttpResponse<String> empty = push("[]");
        assertThat(empty.statusCode()).as(empty.body()).isEqualTo(200);
        assertThat(empty.body()).isEmpty();
        AlertingIT.assertProblem(AlertingIT.post("operator", baseUrl, "/api/alerts", "[]"), "alerts");
    }

    @Test
    void statusShowsTheRoutingAsAnAlertmanagerConfigurationAndTheReceivers() throws Exception {
        JsonNode status = getJson("/api/v2/status");
        assertThat(status.path("cluster").path("status").asString()).isEqualTo("disabled");
        assertThat(status.path("cluster").path("peers")).isEmpty();
        assertThat(status.path("versionInfo").path("version").asString()).isEqualTo("0.25.0");
        assertThat(status.path("uptime").asString()).isNotBlank();
        String original = status.path("config").path("original").asString();
        assertThat(original)
                .contains("receiver: team", "outage-.*", "receiver: oncall", "RollbackFailed")
                .doesNotContain("http://", "team-key", "oncall-key");
        assertThat(strings(getJson("/api/v2/receivers"), "name"))
                .containsExactly("blackhole", "flow", "log", "managers", "oncall", "quiet", "team");
        if (Amtool.find() != null) {
            // Alertmanager's own loader accepts it
            Path file = Files.writeString(workDir.resolve("alertmanager.yml"), original);
            Amtool.Result check = Amtool.against(baseUrl, TestCredentials.token("auditor"), workDir)
                    .run("check-config", file.toString());
            assertThat(check.exitCode()).as(check.toString()).isZero();
            assertThat(check.output()).contains("SUCCESS");
        }
    }

    @Test
    void refusesBadFiltersAndUnknownSilencesWithProblemDetails() throws Exception {
        AlertingIT.assertProblem(get("/api/v2/alerts?filter=" + encode("alertname=~\"(\"")), "filter");
        AlertingIT.assertProblem(get("/api/v2/alerts?filter=" + encode("no matcher")), "filter");
        AlertingIT.assertProblem(get("/api/v2/alerts/groups?receiver=" + encode("(")), "receiver");
        AlertingIT.assertProblem(get("/api/v2/silences?filter=" + encode("{a=\"b\",=}")), "filter");
        AlertingIT.assertProblem(
                AlertingIT.post("operator", baseUrl, "/api/v2/silences", "{\"matchers\": []}"), "matchers");
        HttpResponse<String> unknown = http.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/api/v2/silence/" + UUID.randomUUID()))
                        .header("Authorization", TestCredentials.bearer("operator"))
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    }

    private HttpResponse<String> push(String alerts) throws Exception {
        return AlertingIT.post("ingest", baseUrl, "/api/v2/alerts", alerts);
    }

    private JsonNode onlyAlert(String filter) throws Exception {
        JsonNode alerts = getJson("/api/v2/alerts?filter=" + encode(filter));
        assertThat(alerts).hasSize(1);
        return alerts.get(0);
    }

    private static JsonNode find(JsonNode alerts, String alertname, String environment) {
        for (JsonNode a : alerts) {
            if (a.path("labels").path("alertname").asString().equals(alertname)
                    && a.path("labels").path("environment").asString().equals(environment)) {
                return a;
            }
        }
        throw new AssertionError("no " + alertname + " in " + environment + " among " + alerts);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(baseUrl + path))
                        .header("Authorization", TestCredentials.bearer("auditor"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return EventJson.mapper().readTree(response.body());
    }

    private static List<String> strings(JsonNode array, String... field) {
        List<String> values = new ArrayList<>();
        for (JsonNode node : array) {
            values.add((field.length == 0 ? node : node.path(field[0])).asString());
        }
        return values;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
