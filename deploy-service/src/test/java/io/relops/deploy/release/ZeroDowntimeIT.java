package io.relops.deploy.release;

import io.relops.deploy.testing.RouterScenario;
import io.relops.deploy.testing.RunningDeployService;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Zero downtime through the {@code builtin} router, measured: the demo-app runs as real processes on the process
 * target behind deploy-service's own proxy, and {@link RouterScenario} requests its stable URL through a blue-green
 * switch, a canary at 5, 25, 50 and 100 % (the split measured at each step) and a rollback, with zero failures.
 */
class ZeroDowntimeIT {

    private static RunningDeployService deploy;
    private static int stablePort;

    @BeforeAll
    static void start() throws IOException {
        stablePort = freePort();
        deploy = RunningDeployService.start(
                "zd",
                "src/test/resources/zero-downtime-catalog.yml",
                "--ZD_BLUE_PORT=" + freePort(),
                "--ZD_GREEN_PORT=" + freePort(),
                "--ZD_STABLE_PORT=" + stablePort);
    }

    @AfterAll
    static void stop() {
        if (deploy != null) {
            deploy.close();
        }
    }

    @Test
    void servesEveryRequestThroughASwitchACanaryAndARollback() throws Exception {
        new RouterScenario(deploy.releases(), "demo-app", URI.create("http://127.0.0.1:" + stablePort + "/"), "builtin")
                .run();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
