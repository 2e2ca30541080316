package io.relops.deploy.targets.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.relops.deploy.catalog.DeployCatalog;
import io.relops.deploy.targets.DeploymentFailedException;
import io.relops.deploy.targets.Routed;
import io.relops.deploy.targets.TargetContext;
import io.relops.deploy.targets.TargetUnavailableException;
import io.relops.deploy.targets.Traffic;
import io.relops.deploy.testing.RealHaproxy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The haproxy router against Debian's HAProxy: what it sets through the Runtime API and reads back, and how it fails
 * (a backend or server HAProxy does not have, a socket that is absent or refuses, a server that does not come UP).
 * The slots are two small HTTP servers; green is declared in haproxy.cfg at a placeholder address.
 */
class HaproxyRouterRuntimeApiIT {

    private static final String APP = "relops.applications.shop.";

    private static HttpServer blue;
    private static HttpServer green;
    private static RealHaproxy haproxy;
    private final HaproxyRouter router = new HaproxyRouter();

    @BeforeAll
    static void start() throws IOException {
        blue = slot("blue");
        green = slot("green");
        Map<String, String> servers = new LinkedHashMap<>();
        servers.put("blue", "127.0.0.1:" + blue.getAddress().getPort());
        servers.put("green", "127.0.0.1:9"); // a placeholder: the router points it at the slot's endpoint
        haproxy = RealHaproxy.start("shop", servers);
    }

    @AfterAll
    static void stop() {
        if (haproxy != null) {
            haproxy.close();
        }
        if (blue != null) {
            blue.stop(0);
        }
        if (green != null) {
            green.stop(0);
        }
    }

    @BeforeEach
    void allToBlue() {
        router.route(context(Map.of()), Traffic.all("blue", endpoint(blue)));
    }

    @Test
    void raisesTheCanaryPointsItAtItsSlotAndReadsTheWeightsBack() {
        Routed routed =
                router.route(context(Map.of()), Traffic.split("blue", endpoint(blue), "green", endpoint(green), 25));

        assertThat(routed.router()).isEqualTo("haproxy");
        assertThat(routed.weights()).containsExactlyInAnyOrderEntriesOf(Map.of("blue", 75, "green", 25));
        assertThat(routed.note()).isNull();
        String[] state = haproxy.serverState("shop", "green");
        assertThat(state[4] + ":" + state[18])
                .isEqualTo("127.0.0.1:" + green.getAddress().getPort());
        assertThat(state[6]).as("admin state ready").isEqualTo("0");
        assertThat(state[7]).as("weight").isEqualTo("25");

        Routed all = router.route(context(Map.of()), Traffic.all("green", endpoint(green)));

        assertThat(all.weights()).containsExactlyEntriesOf(Map.of("green", 100));
        assertThat(haproxy.serverState("shop", "blue")[7])
                .as("blue at weight 0, still ready (in-flight requests finish, no new ones)")
                .isEqualTo("0");
        assertThat(haproxy.serverState("shop", "blue")[6]).isEqualTo("0");
    }

    @Test
    void isIdempotent() {
        Traffic traffic = Traffic.split("blue", endpoint(blue), "green", endpoint(green), 50);

        Routed first = router.route(context(Map.of()), traffic);
        Routed again = router.route(context(Map.of()), traffic);

        assertThat(again).isEqualTo(first);
        assertThat(again.weights()).containsExactlyInAnyOrderEntriesOf(Map.of("blue", 50, "green", 50));
    }

    @Test
    void bringsAServerOutOfMaintenance() {
        haproxy.runtime("set server shop/green state maint");

        Routed routed = router.route(context(Map.of()), Traffic.all("green", endpoint(green)));

        assertThat(routed.weights()).containsExactlyEntriesOf(Map.of("green", 100));
        assertThat(haproxy.serverState("shop", "green")[6]).isEqualTo("0");
    }

    @Test
    void keepsTrafficWhereItWasWhenTheNewServerDoesNotComeUp() {
        String nothingListens = "http://127.0.0.1:" + RealHaproxy.freePort();

        assertThatThrownBy(() -> router.route(
                        context(Map.of()), Traffic.split("blue", endpoint(blue), "green", nothingListens, 50)))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("server shop/green (slot green: DOWN")
                .hasMessageContaining("did not come UP within 2s");
        assertThat(haproxy.serverState("shop", "blue")[7]).isEqualTo("100");
        assertThat(haproxy.serverState("shop", "green")[7])
                .as("green back at weight 0: coming UP later, it takes no request relops did not ask for")
                .isEqualTo("0");
    }

    @Test
    void refusesABackendHaproxyDoesNotHave() {
        assertThatThrownBy(
                        () -> router.route(context(Map.of("backend", "nosuch")), Traffic.all("blue", endpoint(blue))))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("has no backend 'nosuch' of shop in local")
                .hasMessageContaining("Can't find backend");
    }

    @Test
    void refusesASlotWithoutItsServer() {
        assertThatThrownBy(() -> router.route(
                        context(Map.of("servers.green", "shop-green")), Traffic.all("blue", endpoint(blue))))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("HAProxy backend shop at " + haproxy.socket())
                .hasMessageContaining("has no server 'shop-green' (slot green) (its servers: blue, green)");
    }

    @Test
    void aSocketBelowLevelAdminIsRefusedWithTheLevelItNeeds() {
        Map<String, String> operator = Map.of("socket", haproxy.operatorSocket().toString());

        assertThatThrownBy(() -> router.route(
                        context(operator), Traffic.split("blue", endpoint(blue), "green", endpoint(green), 25)))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("refused `set server shop/green ") // addr (the placeholder) or weight
                .hasMessageContaining("for shop in local: Permission denied")
                .hasMessageContaining("needs `level admin`");
    }

    @Test
    void anAbsentSocketIsUnavailable() {
        String absent = haproxy.socket().resolveSibling("absent.sock").toString();

        assertThatThrownBy(() -> router.route(context(Map.of("socket", absent)), Traffic.all("blue", endpoint(blue))))
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("HAProxy's Runtime API at " + absent + " is unreachable");
    }

    @Test
    void aRefusedTcpSocketIsUnavailable() {
        String refused = "127.0.0.1:" + RealHaproxy.freePort();

        assertThatThrownBy(() -> router.route(context(Map.of("socket", refused)), Traffic.all("blue", endpoint(blue))))
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("HAProxy's Runtime API at " + refused + " is unreachable");
    }

    @Test
    void worksOverTcpAndIsHostBoundOnlyWithAUnixSocket() {
        Map<String, String> tcp = Map.of("socket", haproxy.adminAddress());

        Routed routed = router.route(context(tcp), Traffic.split("blue", endpoint(blue), "green", endpoint(green), 5));

        assertThat(routed.weights()).containsExactlyInAnyOrderEntriesOf(Map.of("blue", 95, "green", 5));
        assertThat(router.hostBound(context(tcp))).isFalse();
        assertThat(router.hostBound(context(Map.of()))).isTrue();
    }

    /** shop in local on haproxy's backend shop, with {@code haproxy} overriding router.haproxy's keys. */
    private static TargetContext context(Map<String, String> haproxySettings) {
        Map<String, String> properties = new HashMap<>();
        properties.put(APP + "environments.local.approval.required", "false");
        properties.put(APP + "target.process.command[0]", "java");
        properties.put(
                APP + "target.process.slots.blue",
                Integer.toString(blue.getAddress().getPort()));
        properties.put(
                APP + "target.process.slots.green",
                Integer.toString(green.getAddress().getPort()));
        properties.put(APP + "target.process.stable-port", "1");
        properties.put(APP + "router.type", "haproxy");
        properties.put(APP + "router.haproxy.socket", haproxy.socket().toString());
        properties.put(APP + "router.haproxy.timeout", "2s");
        haproxySettings.forEach((key, value) -> properties.put(APP + "router.haproxy." + key, value));
        DeployCatalog catalog = DeployCatalog.of(new MapConfigurationPropertySource(properties));
        return new TargetContext(
                null, "shop", "local", catalog.application("shop", "local").orElseThrow());
    }

    private static String endpoint(HttpServer slot) {
        return "http://127.0.0.1:" + slot.getAddress().getPort();
    }

    private static HttpServer slot(String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }
}
