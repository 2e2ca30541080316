package io.relops.deploy.targets.haproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.deploy.testing.RealHaproxy;
import io.relops.deploy.testing.RouterScenario;
import io.relops.deploy.testing.RunningDeployService;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Zero downtime through Debian's HAProxy, measured: deploy-service runs demo-app as processes on the process target
 * and routes it through HAProxy's Runtime API ({@code router.type: haproxy}); {@link RouterScenario} requests
 * HAProxy's frontend through a blue-green switch, a canary at 5, 25, 50 and 100 % (the split measured at each step)
 * and a rollback, with zero failures. HAProxy's haproxy.cfg declares green at a placeholder address: the router
 * points it at the slot's port.
 */
class HaproxyRouterIT {

    private static RealHaproxy haproxy;
    private static RunningDeployService deploy;
    private static int greenPort;

    @BeforeAll
    static void start() {
        int bluePort = RealHaproxy.freePort();
        greenPort = RealHaproxy.freePort();
        Map<String, String> servers = new LinkedHashMap<>();
        servers.put("blue", "127.0.0.1:" + bluePort);
        servers.put("green", "127.0.0.1:9");
        haproxy = RealHaproxy.start("demo-app", servers);
        deploy = RunningDeployService.start(
                "hx",
                "src/test/resources/haproxy-router-catalog.yml",
                "--HX_BLUE_PORT=" + bluePort,
                "--HX_GREEN_PORT=" + greenPort,
                "--HX_SOCKET=" + haproxy.socket());
    }

    @AfterAll
    static void stop() {
        if (deploy != null) {
            deploy.close();
        }
        if (haproxy != null) {
            haproxy.close();
        }
    }

    @Test
    void servesEveryRequestThroughASwitchACanaryAndARollback() throws Exception {
        new RouterScenario(deploy.releases(), "demo-app", URI.create(haproxy.url()), "haproxy").run();

        String[] green = haproxy.serverState("demo-app", "green");
        assertThat(green[18]).as("green's port, moved from the placeholder").isEqualTo(Integer.toString(greenPort));
    }
}
