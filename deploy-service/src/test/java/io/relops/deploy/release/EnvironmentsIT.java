package io.relops.deploy.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relops.common.event.DeploymentReady;
import io.relops.common.event.ReleaseCompleted;
import io.relops.common.event.TrafficShifted;
import io.relops.deploy.DeployServiceApplication;
import io.relops.testkit.EventStream;
import io.relops.testkit.Postgres;
import io.relops.testkit.ReleaseDriver;
import io.relops.testkit.RelopsTopics;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Environments are deployments: staging and production of the demo-app (real processes on the process target,
 * environments-catalog.yml) release at the same time, each onto its own slots, stable port and data directory, with
 * its own effective settings (production's canary steps replace the application's), and neither touches the other.
 */
class EnvironmentsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final RelopsTopics TOPICS = RelopsTopics.unique("env");
    private static final Path DATA = Path.of("target", "environments-it-" + UUID.randomUUID());
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static final List<String> ARGS = new ArrayList<>();
    private static ConfigurableApplicationContext deploy;
    private static EventStream events;
    private static ReleaseDriver staging;
    private static ReleaseDriver production;
    private static final Map<String, Integer> PORTS = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "--RELOPS_CATALOG=src/test/resources/environments-catalog.yml",
                "--RELOPS_DATA_DIR=" + DATA.toAbsolutePath()));
        for (String port : List.of(
                "ENV_STAGING_BLUE_PORT",
                "ENV_STAGING_GREEN_PORT",
                "ENV_STAGING_PORT",
                "ENV_PRODUCTION_BLUE_PORT",
                "ENV_PRODUCTION_GREEN_PORT",
                "ENV_PRODUCTION_PORT",
                "ENV_BLUE_PORT",
                "ENV_GREEN_PORT",
                "ENV_PORT")) {
            PORTS.put(port, freePort());
            args.add("--" + port + "=" + PORTS.get(port));
        }
        events = EventStream.watching(TOPICS.release(), TOPICS.health());
        staging = new ReleaseDriver(events, TOPICS, "staging", WAIT);
        production = new ReleaseDriver(events, TOPICS, "production", WAIT);
        ARGS.addAll(List.of(TOPICS.serviceArgs(Postgres.freshDatabase("deploy_env"), args.toArray(String[]::new))));
        deploy = new SpringApplicationBuilder(DeployServiceApplication.class).run(ARGS.toArray(String[]::new));
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
    void stagingAndProductionReleaseConcurrentlyOnTheirOwnSlotsAndPorts() throws Exception {
        UUID toStaging = staging.request("demo-app", "1.0.0", "blue-green", null);
        UUID toProduction = production.request("demo-app", "2.0.0", "blue-green", null);

        DeploymentReady stagingReady = staging.awaitReady(toStaging);
        DeploymentReady productionReady = production.awaitReady(toProduction);
        // both releases are in flight at once: neither is verified yet, and each runs on its environment's slot
        assertThat(events.all(ReleaseCompleted.class, e -> true)).isEmpty();
        assertThat(port(stagingReady.endpoint()))
                .isIn(PORTS.get("ENV_STAGING_BLUE_PORT"), PORTS.get("ENV_STAGING_GREEN_PORT"));
        assertThat(port(productionReady.endpoint()))
                .isIn(PORTS.get("ENV_PRODUCTION_BLUE_PORT"), PORTS.get("ENV_PRODUCTION_GREEN_PORT"));
        assertThat(version(stagingReady.endpoint())).isEqualTo("1.0.0");
        assertThat(version(productionReady.endpoint())).isEqualTo("2.0.0");

        staging.verify(stagingReady);
        production.verify(productionReady);
        staging.awaitCompleted(toStaging);
        production.awaitCompleted(toProduction);

        assertThat(version(stableUrl("ENV_STAGING_PORT"))).isEqualTo("1.0.0");
        assertThat(version(stableUrl("ENV_PRODUCTION_PORT"))).isEqualTo("2.0.0");
        assertThat(answers(stableUrl("ENV_PORT")))
                .as("the application's own stable port is no environment's")
                .isFalse();

        // staging moves on (blue-green, the application's strategy); production, by its own canary steps, too
        UUID nextStaging = staging.request("demo-app", "1.1.0");
        UUID nextProduction = production.request("demo-app", "2.1.0");
        DeploymentReady nextStagingReady = staging.awaitReady(nextStaging);
        assertThat(port(nextStagingReady.endpoint()))
                .as("the idle slot of staging")
                .isIn(PORTS.get("ENV_STAGING_BLUE_PORT"), PORTS.get("ENV_STAGING_GREEN_PORT"))
                .isNotEqualTo(port(stagingReady.endpoint()));
        staging.verify(nextStagingReady);
        DeploymentReady nextProductionReady = production.awaitReady(nextProduction);
        production.verify(nextProductionReady);
        List<Integer> weights = new ArrayList<>();
        for (int step = 1; step <= 2; step++) {
            TrafficShifted shifted = production.awaitShift(nextProduction, step);
            weights.add(shifted.weight());
            if (step == 1) {
                assertThat(version(stableUrl("ENV_PRODUCTION_PORT")))
                        .as("production's previous version still runs on its slot")
                        .isIn("2.0.0", "2.1.0");
                assertThat(version(productionReady.endpoint())).isEqualTo("2.0.0");
            }
            production.verify(shifted);
        }
        staging.awaitCompleted(nextStaging);
        production.awaitCompleted(nextProduction);

        assertThat(weights)
                .as("production's canary steps, which replace the application's")
                .containsExactly(50, 100);
        assertThat(events.data(TrafficShifted.class).stream()
                        .filter(e -> e.releaseId().equals(nextStaging))
                        .map(TrafficShifted::weight))
                .as("staging releases blue-green: one switch")
                .containsExactly(100);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(version(stableUrl("ENV_STAGING_PORT"))).isEqualTo("1.1.0");
            assertThat(version(stableUrl("ENV_PRODUCTION_PORT"))).isEqualTo("2.1.0");
        });
        assertThat(Files.readString(DATA.resolve("demo-app-staging/starts.log")))
                .contains("started 1.0.0", "started 1.1.0")
                .doesNotContain("started 2.");
        assertThat(Files.readString(DATA.resolve("demo-app-production/starts.log")))
                .contains("started 2.0.0", "started 2.1.0")
                .doesNotContain("started 1.");
        assertThat(DATA.resolve("logs/demo-app-staging-" + stagingReady.slot() + ".log"))
                .content()
                .contains("demo-app 1.0.0 listening");
        assertThat(DATA.resolve("logs/demo-app-production-" + productionReady.slot() + ".log"))
                .content()
                .contains("demo-app 2.0.0 listening");

        // a restart stops the processes; each environment's live version comes back on its own slot and port
        deploy.close();
        assertThat(answers(stableUrl("ENV_STAGING_PORT"))).isFalse();
        deploy = new SpringApplicationBuilder(DeployServiceApplication.class).run(ARGS.toArray(String[]::new));
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(version(stableUrl("ENV_STAGING_PORT"))).isEqualTo("1.1.0");
            assertThat(version(stableUrl("ENV_PRODUCTION_PORT"))).isEqualTo("2.1.0");
            assertThat(version(nextStagingReady.endpoint())).isEqualTo("1.1.0");
            assertThat(version(nextProductionReady.endpoint())).isEqualTo("2.1.0");
        });
    }

    private static String stableUrl(String port) {
        return "http://127.0.0.1:" + PORTS.get(port);
    }

    private static int port(String endpoint) {
        return URI.create(endpoint).getPort();
    }

    private static String version(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(url + "/"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
        String body = response.body();
        int at = body.indexOf("\"version\":\"");
        return body.substring(at + 11, body.indexOf('"', at + 11));
    }

    private static boolean answers(String url) throws InterruptedException {
        try {
            HTTP.send(
                    HttpRequest.newBuilder(URI.create(url + "/"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
