package io.relops.deploy.release;

import io.relops.deploy.DeployServiceApplication;
import io.relops.deploy.testing.RouterScenario;
import io.relops.testkit.EventStream;
import io.relops.testkit.Postgres;
import io.relops.testkit.ReleaseDriver;
import io.relops.testkit.RelopsTopics;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Zero downtime through the {@code builtin} router, measured: the demo-app runs as real processes on the process
 * target behind deploy-service's own proxy, and {@link RouterScenario} requests its stable URL through a blue-green
 * switch, a canary at 5, 25, 50 and 100 % (the split measured at each step) and a rollback, with zero failures.
 */
class ZeroDowntimeIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final RelopsTopics TOPICS = RelopsTopics.unique("zd");

    private static ConfigurableApplicationContext deploy;
    private static EventStream events;
    private static ReleaseDriver releases;
    private static int stablePort;

    @BeforeAll
    static void start() throws IOException {
        stablePort = freePort();
        events = EventStream.watching(TOPICS.release(), TOPICS.health());
        releases = new ReleaseDriver(events, TOPICS, "local", WAIT);
        deploy = new SpringApplicationBuilder(DeployServiceApplication.class)
                .run(TOPICS.serviceArgs(
                        Postgres.freshDatabase("deploy_zd"),
                        "--RELOPS_CATALOG=src/test/resources/zero-downtime-catalog.yml",
                        "--RELOPS_DATA_DIR=target/zd-data",
                        "--ZD_BLUE_PORT=" + freePort(),
                        "--ZD_GREEN_PORT=" + freePort(),
                        "--ZD_STABLE_PORT=" + stablePort));
    }

    @AfterAll
    static void stop() {
        if (deploy != null) {
            deploy.close();
        }
        if (events != null) {
            events.close();
        }
    }

    @Test
    void servesEveryRequestThroughASwitchACanaryAndARollback() throws Exception {
        new RouterScenario(releases, "demo-app", URI.create("http://127.0.0.1:" + stablePort + "/"), "builtin").run();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
