package io.relops.healthcheck.verification;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.common.event.ProbeResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundsTest {

    private static final List<ProbeResult> PASS = List.of(new ProbeResult("health", true, "200", "200", 3, null));
    private static final List<ProbeResult> FAIL =
            List.of(new ProbeResult("health", false, "503", "200", 3, "GET /health: status 503"));
    private static final List<ProbeResult> INCONCLUSIVE =
            List.of(ProbeResult.inconclusive("errors", "< 0.05", 2, "Prometheus unreachable"));

    @Test
    void verifiesAfterTheConsecutivePassingRoundsAsked() {
        Rounds rounds = new Rounds(3, 2);
        assertThat(rounds.record(PASS)).isNull();
        assertThat(rounds.record(PASS)).isNull();
        assertThat(rounds.record(PASS)).isEqualTo(new Rounds.Verdict(true, "3 consecutive passing rounds"));
    }

    @Test
    void toleratesFewerFailingRoundsThanTheLimitThenFails() {
        Rounds rounds = new Rounds(3, 2);
        assertThat(rounds.record(FAIL)).isNull();
        assertThat(rounds.record(PASS)).isNull();
        assertThat(rounds.record(FAIL)).isNull();
        Rounds.Verdict verdict = rounds.record(FAIL);
        assertThat(verdict).isNotNull();
        assertThat(verdict.verified()).isFalse();
        assertThat(verdict.reason()).contains("2 consecutive failing rounds").contains("status 503");
    }

    @Test
    void anInconclusiveRoundNeverCountsAsPassing() {
        Rounds rounds = new Rounds(2, 2);
        assertThat(rounds.record(PASS)).isNull();
        assertThat(rounds.record(INCONCLUSIVE)).isNull();
        assertThat(rounds.record(PASS)).isNull(); // the streak restarted
        assertThat(rounds.record(INCONCLUSIVE)).isNull();
        assertThat(rounds.record(INCONCLUSIVE)).isNull(); // nor as failing
        Rounds.Verdict verdict = rounds.deadlinePassed(Duration.ofSeconds(5));
        assertThat(verdict.verified()).isFalse();
        assertThat(verdict.reason())
                .contains("no verdict within the deadline of 5000 ms after 5 rounds")
                .contains("3 inconclusive")
                .contains("Prometheus unreachable");
    }

    @Test
    void aRoundFailsWhenAnyProbeFailsEvenIfAnotherIsInconclusive() {
        assertThat(Rounds.classify(List.of(FAIL.get(0), INCONCLUSIVE.get(0)))).isEqualTo(Rounds.Round.FAILED);
        assertThat(Rounds.classify(List.of(PASS.get(0), INCONCLUSIVE.get(0)))).isEqualTo(Rounds.Round.INCONCLUSIVE);
        assertThat(Rounds.classify(List.of())).isEqualTo(Rounds.Round.INCONCLUSIVE);
        assertThat(Rounds.classify(PASS)).isEqualTo(Rounds.Round.PASSED);
    }
}
