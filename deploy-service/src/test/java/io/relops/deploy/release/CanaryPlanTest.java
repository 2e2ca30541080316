package io.relops.deploy.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.relops.deploy.catalog.DeployCatalog.CanaryStep;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CanaryPlanTest {

    @Test
    void endsEveryPlanWithAllTraffic() {
        assertThat(CanaryPlan.of(List.of(step(5), step(25), step(50))))
                .extracting(CanaryStep::weight)
                .containsExactly(5, 25, 50, 100);
        assertThat(CanaryPlan.of(List.of(step(10), step(100))))
                .extracting(CanaryStep::weight)
                .containsExactly(10, 100);
    }

    @Test
    void keepsPausesAndPromotionGates() {
        var timed = new CanaryStep(5, Duration.ofMinutes(10), false);
        var gated = new CanaryStep(50, null, true);
        assertThat(CanaryPlan.of(List.of(timed, gated))).startsWith(timed, gated);
    }

    @Test
    void refusesWeightsThatDoNotIncreaseOrAreNoPercentage() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CanaryPlan.of(List.of(step(25), step(25))))
                .withMessageContaining("step 2: weight 25 does not increase");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CanaryPlan.of(List.of(step(0))))
                .withMessageContaining("step 1: weight 0 is not a percentage");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CanaryPlan.of(List.of(step(50), step(120))))
                .withMessageContaining("step 2: weight 120");
    }

    private static CanaryStep step(int weight) {
        return new CanaryStep(weight, null, false);
    }
}
