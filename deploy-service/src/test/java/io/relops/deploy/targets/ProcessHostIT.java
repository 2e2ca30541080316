package io.relops.deploy.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relops.deploy.DeployServiceApplication;
import io.relops.testkit.EventStream;
import io.relops.testkit.Postgres;
import io.relops.testkit.ReleaseDriver;
import io.relops.testkit.RelopsTopics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two deploy-service instances (Spring contexts) on one database and broker, with demo-app on the process target:
 * one instance is the process host and runs every slot, the other none; when the host stops, the other takes the
 * lease, starts the live version again and runs the next release.
 */
class ProcessHostIT {

    private static final Pattern VERSION = Pattern.compile("\"version\":\"([^\"]+)\"");
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final RelopsTopics TOPICS = RelopsTopics.unique("host");
    private static final String DATABASE = Postgres.freshDatabase("deploy_host");
    private static final int BLUE = freePort();
    private static final int GREEN = freePort();
    private static final int STABLE = freePort();

    private static ConfigurableApplicationContext first;
    private static ConfigurableApplicationContext second;
    private static EventStream events;

    @BeforeAll
    static void start() {
        events = EventStream.watching(TOPICS.release(), TOPICS.health());
        first = instance();
        await().atMost(WAIT).until(() -> host(first).runsHere());
        second = instance();
    }

    @AfterAll
    static void stop() {
        for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] {first, second}) {
            if (context != null && context.isActive()) {
                context.close();
            }
        }
        if (events != null) {
            events.close();
        }
    }

    @Test
    void oneInstanceRunsTheSlotsAndTheOtherTakesOverWhenItStops() throws Exception {
        ReleaseDriver releases = new ReleaseDriver(events, TOPICS, "local", WAIT);
        // the second instance is up: it consumes release events too and leases calls, but not process calls
        await().atMost(WAIT).until(() -> second.isActive());
        assertThat(host(second).runsHere())
                .as("the second instance is not the host")
                .isFalse();

        releases.establish("demo-app", "1.0.0");
        assertThat(stableVersion()).isEqualTo("1.0.0");
        assertThat(processes(first).running()).isNotEmpty();
        assertThat(processes(second).running())
                .as("slots started by the second instance")
                .isEmpty();

        first.close();
        await().atMost(WAIT).until(() -> host(second).runsHere());
        // the new host starts the live version again (the stopped host stopped its slots)
        await().atMost(WAIT).ignoreExceptions().until(() -> "1.0.0".equals(stableVersion()));
        Set<String> restored = processes(second).running();
        assertThat(restored)
                .as("the live version's slot and the stable router")
                .hasSize(2)
                .anyMatch(key -> key.endsWith("/router"));

        releases.establish("demo-app", "1.1.0");
        assertThat(stableVersion()).isEqualTo("1.1.0");
    }

    private static String stableVersion() throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + STABLE + "/"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        Matcher version = VERSION.matcher(answer.body());
        return version.find() ? version.group(1) : answer.body();
    }

    private static ProcessHost host(ConfigurableApplicationContext context) {
        return context.getBean(ProcessHost.class);
    }

    private static ProcessTarget processes(ConfigurableApplicationContext context) {
        return context.getBean(ProcessTarget.class);
    }

    private static ConfigurableApplicationContext instance() {
        return new SpringApplicationBuilder(DeployServiceApplication.class)
                .run(TOPICS.serviceArgs(
                        DATABASE,
                        "--RELOPS_CATALOG=src/test/resources/zero-downtime-catalog.yml",
                        "--RELOPS_DATA_DIR=target/host-data",
                        "--ZD_BLUE_PORT=" + BLUE,
                        "--ZD_GREEN_PORT=" + GREEN,
                        "--ZD_STABLE_PORT=" + STABLE,
                        "--relops.deploy.process-host.lease=3s",
                        "--relops.deploy.task-lease=3s"));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
