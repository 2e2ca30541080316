package io.relops.deploy.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.relops.common.event.RollbackCompleted;
import io.relops.common.event.TrafficShifted;
import io.relops.deploy.testing.TrafficLoop.Counts;
import io.relops.testkit.ReleaseDriver;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The zero-downtime scenario every traffic router passes (docs/deploy-targets.md, "What each combination supports"):
 * demo-app runs as real processes and a {@link TrafficLoop} requests the router's stable URL through a blue-green
 * switch, a canary at 5, 25, 50 and 100 % and the rollback of a broken canary. At each canary step, while the step
 * waits for its health verdict, the split of the next {@value #SAMPLE} answers must be within {@value #TOLERANCE}
 * percentage points of the step's weight, and the router must confirm that weight in {@code traffic.shifted}. Every
 * phase must have served every request: zero failures. The counts are printed.
 *
 * <p>The application's catalog entry needs the canary steps {@link #CANARY_WEIGHTS}, without pauses: the scenario
 * holds each step by withholding its verdict.
 */
public final class RouterScenario {

    public static final List<Integer> CANARY_WEIGHTS = List.of(5, 25, 50, 100);
    static final int SAMPLE = 1_000;
    static final int TOLERANCE = 3;
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final ReleaseDriver releases;
    private final String application;
    private final URI stableUrl;
    private final String router;

    /** The scenario for {@code application}, served by router {@code router} on {@code stableUrl}. */
    public RouterScenario(ReleaseDriver releases, String application, URI stableUrl, String router) {
        this.releases = releases;
        this.application = application;
        this.stableUrl = stableUrl;
        this.router = router;
    }

    public void run() throws InterruptedException {
        releases.establish(application, "1.0.0");
        try (TrafficLoop loop = new TrafficLoop(stableUrl, 4)) {
            loop.awaitRequests(50);

            UUID blueGreen = releases.request(application, "1.1.0", "blue-green", null);
            releases.verify(releases.awaitReady(blueGreen));
            releases.awaitCompleted(blueGreen);
            loop.awaitVersion("1.1.0");
            assertThat(loop.split(200))
                    .as(router + ": after the switch only 1.1.0 answers")
                    .containsOnlyKeys("1.1.0");
            Counts switchCounts = loop.phase(router + ": blue-green switch 1.0.0 -> 1.1.0");

            UUID canary = releases.request(application, "1.2.0", "canary", null);
            releases.verify(releases.awaitReady(canary));
            for (int step = 1; step <= CANARY_WEIGHTS.size(); step++) {
                int weight = CANARY_WEIGHTS.get(step - 1);
                TrafficShifted shifted = releases.awaitShift(canary, step);
                assertThat(shifted.router())
                        .as("the router that split the traffic")
                        .isEqualTo(router);
                assertThat(shifted.weights())
                        .as(router + " confirmed the weight of step " + step)
                        .containsEntry(shifted.slot(), weight);
                Map<String, Long> split = loop.split(SAMPLE);
                double onCanary = 100.0 * split.getOrDefault("1.2.0", 0L) / SAMPLE;
                System.out.printf(
                        "zero-downtime: %s: canary step %d at %3d%%: %s of %d answers (%.1f%% on 1.2.0)%n",
                        router, step, weight, split, SAMPLE, onCanary);
                assertThat(split.keySet())
                        .as("only the stable and the canary answer")
                        .isSubsetOf("1.1.0", "1.2.0");
                assertThat(onCanary)
                        .as(router + ": share of 1.2.0 at step " + step + " (" + weight + "%), " + split)
                        .isCloseTo(weight, within((double) TOLERANCE));
                releases.verify(shifted);
            }
            releases.awaitCompleted(canary);
            loop.awaitVersion("1.2.0");
            Counts canaryCounts = loop.phase(router + ": canary 1.1.0 -> 1.2.0 (5, 25, 50, 100%)");

            UUID broken = releases.request(application, "2.0.0-broken", "canary", null);
            releases.verify(releases.awaitReady(broken));
            TrafficShifted shifted = releases.awaitShift(broken, 1);
            loop.awaitVersion("2.0.0-broken");
            releases.fail(shifted, "health returned 503");
            RollbackCompleted rollback = releases.events()
                    .await(RollbackCompleted.class, e -> e.releaseId().equals(broken), WAIT)
                    .data();
            assertThat(rollback.restoredVersion()).isEqualTo("1.2.0");
            assertThat(loop.split(200))
                    .as(router + ": after the rollback only the stable version answers")
                    .containsOnlyKeys("1.2.0");
            Counts rollbackCounts = loop.phase(router + ": rollback of canary 2.0.0-broken at 5%");

            for (Counts counts : List.of(switchCounts, canaryCounts, rollbackCounts)) {
                assertThat(counts.requests()).as(counts.name()).isGreaterThan(200);
                assertThat(counts.failures())
                        .as(counts.name() + ": " + counts.lastFailure())
                        .isZero();
            }
        }
    }
}
