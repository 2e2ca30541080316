package io.relops.deploy.targets.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.common.event.DeploymentReady;
import io.relops.common.event.RollbackCompleted;
import io.relops.common.event.TrafficShifted;
import io.relops.deploy.testing.RealNginx;
import io.relops.deploy.testing.RouterScenario;
import io.relops.deploy.testing.RunningDeployService;
import io.relops.deploy.testing.TrafficLoop;
import io.relops.testkit.EventStream;
import io.relops.testkit.ReleaseDriver;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Zero downtime through a real nginx (Debian's, {@link RealNginx}: one worker process, a free port, its prefix under
 * target/): deploy-service releases demo-app as real processes and its nginx router writes the upstreams, runs {@code
 * nginx -t} and {@code nginx -s reload} at every switch and step. {@link RouterScenario} measures it: a blue-green
 * switch, a canary at 5, 25, 50 and 100 % (the split of 1,000 answers within 3 points at each step) and a rollback,
 * with zero failed requests; the counts are printed. Then the catalog's {@code router.match}: a canary answers the
 * requests with {@code X-Canary: always} from its deploy, before any weight, and only those.
 */
class NginxRouterIT {

    private static final Duration WAIT = RunningDeployService.WAIT;

    private static RealNginx nginx;
    private static RunningDeployService deploy;
    private static EventStream events;
    private static ReleaseDriver releases;

    @BeforeAll
    static void start() throws IOException {
        int blue = freePort();
        int green = freePort();
        Path prefix = Path.of("target", "nginx-router-it");
        nginx = RealNginx.start(prefix, "relops_demo_app_local", "127.0.0.1:" + blue);
        deploy = RunningDeployService.start(
                "nginx",
                "src/test/resources/nginx-router-catalog.yml",
                "--NGINX_BLUE_PORT=" + blue,
                "--NGINX_GREEN_PORT=" + green,
                "--NGINX_PREFIX=" + nginx.prefix());
        events = deploy.events();
        releases = deploy.releases();
    }

    @AfterAll
    static void stop() {
        if (deploy != null) {
            deploy.close();
        }
        if (nginx != null) {
            nginx.close();
        }
    }

    @Test
    void servesEveryRequestThroughNginxAndSendsTheMatchingOnesToTheCanary() throws Exception {
        URI stable = URI.create(nginx.url());
        new RouterScenario(releases, "demo-app", stable, "nginx").run();
        assertThat(Files.readString(nginx.includeFile()))
                .as("after the rollback the upstream has the stable slot alone")
                .containsOnlyOnce("server 127.0.0.1:")
                .doesNotContain("relops_demo_app_local_canary");

        UUID canary = releases.request("demo-app", "1.3.0", "canary", null);
        DeploymentReady ready = releases.awaitReady(canary);
        try (TrafficLoop testers = new TrafficLoop(stable, 1, "X-Canary", "always");
                TrafficLoop users = new TrafficLoop(stable, 1)) {
            assertThat(testers.split(200))
                    .as("X-Canary: always reaches the canary before any weight is shifted")
                    .containsOnlyKeys("1.3.0");
            assertThat(users.split(200))
                    .as("every other request stays on the stable slot")
                    .containsOnlyKeys("1.2.0");

            releases.verify(ready);
            TrafficShifted shifted = releases.awaitShift(canary, 1);
            assertThat(shifted.note()).isEqualTo("requests with header X-Canary: always go to slot " + ready.slot());
            assertThat(testers.split(200)).as("at 5 % too").containsOnlyKeys("1.3.0");
            releases.fail(shifted, "health returned 503");
            RollbackCompleted rollback = events.await(
                            RollbackCompleted.class, e -> e.releaseId().equals(canary), WAIT)
                    .data();
            assertThat(rollback.restoredVersion()).isEqualTo("1.2.0");
            assertThat(testers.split(200))
                    .as("after the rollback the header reaches the stable slot")
                    .containsOnlyKeys("1.2.0");

            TrafficLoop.Counts withHeader = testers.phase("nginx: canary 1.3.0, requests with X-Canary: always");
            TrafficLoop.Counts without = users.phase("nginx: canary 1.3.0, requests without the header");

            // a canary that fails its own verification, before any weight: the header's requests return to the
            // stable slot before the canary's slot stops, none fails
            UUID failing = releases.request("demo-app", "1.4.0", "canary", null);
            DeploymentReady failingReady = releases.awaitReady(failing);
            assertThat(testers.split(200)).as("the header reaches canary 1.4.0").containsOnlyKeys("1.4.0");
            releases.fail(failingReady, "health returned 503");
            events.await(RollbackCompleted.class, e -> e.releaseId().equals(failing), WAIT);
            assertThat(testers.split(200))
                    .as("after the failed verification the header reaches the stable slot")
                    .containsOnlyKeys("1.2.0");
            testers.awaitRequests(200); // past the canary slot's stop (drain 1 s)
            TrafficLoop.Counts failedWithHeader =
                    testers.phase("nginx: canary 1.4.0 failing its verification, with X-Canary: always");

            for (TrafficLoop.Counts counts : List.of(withHeader, without, failedWithHeader)) {
                assertThat(counts.requests()).as(counts.name()).isGreaterThan(200);
                assertThat(counts.failures())
                        .as(counts.name() + ": " + counts.lastFailure())
                        .isZero();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
