package io.relops.healthcheck.metric;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.healthcheck.metric.Analysis.Conclusion;
import io.relops.healthcheck.metric.Conditions.Phase;
import io.relops.healthcheck.verification.GateOutcome.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class AnalysisTest {

    private static final Measurement OK = new Measurement(Phase.SUCCESSFUL, "0.1", null, 3);
    private static final Measurement FAILED = new Measurement(Phase.FAILED, "0.82", "result 0.82 …", 3);
    private static final Measurement UNDECIDED = new Measurement(Phase.INCONCLUSIVE, "0.3", "result 0.3 …", 3);
    private static final Measurement ERROR =
            Measurement.error("Prometheus at http://127.0.0.1:9 unreachable: java.net.ConnectException", 2);

    @Test
    void passesAfterCountMeasurementsWithinTheLimits() {
        List<Conclusion> conclusions = run(metric(3, 0, 0, 4), OK, OK, OK);

        assertThat(conclusions.subList(0, 2)).containsOnlyNulls();
        assertThat(conclusions.get(2).verdict()).isEqualTo(Verdict.PASSED);
        assertThat(conclusions.get(2).reason()).isEqualTo("metric 'p95': 3 of 3 measurements successful");
    }

    @Test
    void failureLimitOneToleratesOneFailureAndFailsOnTheSecond() {
        List<Conclusion> conclusions = run(metric(5, 1, 0, 4), OK, FAILED, OK, FAILED);

        assertThat(conclusions.subList(0, 3)).containsOnlyNulls();
        assertThat(conclusions.get(3).verdict()).isEqualTo(Verdict.FAILED);
        assertThat(conclusions.get(3).reason())
                .isEqualTo("metric 'p95': 2 failed measurements > failure-limit 1; last: result = 0.82");
    }

    @Test
    void failureLimitZeroFailsOnTheFirstFailure() {
        assertThat(run(metric(3, 0, 0, 4), FAILED).get(0).verdict()).isEqualTo(Verdict.FAILED);
    }

    @Test
    void moreInconclusiveMeasurementsThanTheLimitAreInconclusive() {
        List<Conclusion> tolerated = run(metric(3, 0, 1, 4), UNDECIDED, OK, OK);
        assertThat(tolerated.get(2).verdict()).isEqualTo(Verdict.PASSED);
        assertThat(tolerated.get(2).reason()).isEqualTo("metric 'p95': 2 of 3 measurements successful");

        List<Conclusion> exceeded = run(metric(3, 0, 1, 4), UNDECIDED, UNDECIDED);
        assertThat(exceeded.get(1).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(exceeded.get(1).reason())
                .isEqualTo("metric 'p95': 2 inconclusive measurements > inconclusive-limit 1; last: result = 0.3");
    }

    @Test
    void theFifthConsecutiveErrorIsInconclusiveNotFailed() {
        List<Conclusion> conclusions = run(metric(10, 0, 0, 4), ERROR, ERROR, ERROR, ERROR, ERROR);

        assertThat(conclusions.subList(0, 4)).containsOnlyNulls();
        assertThat(conclusions.get(4).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(conclusions.get(4).reason())
                .isEqualTo("metric 'p95': 5 consecutive errors > consecutive-error-limit 4; last: Prometheus at"
                        + " http://127.0.0.1:9 unreachable: java.net.ConnectException");
    }

    @Test
    void aSuccessfulMeasurementEndsTheErrorStreak() {
        List<Conclusion> conclusions = run(metric(10, 0, 0, 4), ERROR, ERROR, ERROR, ERROR, OK, ERROR, ERROR, ERROR);

        assertThat(conclusions).containsOnlyNulls();
    }

    @Test
    void aFailedOrInconclusiveMeasurementEndsTheErrorStreakToo() {
        assertThat(run(metric(10, 1, 1, 1), ERROR, FAILED, ERROR, UNDECIDED, ERROR))
                .containsOnlyNulls();
    }

    @Test
    void errorsWithinTheLimitDoNotStopThePass() {
        List<Conclusion> conclusions = run(metric(3, 0, 0, 4), ERROR, OK, ERROR);

        assertThat(conclusions.get(2).verdict()).isEqualTo(Verdict.PASSED);
        assertThat(conclusions.get(2).reason()).isEqualTo("metric 'p95': 1 of 3 measurements successful");
    }

    @Test
    void countMeasurementsWithoutASuccessfulOneAreInconclusive() {
        List<Conclusion> conclusions = run(metric(3, 0, 0, 4), ERROR, ERROR, ERROR);

        assertThat(conclusions.get(2).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(conclusions.get(2).reason())
                .startsWith("metric 'p95': none of 3 measurements successful (3 errors, 0 failed, 0 inconclusive)");
    }

    private static List<Conclusion> run(Metric metric, Measurement... measurements) {
        Analysis analysis = Analysis.NONE;
        List<Conclusion> conclusions = new ArrayList<>();
        for (Measurement measurement : measurements) {
            analysis = analysis.next(measurement.phase());
            @Nullable Conclusion conclusion = analysis.conclusion(metric, measurement);
            conclusions.add(conclusion);
            if (conclusion != null) {
                break;
            }
        }
        assertThat(conclusions).as("every measurement was taken").hasSize(measurements.length);
        return conclusions;
    }

    private static Metric metric(int count, int failureLimit, int inconclusiveLimit, int consecutiveErrorLimit) {
        return Metric.resolve(
                "shop",
                new MetricSpec(
                        "p95",
                        null,
                        null,
                        null,
                        "http://127.0.0.1:9",
                        "up",
                        null,
                        null,
                        null,
                        "result < 0.5",
                        null,
                        count,
                        null,
                        null,
                        failureLimit,
                        inconclusiveLimit,
                        consecutiveErrorLimit,
                        null,
                        null),
                Map.of(),
                Duration.ofSeconds(1),
                null);
    }
}
