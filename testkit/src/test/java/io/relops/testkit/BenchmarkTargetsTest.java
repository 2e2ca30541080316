package io.relops.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BenchmarkTargetsTest {

    @Test
    void aMissIsPrintedAsMissedAndCounted() {
        BenchmarkTargets targets = new BenchmarkTargets();
        targets.atMost("p99", 61.7, 50, "ms");
        targets.atLeast("accepted / bare endpoint", 0.62, 0.5, "x");

        assertThat(targets.allMet()).isFalse();
        assertThat(printed(targets))
                .isEqualTo("target: p99 <= 50 ms -> MISSED (measured 61.7 ms)\n"
                        + "target: accepted / bare endpoint >= 0.500 x -> met (measured 0.620 x)\n"
                        + "targets: 1 of 2 MISSED\n");
    }

    @Test
    void theBoundItselfMeetsTheTarget() {
        BenchmarkTargets targets = new BenchmarkTargets();
        targets.atMost("p99", 50, 50, "ms");
        targets.atLeast("events/s", 20_000, 20_000, "");

        assertThat(targets.allMet()).isTrue();
        assertThat(printed(targets))
                .isEqualTo("target: p99 <= 50 ms -> met (measured 50 ms)\n"
                        + "target: events/s >= 20,000 -> met (measured 20,000)\n");
    }

    @Test
    void aBenchmarkWithoutTargetSaysWhy() {
        BenchmarkTargets targets = new BenchmarkTargets();
        targets.none("the baseline of the Kafka-bound figures");

        assertThat(targets.allMet()).isTrue();
        assertThat(printed(targets)).isEqualTo("target: none (the baseline of the Kafka-bound figures)\n");
    }

    private static String printed(BenchmarkTargets targets) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        targets.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }
}
