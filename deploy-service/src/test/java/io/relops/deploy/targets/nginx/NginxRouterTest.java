package io.relops.deploy.targets.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relops.deploy.catalog.DeployCatalog;
import io.relops.deploy.catalog.DeployCatalog.MatchSpec;
import io.relops.deploy.targets.DeploymentFailedException;
import io.relops.deploy.targets.Routed;
import io.relops.deploy.targets.TargetContext;
import io.relops.deploy.targets.TargetUnavailableException;
import io.relops.deploy.targets.Traffic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The nginx router's include file (its exact text for each kind of traffic, the match map) and its apply cycle with
 * the real {@code nginx -t} of Debian's nginx on a configuration in the test's directory: a file nginx refuses is
 * replaced by the previous one, a reload that finds no nginx running is transient, the same traffic twice reloads
 * once. NginxRouterIT runs releases through a running nginx.
 */
class NginxRouterTest {

    private static final String NGINX = "/usr/sbin/nginx";
    private static final String BLUE = "http://127.0.0.1:9301";
    private static final String GREEN = "http://127.0.0.1:9302";

    @TempDir
    Path prefix;

    private Path include;
    private Path conf;

    @BeforeEach
    void configuration() throws IOException {
        include = prefix.resolve("upstreams").resolve("demo-app.conf");
        conf = prefix.resolve("nginx.conf");
        Files.createDirectories(prefix.resolve("logs"));
        Files.createDirectories(prefix.resolve("tmp"));
        Files.writeString(conf, """
                worker_processes 1;
                pid logs/nginx.pid;
                events {}
                http {
                    client_body_temp_path tmp/body;
                    proxy_temp_path tmp/proxy;
                    fastcgi_temp_path tmp/fastcgi;
                    uwsgi_temp_path tmp/uwsgi;
                    scgi_temp_path tmp/scgi;
                    include upstreams/*.conf;
                    # the user's own upstream: a canary upstream by that name cannot be added
                    upstream relops_taken_local_canary { server 127.0.0.1:1; }
                    server {
                        listen 127.0.0.1:1;
                        location / { proxy_pass http://$relops_demo_app_local; }
                    }
                }
                """);
    }

    @Test
    void allTrafficToOneSlotIsOneServer() {
        NginxInclude file = new NginxInclude("demo-app", "local", "relops_demo_app_local", null);

        assertThat(file.render(Traffic.all("blue", BLUE))).isEqualTo("""
                # Written by relops (deploy-service) for demo-app in local: rewritten on every traffic change, do not edit.
                # Include it in nginx's http block; proxy with: proxy_pass http://$relops_demo_app_local;
                upstream relops_demo_app_local {
                    server 127.0.0.1:9301 weight=100; # slot blue
                    keepalive 16;
                }
                map "" $relops_demo_app_local {
                    default relops_demo_app_local;
                }
                """);
        assertThat(file.render(Traffic.split("blue", BLUE, "green", GREEN, 100)))
                .contains("server 127.0.0.1:9302 weight=100; # slot green")
                .doesNotContain("9301");
    }

    @Test
    void aSplitIsTwoServersWeightedByTheExactPercentages() {
        NginxInclude file = new NginxInclude("demo-app", "local", "relops_demo_app_local", null);

        assertThat(file.render(Traffic.split("blue", BLUE, "green", GREEN, 5)))
                .contains("""
                        upstream relops_demo_app_local {
                            server 127.0.0.1:9301 weight=95; # slot blue
                            server 127.0.0.1:9302 weight=5; # slot green
                            keepalive 16;
                        }
                        """)
                .doesNotContain("_canary");
        assertThat(file.render(Traffic.split("green", GREEN, "blue", "https://app.internal", 25)))
                .contains("server 127.0.0.1:9302 weight=75; # slot green")
                .contains("server app.internal:443 weight=25; # slot blue");
    }

    @Test
    void aHeaderMatchSendsItsRequestsToTheCanaryUpstreamAtEveryWeight() {
        NginxInclude file = new NginxInclude(
                "demo-app", "local", "relops_demo_app_local", new MatchSpec("X-Canary", null, "always"));

        String preview = file.render(Traffic.split("blue", BLUE, "green", GREEN, 0));

        assertThat(preview).isEqualTo("""
                # Written by relops (deploy-service) for demo-app in local: rewritten on every traffic change, do not edit.
                # Include it in nginx's http block; proxy with: proxy_pass http://$relops_demo_app_local;
                upstream relops_demo_app_local {
                    server 127.0.0.1:9301 weight=100; # slot blue
                    keepalive 16;
                }
                upstream relops_demo_app_local_canary {
                    server 127.0.0.1:9302 weight=100; # slot green
                    keepalive 16;
                }
                map $http_x_canary $relops_demo_app_local {
                    "always" relops_demo_app_local_canary;
                    default relops_demo_app_local;
                }
                """);
        assertThat(file.render(Traffic.split("blue", BLUE, "green", GREEN, 50)))
                .contains("server 127.0.0.1:9301 weight=50; # slot blue\n    server 127.0.0.1:9302 weight=50;")
                .contains("\"always\" relops_demo_app_local_canary;");
        assertThat(file.render(Traffic.all("blue", BLUE)))
                .as("no canary: the map sends everything to the upstream")
                .doesNotContain("relops_demo_app_local_canary")
                .contains("map $http_x_canary $relops_demo_app_local {\n    default relops_demo_app_local;\n}");
    }

    @Test
    void aCookieMatchReadsTheCookieVariableOrTheCookieHeader() {
        Traffic preview = Traffic.split("blue", BLUE, "green", GREEN, 0);

        assertThat(new NginxInclude("demo-app", "local", "u", new MatchSpec(null, "canary", "yes")).render(preview))
                .contains("map $cookie_canary $u {\n    \"yes\" u_canary;\n");
        assertThat(new NginxInclude("demo-app", "local", "u", new MatchSpec(null, "relops-canary", "v1.2"))
                        .render(preview))
                .contains("map $http_cookie $u {\n    \"~(^|;\\s*)relops-canary=v1\\.2(;|$)\" u_canary;\n");
        assertThat(new NginxInclude("demo-app", "local", "u", new MatchSpec("X-Canary", null, "default"))
                        .render(preview))
                .as("a value nginx would read as the map's default parameter is escaped")
                .contains("\"\\default\" u_canary;");
    }

    @Test
    void refusesNamesThatWouldWriteOtherDirectives() {
        assertThatThrownBy(() -> new NginxInclude("demo-app", "local", "x; include /etc/passwd", null))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("router.nginx.upstream");
        assertThatThrownBy(() -> new NginxInclude("demo-app", "local", "u", new MatchSpec("X-Canary", null, "a\"b")))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("router.match.value");
        NginxInclude file = new NginxInclude("demo-app", "local", "u", null);
        assertThatThrownBy(() -> file.render(Traffic.all("blue", "http://127.0.0.1:1;evil")))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("slot blue");
    }

    @Test
    void theDefaultUpstreamIsNamedForTheApplicationAndEnvironment() {
        assertThat(NginxInclude.defaultUpstream("demo-app", "pre-prod")).isEqualTo("relops_demo_app_pre_prod");
    }

    @Test
    void everyFileItWritesPassesNginxTest() throws IOException {
        NginxRouter router = new NginxRouter(Map::of);
        TargetContext context = context("demo-app", Map.of("router.match.header", "X-Canary"));

        for (Traffic traffic : List.of(
                Traffic.all("blue", BLUE),
                Traffic.split("blue", BLUE, "green", GREEN, 0),
                Traffic.split("blue", BLUE, "green", GREEN, 5),
                Traffic.split("blue", BLUE, "green", GREEN, 100),
                Traffic.all("green", GREEN))) {
            Routed routed = router.route(context, traffic);

            assertThat(routed.router()).isEqualTo("nginx");
            assertThat(routed.weights()).isEqualTo(Routed.weightsOf(traffic));
            assertThat(Files.readString(include))
                    .isEqualTo(NginxRouter.include(context, spec(context)).render(traffic));
        }
        TargetContext cookie = context("demo-app", Map.of("router.match.cookie", "relops-canary"));
        router.route(cookie, Traffic.split("blue", BLUE, "green", GREEN, 25));
        assertThat(Files.readString(include)).contains("$http_cookie");
    }

    @Test
    void aFileNginxRefusesIsReplacedByThePreviousOne() throws IOException {
        NginxRouter router = new NginxRouter(Map::of);
        router.route(context("demo-app", Map.of()), Traffic.all("blue", BLUE));
        // the application "taken": its canary upstream's name is the user's own upstream
        TargetContext context = context("taken", Map.of("router.match.header", "X-Canary"));
        Path file = include.resolveSibling("taken.conf");
        router.route(context, Traffic.all("blue", BLUE));
        String before = Files.readString(file);

        assertThatThrownBy(() -> router.route(context, Traffic.split("blue", BLUE, "green", GREEN, 0)))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("taken in local: nginx refused the upstreams written to " + file)
                .hasMessageContaining("-t` exited with code 1")
                .hasMessageContaining("[emerg] duplicate upstream \"relops_taken_local_canary\"")
                .hasMessageContaining("previous file restored");
        assertThat(Files.readString(file)).isEqualTo(before);
        try (var files = Files.list(include.getParent())) {
            assertThat(files).as("no temporary file left").containsExactlyInAnyOrder(include, file);
        }
    }

    @Test
    void aReloadThatFindsNoNginxRunningIsRetriedWithThePreviousFileBack() throws IOException {
        NginxRouter router = new NginxRouter(Map::of);
        TargetContext context = context(
                "demo-app",
                Map.of(
                        "router.nginx.reload-command[0]", NGINX,
                        "router.nginx.reload-command[1]", "-p",
                        "router.nginx.reload-command[2]", prefix.toString(),
                        "router.nginx.reload-command[3]", "-e",
                        "router.nginx.reload-command[4]",
                                prefix.resolve("logs/error.log").toString(),
                        "router.nginx.reload-command[5]", "-c",
                        "router.nginx.reload-command[6]", conf.toString(),
                        "router.nginx.reload-command[7]", "-s",
                        "router.nginx.reload-command[8]", "reload"));

        assertThatThrownBy(() -> router.route(context, Traffic.all("blue", BLUE)))
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("nginx is not running")
                .hasMessageContaining("-s reload` exited with code 1")
                .hasMessageContaining("nginx.pid");
        assertThat(include).as("there was no file before").doesNotExist();
    }

    @Test
    void theSameTrafficReloadsOnceUntilDeployServiceRestarts() throws IOException {
        Path reloads = prefix.resolve("reloads");
        Map<String, String> counting = Map.of(
                "router.nginx.reload-command[0]", "sh",
                "router.nginx.reload-command[1]", "-c",
                "router.nginx.reload-command[2]", "echo reload >> " + reloads);
        TargetContext context = context("demo-app", counting);
        NginxRouter router = new NginxRouter(Map::of);
        Traffic split = Traffic.split("blue", BLUE, "green", GREEN, 25);

        router.route(context, split);
        router.route(context, split);
        assertThat(Files.readAllLines(reloads)).hasSize(1);

        router.route(context, Traffic.split("blue", BLUE, "green", GREEN, 50));
        assertThat(Files.readAllLines(reloads)).hasSize(2);

        new NginxRouter(Map::of).route(context, Traffic.split("blue", BLUE, "green", GREEN, 50));
        assertThat(Files.readAllLines(reloads))
                .as("a new instance (deploy-service restarted) tests and reloads the unchanged file once")
                .hasSize(3);
    }

    @Test
    void aCommandThatCannotStartIsNamed() {
        TargetContext context = context("demo-app", Map.of("router.nginx.test-command[0]", "/no/such/nginx"));

        assertThatThrownBy(() -> router().route(context, Traffic.all("blue", BLUE)))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("demo-app in local: cannot run `/no/such/nginx` (test command of router.nginx)");
    }

    private static NginxRouter router() {
        return new NginxRouter(Map::of);
    }

    /** An application behind the nginx router: test-command the real {@code nginx -t}, reload-command {@code true}. */
    private TargetContext context(String application, Map<String, String> settings) {
        Map<String, String> properties = new HashMap<>();
        String prefixKey = "relops.applications." + application + ".";
        properties.put(prefixKey + "environments.local.approval.required", "false");
        properties.put(prefixKey + "target.type", "process");
        properties.put(prefixKey + "target.process.command[0]", "{java}");
        properties.put(prefixKey + "target.process.slots.blue", "9301");
        properties.put(prefixKey + "target.process.slots.green", "9302");
        properties.put(prefixKey + "target.process.stable-port", "9399");
        properties.put(prefixKey + "router.type", "nginx");
        properties.put(
                prefixKey + "router.nginx.include-file",
                include.resolveSibling(application + ".conf").toString());
        List<String> test = List.of(
                NGINX,
                "-p",
                prefix.toString(),
                "-e",
                prefix.resolve("logs/error.log").toString(),
                "-c",
                conf.toString(),
                "-t");
        for (int i = 0; i < test.size(); i++) {
            properties.put(prefixKey + "router.nginx.test-command[" + i + "]", test.get(i));
        }
        properties.put(prefixKey + "router.nginx.reload-command[0]", "true");
        // a list in settings replaces the default's whole list
        settings.keySet().stream()
                .filter(key -> key.endsWith("]"))
                .map(key -> prefixKey + key.substring(0, key.indexOf('[') + 1))
                .distinct()
                .forEach(list -> properties.keySet().removeIf(key -> key.startsWith(list)));
        settings.forEach((key, value) -> properties.put(prefixKey + key, value));
        DeployCatalog catalog = DeployCatalog.of(new MapConfigurationPropertySource(properties));
        return new TargetContext(
                null,
                application,
                "local",
                catalog.application(application, "local").orElseThrow());
    }

    private static DeployCatalog.NginxRouterSpec spec(TargetContext context) {
        return java.util.Objects.requireNonNull(context.spec().router().nginx());
    }
}
