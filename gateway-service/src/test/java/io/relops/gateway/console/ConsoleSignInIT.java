package io.relops.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.gateway.GatewayServiceApplication;
import io.relops.testkit.Postgres;
import io.relops.testkit.RelopsTopics;
import io.relops.testkit.TestCredentials;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The console's sign-in and session rules on a running gateway (real Kafka; the services behind it
 * are deliberately unreachable): token sign-in into an HttpOnly SameSite=Strict session, CSRF on
 * every POST, role checks, problems in words, and an API that stays stateless beside it.
 */
class ConsoleSignInIT {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private static ConfigurableApplicationContext gateway;
    private static String base;

    @BeforeAll
    static void startGateway() {
        String nowhere = "http://127.0.0.1:" + closedPort();
        List<String> args = new ArrayList<>(
                List.of(RelopsTopics.unique("console").serviceArgs(Postgres.freshDatabase("gateway_console"))));
        args.add("--relops.gateway.deploy-url=" + nowhere);
        args.add("--relops.gateway.audit-url=" + nowhere);
        args.add("--relops.gateway.backup-url=" + nowhere);
        args.add("--relops.gateway.alert-url=" + nowhere);
        gateway = new SpringApplicationBuilder(GatewayServiceApplication.class).run(args.toArray(String[]::new));
        int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
        base = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void sendsAnonymousVisitorsToTheSignInPage() throws Exception {
        HttpResponse<String> page = new Browser().get("/console/releases");

        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location").orElseThrow()).endsWith("/console/login");
    }

    @Test
    void signsInWithAnApiTokenIntoAStrictHttpOnlySessionThatChangesAtSignIn() throws Exception {
        Browser browser = new Browser();
        HttpResponse<String> login = browser.get("/console/login");
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("API token");
        assertThat(login.headers().firstValue("Content-Security-Policy").orElse(""))
                .contains("script-src 'self'")
                .doesNotContain("unsafe-inline");
        String before = browser.session;

        HttpResponse<String> signedIn =
                browser.post("/console/login", "token=" + TestCredentials.token("operator"), csrf(login));

        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(signedIn.headers().firstValue("Location").orElseThrow()).doesNotContain("error");
        String cookie = signedIn.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("RELOPS_CONSOLE="))
                .findFirst()
                .orElseThrow();
        assertThat(cookie).contains("HttpOnly").containsIgnoringCase("SameSite=Strict");
        assertThat(browser.session).isNotEqualTo(before);
        HttpResponse<String> releases = browser.get("/console/releases");
        // deploy-service is unreachable here: the page says so, signed in as the token's principal
        assertThat(releases.statusCode()).isEqualTo(503);
        assertThat(releases.body()).contains(TestCredentials.name("operator")).contains("Sign out");
    }

    @Test
    void refusesAnUnknownTokenAndAPostWithoutCsrfToken() throws Exception {
        Browser browser = new Browser();
        HttpResponse<String> login = browser.get("/console/login");

        HttpResponse<String> noCsrf =
                browser.post("/console/login", "token=" + TestCredentials.token("operator"), null);
        assertThat(noCsrf.statusCode()).isEqualTo(403);

        HttpResponse<String> wrong = browser.post("/console/login", "token=guess", csrf(login));
        assertThat(wrong.statusCode()).isEqualTo(302);
        assertThat(wrong.headers().firstValue("Location").orElseThrow()).endsWith("/console/login?error");
        assertThat(browser.get("/console/releases").statusCode()).isEqualTo(302);
    }

    @Test
    void showsAnUnreachableServiceAsAMessageNotAStackTrace() throws Exception {
        Browser operator = signedIn(TestCredentials.token("operator"));

        HttpResponse<String> backups = operator.get("/console/backups");

        assertThat(backups.statusCode()).isEqualTo(200);
        assertThat(backups.body())
                .contains("backup-service is not reachable right now")
                .doesNotContain("Exception")
                .doesNotContain("at io.relops");
        HttpResponse<String> releases = operator.get("/console/releases");
        assertThat(releases.body()).contains("not reachable").doesNotContain("Exception");
    }

    @Test
    void keepsAuditPagesAndOperatorActionsFromRolesThatMayNotUseThem() throws Exception {
        Browser operator = signedIn(TestCredentials.token("operator"));
        HttpResponse<String> audit = operator.get("/console/audit");
        assertThat(audit.statusCode()).isEqualTo(403);
        assertThat(audit.body()).contains("Not allowed");

        Browser approver = signedIn(TestCredentials.token("approver"));
        HttpResponse<String> releases = approver.get("/console/releases");
        HttpResponse<String> rollback = approver.post(
                "/console/releases/00000000-0000-0000-0000-000000000001/rollback", "text=no", csrf(releases));
        assertThat(rollback.statusCode()).isEqualTo(403);
        HttpResponse<String> release = approver.post(
                "/console/releases", "application=demo-app&version=1.0.0&environment=local", csrf(releases));
        assertThat(release.statusCode()).isEqualTo(403);
    }

    @Test
    void leavesTheApiStatelessBesideTheConsole() throws Exception {
        HttpResponse<String> anonymous = new Browser().get("/api/releases");

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(anonymous.headers().allValues("Set-Cookie")).isEmpty();
    }

    private static Browser signedIn(String token) throws Exception {
        Browser browser = new Browser();
        HttpResponse<String> login = browser.get("/console/login");
        HttpResponse<String> signedIn = browser.post("/console/login", "token=" + token, csrf(login));
        assertThat(signedIn.headers().firstValue("Location").orElseThrow()).doesNotContain("error");
        return browser;
    }

    private static String csrf(HttpResponse<String> page) {
        Matcher m = CSRF.matcher(page.body());
        assertThat(m.find()).as("a CSRF field in %s", page.uri()).isTrue();
        return m.group(1);
    }

    /** A cookie-keeping client that does not follow redirects, so each answer can be checked. */
    private static final class Browser {
        private final HttpClient http = HttpClient.newHttpClient();
        private String session = "";

        HttpResponse<String> get(String path) throws Exception {
            return remember(http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString()));
        }

        HttpResponse<String> post(String path, String form, String csrf) throws Exception {
            String body = csrf == null ? form : form + "&_csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8);
            return remember(http.send(
                    request(path)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }

        private HttpRequest.Builder request(String path) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
            if (!session.isEmpty()) {
                request.header("Cookie", "RELOPS_CONSOLE=" + session);
            }
            return request;
        }

        private HttpResponse<String> remember(HttpResponse<String> response) {
            Optional<String> cookie = response.headers().allValues("Set-Cookie").stream()
                    .filter(c -> c.startsWith("RELOPS_CONSOLE="))
                    .findFirst();
            cookie.ifPresent(c -> session = c.substring("RELOPS_CONSOLE=".length(), c.indexOf(';')));
            return response;
        }
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
