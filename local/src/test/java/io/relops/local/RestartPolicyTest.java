package io.relops.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When the launcher restarts a crashed service: exponential backoff over quick failures, reset by a stable run. */
class RestartPolicyTest {

    static final Duration QUICK = Duration.ofSeconds(5);
    static final Duration STABLE = Duration.ofMinutes(3);

    final RestartPolicy policy = RestartPolicy.DEFAULT;

    @Test
    void doublesTheDelayOverQuickFailuresUpToTheCap() {
        RestartPolicy patient =
                new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(1), 10);
        List<Duration> delays = new ArrayList<>();
        int failures = 0;
        for (int exit = 0; exit < 8; exit++) {
            RestartPolicy.Decision decision = patient.afterExit(QUICK, failures);
            failures = decision.failures();
            delays.add(decision.delay());
        }

        assertThat(delays).extracting(Duration::toSeconds).containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L);
    }

    @Test
    void aStableRunStartsOverAtTheFirstDelay() {
        RestartPolicy.Decision afterFourQuickOnes = policy.afterExit(STABLE, 4);

        assertThat(afterFourQuickOnes.failures()).isEqualTo(1);
        assertThat(afterFourQuickOnes.delay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(afterFourQuickOnes.restart()).isTrue();
    }

    @Test
    void givesUpOnTheSixthQuickFailureInARow() {
        int failures = 0;
        List<Boolean> restarts = new ArrayList<>();
        for (int exit = 0; exit < 6; exit++) {
            RestartPolicy.Decision decision = policy.afterExit(QUICK, failures);
            failures = decision.failures();
            restarts.add(decision.restart());
        }

        assertThat(restarts).containsExactly(true, true, true, true, true, false);
        assertThat(policy.afterExit(QUICK, 5).delay()).isNull();
    }

    @Test
    void aServiceThatCrashesAfterRunningAWhileIsAlwaysRestarted() {
        int failures = 0;
        for (int exit = 0; exit < 20; exit++) {
            RestartPolicy.Decision decision = policy.afterExit(STABLE, failures);
            failures = decision.failures();
            assertThat(decision.delay()).isEqualTo(Duration.ofSeconds(1));
        }
    }

    @Test
    void refusesANonsensicalPolicy() {
        assertThatThrownBy(() -> new RestartPolicy(Duration.ZERO, Duration.ofSeconds(1), STABLE, 3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RestartPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), STABLE, 3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), STABLE, 0))
                .hasMessageContaining("at least 1");
    }
}
