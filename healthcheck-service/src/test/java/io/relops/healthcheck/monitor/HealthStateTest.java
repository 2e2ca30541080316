package io.relops.healthcheck.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.monitor.HealthState.Status;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthStateTest {

    private static final List<ProbeResult> PASS = List.of(new ProbeResult("health", true, "200", "200", 3, null));
    private static final List<ProbeResult> FAIL =
            List.of(new ProbeResult("health", false, "503", "200", 3, "status 503"));
    private static final List<ProbeResult> INCONCLUSIVE =
            List.of(ProbeResult.inconclusive("errors", "< 0.05", 2, "no data"));

    /** Feeds rounds and returns the transitions announced. */
    private static List<Status> run(HealthState start, List<List<ProbeResult>> rounds) {
        List<Status> announced = new ArrayList<>();
        HealthState state = start;
        for (List<ProbeResult> round : rounds) {
            HealthState.Step step = state.next(round, 3, 2);
            if (step.transition() != null) {
                announced.add(step.transition());
            }
            state = step.state();
        }
        return announced;
    }

    @Test
    void turnsUnhealthyOnceAfterTheConsecutiveFailuresAndRecoversOnce() {
        List<Status> announced =
                run(HealthState.unknown(0), List.of(PASS, PASS, FAIL, FAIL, FAIL, FAIL, FAIL, PASS, PASS, PASS, PASS));
        assertThat(announced).containsExactly(Status.UNHEALTHY, Status.HEALTHY);
    }

    @Test
    void aFlappingEndpointAnnouncesNothing() {
        List<List<ProbeResult>> flapping = new ArrayList<>(List.of(PASS, PASS));
        for (int i = 0; i < 20; i++) {
            flapping.add(i % 3 == 2 ? PASS : FAIL); // fail, fail, pass, ...: never three failures in a row
        }
        assertThat(run(HealthState.unknown(0), flapping)).isEmpty();
    }

    @Test
    void becomingHealthyForTheFirstTimeIsNoNewsButStartingUnhealthyIs() {
        HealthState.Step healthy = HealthState.unknown(0).next(PASS, 3, 1);
        assertThat(healthy.state().status()).isEqualTo(Status.HEALTHY);
        assertThat(healthy.transition()).isNull();
        assertThat(run(HealthState.unknown(0), List.of(FAIL, FAIL, FAIL))).containsExactly(Status.UNHEALTHY);
    }

    @Test
    void inconclusiveRoundsNeitherBreakAFailingStreakNorBuildAPassingOne() {
        assertThat(run(HealthState.unknown(0), List.of(FAIL, FAIL, INCONCLUSIVE, FAIL)))
                .containsExactly(Status.UNHEALTHY);
        HealthState unhealthy = new HealthState(Status.UNHEALTHY, 0, 3, 1);
        assertThat(run(unhealthy, List.of(PASS, INCONCLUSIVE, PASS, INCONCLUSIVE)))
                .isEmpty();
    }

    @Test
    void countsTransitionsForTheIdsOfTheirEvents() {
        HealthState state = HealthState.unknown(4);
        for (List<ProbeResult> round : List.of(FAIL, FAIL, FAIL, PASS, PASS)) {
            state = state.next(round, 3, 2).state();
        }
        assertThat(state.status()).isEqualTo(Status.HEALTHY);
        assertThat(state.transitions()).isEqualTo(6);
    }
}
