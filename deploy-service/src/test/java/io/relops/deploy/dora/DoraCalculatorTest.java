package io.relops.deploy.dora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.relops.common.release.ReleaseStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The four keys of a scripted release history with known outcomes and times. */
class DoraCalculatorTest {

    private static final Instant NOW = Instant.parse("2026-11-30T00:00:00Z");
    private static final Duration WEEK = Duration.ofDays(7);

    private final List<ChangeRecord> history = new ArrayList<>();

    @Test
    void computesTheFourKeysOfAScriptedWeek() {
        // four successful deployments with lead times of 10, 20, 30 and 40 minutes
        completed("shop", "prod", "2026-11-24T10:00:00Z", Duration.ofMinutes(10));
        completed("shop", "prod", "2026-11-25T10:00:00Z", Duration.ofMinutes(20));
        completed("shop", "prod", "2026-11-26T10:00:00Z", Duration.ofMinutes(30));
        completed("shop", "prod", "2026-11-27T10:00:00Z", Duration.ofMinutes(40));
        // a change rolled back 5 minutes after its failure was detected, another after 15 minutes
        rolledBack("shop", "prod", "2026-11-28T10:00:00Z", Duration.ofMinutes(5));
        rolledBack("shop", "prod", "2026-11-29T10:00:00Z", Duration.ofMinutes(15));
        // and noise: refused before deploying, another environment, another application, before the window
        history.add(new ChangeRecord(
                "shop",
                "prod",
                ReleaseStatus.FAILED,
                at("2026-11-28T12:00:00Z"),
                at("2026-11-28T12:00:01Z"),
                null,
                null));
        completed("shop", "staging", "2026-11-28T10:00:00Z", Duration.ofMinutes(1));
        completed("billing", "prod", "2026-11-28T10:00:00Z", Duration.ofMinutes(1));
        completed("shop", "prod", "2026-11-20T10:00:00Z", Duration.ofHours(9));

        DoraKeys keys = DoraCalculator.keys("shop", "prod", history, NOW, WEEK);

        assertThat(keys.from()).isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
        assertThat(keys.deployments()).isEqualTo(4);
        assertThat(keys.deploymentsPerDay()).isCloseTo(4 / 7d, within(1e-9));
        assertThat(keys.leadTime()).isEqualTo(Duration.ofMinutes(25));
        assertThat(keys.changes()).isEqualTo(6);
        assertThat(keys.failedChanges()).isEqualTo(2);
        assertThat(keys.changeFailureRate()).isCloseTo(2 / 6d, within(1e-9));
        assertThat(keys.restores()).isEqualTo(2);
        assertThat(keys.timeToRestore()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void countsAFailureAfterDeployingAsAFailedChangeWithoutARestore() {
        completed("shop", "prod", "2026-11-24T10:00:00Z", Duration.ofMinutes(10));
        history.add(new ChangeRecord(
                "shop",
                "prod",
                ReleaseStatus.FAILED,
                at("2026-11-25T10:00:00Z"),
                at("2026-11-25T10:05:00Z"),
                at("2026-11-25T10:00:01Z"),
                null));

        DoraKeys keys = DoraCalculator.keys("shop", "prod", history, NOW, WEEK);

        assertThat(keys.changeFailureRate()).isEqualTo(0.5);
        assertThat(keys.restores()).isZero();
        assertThat(keys.timeToRestore()).isNull();
    }

    @Test
    void leavesTheKeysOfAQuietWindowEmpty() {
        completed("shop", "prod", "2026-10-01T10:00:00Z", Duration.ofMinutes(10));

        DoraKeys keys = DoraCalculator.keys("shop", "prod", history, NOW, WEEK);

        assertThat(keys.deployments()).isZero();
        assertThat(keys.deploymentsPerDay()).isZero();
        assertThat(keys.leadTime()).isNull();
        assertThat(keys.changeFailureRate()).isNull();
        assertThat(keys.timeToRestore()).isNull();
    }

    @Test
    void takesTheMiddleValueOfAnOddCountAndTheMeanOfTheTwoMiddleOnesOfAnEvenCount() {
        assertThat(DoraCalculator.median(List.of(Duration.ofSeconds(9), Duration.ofSeconds(1), Duration.ofSeconds(5))))
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(DoraCalculator.median(List.of(Duration.ofSeconds(4), Duration.ofSeconds(1))))
                .isEqualTo(Duration.ofMillis(2500));
        assertThat(DoraCalculator.median(List.of())).isNull();
    }

    private void completed(String application, String environment, String requested, Duration leadTime) {
        Instant requestedAt = at(requested);
        history.add(new ChangeRecord(
                application,
                environment,
                ReleaseStatus.COMPLETED,
                requestedAt,
                requestedAt.plus(leadTime),
                requestedAt.plusSeconds(1),
                null));
    }

    private void rolledBack(String application, String environment, String requested, Duration restore) {
        Instant requestedAt = at(requested);
        Instant failureDetected = requestedAt.plus(Duration.ofMinutes(3));
        history.add(new ChangeRecord(
                application,
                environment,
                ReleaseStatus.ROLLED_BACK,
                requestedAt,
                failureDetected.plus(restore),
                requestedAt.plusSeconds(1),
                failureDetected));
    }

    private static Instant at(String time) {
        return Instant.parse(time);
    }
}
