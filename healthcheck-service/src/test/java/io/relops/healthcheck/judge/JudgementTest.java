package io.relops.healthcheck.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.judge.JudgeSpec.JudgedMetric;
import io.relops.healthcheck.judge.Judgement.Verdict;
import io.relops.healthcheck.judge.MetricJudgement.Outcome;
import io.relops.healthcheck.verification.GateOutcome;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The canary judge's scoring on given samples: no Prometheus, no Spring. */
class JudgementTest {

    private static final String QUERY = "latency{instance=\"{host}:{port}\"}";

    /** 30 latencies around {@code median} seconds with ±10 % noise, reproducible by {@code seed}. */
    private static double[] latencies(double median, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return IntStream.range(0, 30)
                .mapToDouble(i -> median * (0.9 + 0.2 * random.nextDouble()))
                .toArray();
    }

    private static JudgedMetric metric(String name, String direction) {
        return new JudgedMetric(name, QUERY, direction, 1, 0.05, 0.1, 0, 5, false, "s");
    }

    private static JudgedMetric metric(String name, double weight, boolean critical) {
        return new JudgedMetric(name, QUERY, "increase", weight, 0.05, 0.1, 0, 5, critical, "s");
    }

    private static JudgeSpec spec(JudgedMetric... metrics) {
        return new JudgeSpec(
                null, Duration.ofSeconds(60), Duration.ofSeconds(5), 95, 75, Duration.ofSeconds(10), List.of(metrics));
    }

    private static Map<String, MetricSamples> samples(Object... nameAndSamples) {
        Map<String, MetricSamples> samples = new LinkedHashMap<>();
        for (int i = 0; i < nameAndSamples.length; i += 2) {
            samples.put((String) nameAndSamples[i], (MetricSamples) nameAndSamples[i + 1]);
        }
        return samples;
    }

    private static MetricSamples same() {
        return MetricSamples.of(latencies(0.010, 1), latencies(0.010, 2));
    }

    private static MetricSamples slower() {
        return MetricSamples.of(latencies(0.300, 3), latencies(0.010, 4));
    }

    @Test
    void passesACanaryWhoseSamplesComeFromTheSameDistributionAsTheBaselines() {
        Judgement judgement = Judgement.of(spec(metric("latency", "increase")), samples("latency", same()));

        assertThat(judgement.verdict()).isEqualTo(Verdict.PASS);
        assertThat(judgement.score()).isEqualTo(100.0);
        assertThat(judgement.metrics().get(0).pValue()).isGreaterThan(0.05);
        assertThat(judgement.reason()).isEqualTo("canary judge: score 100 (pass >= 95)");
        assertThat(judgement.outcome(12).verdict()).isEqualTo(GateOutcome.Verdict.PASSED);
    }

    @Test
    void failsACanaryWhoseLatencyIsShiftedUpWithTheScoreAndTheMetricInTheReasonAndEvidence() {
        Judgement judgement = Judgement.of(spec(metric("latency", "increase")), samples("latency", slower()));

        assertThat(judgement.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(judgement.score()).isZero();
        MetricJudgement latency = judgement.metrics().get(0);
        assertThat(latency.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(latency.pValue()).isLessThan(0.0001);
        assertThat(latency.change()).isGreaterThan(20);
        assertThat(judgement.reason())
                .startsWith("canary judge: score 0 (fail < 75): latency failed (canary median 0.")
                .contains(" s vs 0.0", "p<0.0001");

        GateOutcome outcome = judgement.outcome(12);
        assertThat(outcome.verdict()).isEqualTo(GateOutcome.Verdict.FAILED);
        assertThat(outcome.evidence()).hasSize(2);
        ProbeResult judge = outcome.evidence().get(0);
        assertThat(judge.probe()).isEqualTo("judge");
        assertThat(judge.passed()).isFalse();
        assertThat(judge.conclusive()).isTrue();
        assertThat(judge.value()).isEqualTo("score 0");
        assertThat(judge.threshold()).isEqualTo("pass >= 95, marginal >= 75");
        assertThat(judge.error()).isEqualTo(judgement.reason());
        ProbeResult metric = outcome.evidence().get(1);
        assertThat(metric.probe()).isEqualTo("judge:latency");
        assertThat(metric.passed()).isFalse();
        assertThat(metric.value())
                .matches("canary median 0\\.\\d+ s vs baseline 0\\.0\\d+ s \\(\\+\\d+ %\\), p<0\\.0001, n=30/30");
        assertThat(metric.threshold()).isEqualTo("p >= 0.05 or change <= 10 % (increase is bad)");
        assertThat(metric.error()).isEqualTo("the canary is significantly higher than the baseline");
    }

    @Test
    void anImprovementIsNeverAFailureOfAOneSidedMetric() {
        // the canary is much faster: significant, but in the good direction for latency
        MetricSamples faster = MetricSamples.of(latencies(0.010, 5), latencies(0.300, 6));

        Judgement increase = Judgement.of(spec(metric("latency", "increase")), samples("latency", faster));
        Judgement either = Judgement.of(spec(metric("latency", "either")), samples("latency", faster));

        assertThat(increase.verdict()).isEqualTo(Verdict.PASS);
        assertThat(increase.metrics().get(0).pValue()).isGreaterThan(0.99);
        assertThat(either.verdict()).as("any change is bad").isEqualTo(Verdict.FAIL);
        assertThat(either.metrics().get(0).threshold()).isEqualTo("p >= 0.05 or |change| <= 10 % (any change is bad)");
    }

    @Test
    void aDropFailsAMetricWhoseDecreaseIsBad() {
        MetricSamples fewerRequests = MetricSamples.of(latencies(50, 7), latencies(100, 8));

        Judgement judgement =
                Judgement.of(spec(metric("throughput", "decrease")), samples("throughput", fewerRequests));

        assertThat(judgement.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(judgement.metrics().get(0).change()).isCloseTo(-0.5, within(0.1));
        assertThat(judgement.metrics().get(0).threshold()).isEqualTo("p >= 0.05 or change >= -10 % (decrease is bad)");
        assertThat(judgement.evidence(0).get(1).error())
                .isEqualTo("the canary is significantly lower than the baseline");
    }

    @Test
    void aSignificantChangeWithinTheToleranceDoesNotFailTheCanary() {
        // 5 % slower, with so little noise that the test is certain of it
        double[] baseline =
                IntStream.range(0, 30).mapToDouble(i -> 0.100 + i * 0.0001).toArray();
        double[] canary = Arrays.stream(baseline).map(v -> v * 1.05).toArray();

        MetricJudgement tolerated = Judgement.of(
                        spec(metric("latency", "increase")), samples("latency", MetricSamples.of(canary, baseline)))
                .metrics()
                .get(0);
        MetricJudgement strict = Judgement.of(
                        spec(new JudgedMetric("latency", QUERY, "increase", 1, 0.05, 0.01, 0, 5, false, "")),
                        samples("latency", MetricSamples.of(canary, baseline)))
                .metrics()
                .get(0);

        assertThat(tolerated.pValue()).isLessThan(0.05);
        assertThat(tolerated.change()).isCloseTo(0.05, within(0.001));
        assertThat(tolerated.outcome()).isEqualTo(Outcome.PASS);
        assertThat(strict.outcome()).as("tolerance 1 %").isEqualTo(Outcome.FAIL);
    }

    @Test
    void aSignificantChangeSmallerThanMinChangeDoesNotFailTheCanary() {
        // twice as slow, certainly, but by 0.4 ms: below a min-change of 5 ms it is no reason to roll back
        double[] baseline =
                IntStream.range(0, 30).mapToDouble(i -> 0.0004 + i * 0.000001).toArray();
        double[] canary = Arrays.stream(baseline).map(v -> v * 2).toArray();
        JudgedMetric fiveMs = new JudgedMetric("latency", QUERY, "increase", 1, 0.05, 0.1, 0.005, 5, false, "s");

        MetricJudgement judged = Judgement.of(spec(fiveMs), samples("latency", MetricSamples.of(canary, baseline)))
                .metrics()
                .get(0);
        MetricJudgement withoutFloor = Judgement.of(
                        spec(metric("latency", "increase")), samples("latency", MetricSamples.of(canary, baseline)))
                .metrics()
                .get(0);

        assertThat(judged.pValue()).isLessThan(0.05);
        assertThat(judged.outcome()).isEqualTo(Outcome.PASS);
        assertThat(judged.threshold())
                .isEqualTo("p >= 0.05 or change <= 10 % or |difference| <= 0.005 s (increase is" + " bad)");
        assertThat(withoutFloor.outcome()).as("min-change 0").isEqualTo(Outcome.FAIL);
    }

    @Test
    void weightsMakeTheScore() {
        Judgement judgement = Judgement.of(
                spec(metric("latency", 3, false), metric("errors", 1, false)),
                samples("latency", slower(), "errors", same()));

        assertThat(judgement.score()).isEqualTo(25.0);
        assertThat(judgement.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(judgement.reason()).startsWith("canary judge: score 25 (fail < 75): latency failed");
    }

    @Test
    void aScoreBetweenMarginalAndPassIsMarginalAndInconclusive() {
        Judgement judgement = Judgement.of(
                spec(metric("latency", 1, false), metric("a", 1, false), metric("b", 1, false), metric("c", 1, false)),
                samples("latency", slower(), "a", same(), "b", same(), "c", same()));

        assertThat(judgement.score()).isEqualTo(75.0);
        assertThat(judgement.verdict()).isEqualTo(Verdict.MARGINAL);
        assertThat(judgement.reason())
                .startsWith("canary judge: score 75 (marginal: 75 <= score < 95, a human decides): latency failed");
        GateOutcome outcome = judgement.outcome(0);
        assertThat(outcome.verdict()).isEqualTo(GateOutcome.Verdict.INCONCLUSIVE);
        assertThat(outcome.evidence().get(0).inconclusive()).isTrue();
        assertThat(outcome.evidence().get(0).value()).isEqualTo("score 75");
    }

    @Test
    void aFailingCriticalMetricFailsTheJudgementWhateverTheScore() {
        JudgedMetric[] metrics = new JudgedMetric[20];
        Map<String, MetricSamples> samples = new LinkedHashMap<>();
        metrics[0] = metric("errors", 1, true);
        samples.put("errors", slower());
        for (int i = 1; i < 20; i++) {
            metrics[i] = metric("m" + i, 1, false);
            samples.put("m" + i, same());
        }

        Judgement judgement = Judgement.of(spec(metrics), samples);

        assertThat(judgement.score()).isEqualTo(95.0);
        assertThat(judgement.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(judgement.reason()).startsWith("canary judge: score 95, but critical errors failed (");
    }

    @Test
    void noDataForAnyMetricIsInconclusiveWithTheProblems() {
        Judgement judgement = Judgement.of(
                spec(metric("latency", "increase"), metric("errors", "increase")),
                samples("latency", MetricSamples.problem("canary: Prometheus at http://127.0.0.1:9 unreachable")));

        assertThat(judgement.verdict()).isEqualTo(Verdict.NO_DATA);
        assertThat(judgement.score()).isNull();
        assertThat(judgement.reason())
                .isEqualTo("canary judge: no data for any metric: latency has no data (canary: Prometheus at"
                        + " http://127.0.0.1:9 unreachable); errors has no data (not measured)");
        GateOutcome outcome = judgement.outcome(0);
        assertThat(outcome.verdict()).isEqualTo(GateOutcome.Verdict.INCONCLUSIVE);
        assertThat(outcome.evidence())
                .hasSize(3)
                .allSatisfy(result -> assertThat(result.inconclusive()).isTrue());
        assertThat(outcome.evidence().get(0).value()).isEqualTo("no score");
        assertThat(outcome.evidence().get(1).error()).startsWith("no data: canary: Prometheus at");
    }

    @Test
    void aMetricWithFewerThanMinSamplesOnASideIsNotScored() {
        MetricSamples four = MetricSamples.of(Arrays.copyOf(latencies(0.3, 9), 4), latencies(0.01, 10));

        Judgement judgement = Judgement.of(
                spec(metric("latency", "increase"), metric("errors", "increase")),
                samples("latency", four, "errors", same()));

        assertThat(judgement.metrics().get(0).outcome()).isEqualTo(Outcome.NO_DATA);
        assertThat(judgement.metrics().get(0).problem())
                .isEqualTo("4 canary and 30 baseline samples, fewer than min-samples 5 on a side");
        assertThat(judgement.score()).isEqualTo(100.0);
        assertThat(judgement.verdict()).isEqualTo(Verdict.PASS);
        assertThat(judgement.reason())
                .isEqualTo("canary judge: score 100 (pass >= 95); not scored: latency has no"
                        + " data (4 canary and 30 baseline samples, fewer than min-samples 5 on a side)");
    }

    @Test
    void notANumberSamplesAreDroppedBeforeCounting() {
        double[] canary = {Double.NaN, Double.NaN, 1, 1, 1, 1};

        MetricSamples samples = MetricSamples.of(canary, new double[] {1, 1, 1, 1, 1});

        assertThat(samples.canary()).containsExactly(1, 1, 1, 1);
        assertThat(Judgement.of(spec(metric("latency", "increase")), samples("latency", samples))
                        .metrics()
                        .get(0)
                        .outcome())
                .isEqualTo(Outcome.NO_DATA);
    }

    @Test
    void infiniteSamplesAreKeptAndACanaryAboveTheTopBucketFails() {
        // histogram_quantile is +Inf when every request is slower than the top bucket
        double[] canary = new double[30];
        Arrays.fill(canary, Double.POSITIVE_INFINITY);
        canary[0] = Double.NaN;
        MetricSamples samples = MetricSamples.of(canary, latencies(0.010, 4));

        assertThat(samples.canary()).hasSize(29).containsOnly(Double.POSITIVE_INFINITY);
        Judgement judgement = Judgement.of(spec(metric("latency", "increase")), samples("latency", samples));

        assertThat(judgement.verdict()).isEqualTo(Verdict.FAIL);
        MetricJudgement latency = judgement.metrics().get(0);
        assertThat(latency.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(latency.canaryMedian()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(latency.change()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(latency.summary())
                .startsWith("latency failed (canary median +Inf s vs 0.0")
                .contains(", +inf %, p<");
        assertThat(latency.summary()).doesNotContain("from 0").doesNotContain("Infinity");
    }

    @Test
    void aRelativeChangeToOrFromAnInfiniteMedianIsInfiniteInItsDirection() {
        assertThat(MetricJudgement.relativeChange(Double.POSITIVE_INFINITY, 0.01))
                .isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(MetricJudgement.relativeChange(0.01, Double.POSITIVE_INFINITY))
                .isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(MetricJudgement.relativeChange(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY))
                .isZero();
        assertThat(MetricJudgement.relativeChange(0.5, 0)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(Judgement.percent(Double.POSITIVE_INFINITY, 0)).isEqualTo("+inf % from 0");
        assertThat(Judgement.percent(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY))
                .isEqualTo("-inf %");
        assertThat(Judgement.format(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
    }

    @Test
    void aCriticalMetricWithoutDataLeavesTheDecisionToAHuman() {
        Judgement judgement = Judgement.of(
                spec(metric("errors", 1, true), metric("latency", 1, false)),
                samples("errors", MetricSamples.problem("baseline: no series"), "latency", same()));

        assertThat(judgement.score()).isEqualTo(100.0);
        assertThat(judgement.verdict()).isEqualTo(Verdict.NO_DATA);
        assertThat(judgement.reason())
                .isEqualTo("canary judge: score 100, but critical errors has no data (baseline: no series): a human"
                        + " decides");
        assertThat(judgement.outcome(0).verdict()).isEqualTo(GateOutcome.Verdict.INCONCLUSIVE);
    }

    @Test
    void identicalConstantSamplesPass() {
        double[] zeros = new double[20];

        MetricJudgement errors = Judgement.of(
                        spec(metric("errors", "increase")), samples("errors", MetricSamples.of(zeros, zeros)))
                .metrics()
                .get(0);

        assertThat(errors.outcome()).isEqualTo(Outcome.PASS);
        assertThat(errors.change()).isZero();
    }

    @Test
    void refusesABadSpecNamingTheSetting() {
        List<JudgedMetric> one = List.of(metric("latency", "increase"));
        Duration s5 = Duration.ofSeconds(5);
        Duration s60 = Duration.ofSeconds(60);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> new JudgeSpec(null, s60, s5, 70, 75, s5, one))
                .withMessage("health.judge.pass (70) and marginal (75) are scores with 0 <= marginal <= pass <= 100");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new JudgeSpec(null, s60, s5, 101, 75, s5, one))
                .withMessageContaining("health.judge.pass (101)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new JudgeSpec(null, s5, s5, 95, 75, s5, one))
                .withMessageStartingWith("health.judge.window (PT5S) must be longer than resolution (PT5S)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new JudgeSpec(null, s60, s5, 95, 75, s5, List.of()))
                .withMessageContaining("health.judge.metrics is empty");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new JudgedMetric("latency", QUERY, "up", 1, 0.05, 0.1, 0, 5, false, ""))
                .withMessage("health.judge.metrics[latency].direction is 'up'; it is increase, decrease or either"
                        + " (which change is bad)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new JudgedMetric("latency", QUERY, "increase", 0, 0.05, 0.1, 0, 5, false, ""))
                .withMessage("health.judge.metrics[latency].weight is 0; it must be above 0");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new JudgedMetric("latency", QUERY, "increase", 1, 1, 0.1, 0, 5, false, ""))
                .withMessageStartingWith("health.judge.metrics[latency].alpha is 1; a significance level is between");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new JudgedMetric("latency", "up", "increase", 1, 0.05, 0.1, 0, 5, false, ""))
                .withMessageStartingWith("health.judge.metrics[latency].query names neither of");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new JudgedMetric("latency", QUERY, "increase", 1, 0.05, 0.1, 0, 0, false, ""))
                .withMessage("health.judge.metrics[latency].min-samples is 0; it must be at least 1");
    }
}
