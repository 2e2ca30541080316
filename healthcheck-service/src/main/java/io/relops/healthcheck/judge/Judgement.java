package io.relops.healthcheck.judge;

import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.judge.MetricJudgement.Outcome;
import io.relops.healthcheck.verification.GateOutcome;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The canary judge's verdict on one canary step, a pure function of the spec and the samples: each metric is judged
 * ({@link MetricJudgement}); the score is {@code 100 * (weights of passing metrics) / (weights of metrics with
 * data)}. A failing {@code critical} metric or a score below {@code marginal} fails; no metric with data, or a
 * critical metric without data, is inconclusive; a score below {@code pass} is marginal (inconclusive: a human
 * decides); else the canary passes.
 */
public record Judgement(
        Verdict verdict, @Nullable Double score, double pass, double marginal, List<MetricJudgement> metrics) {

    /** The judgement's verdict, as the {@code relops.health.judge.verdicts} metric tags it. */
    public enum Verdict {
        PASS("pass"),
        MARGINAL("marginal"),
        FAIL("fail"),
        NO_DATA("nodata");

        private final String tag;

        Verdict(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    public Judgement {
        metrics = List.copyOf(metrics);
    }

    /** Judges every metric of {@code spec} on its samples (a metric missing from {@code samples} has no data). */
    public static Judgement of(JudgeSpec spec, Map<String, MetricSamples> samples) {
        List<MetricJudgement> metrics = spec.metricList().stream()
                .map(metric -> MetricJudgement.of(
                        metric, samples.getOrDefault(metric.name(), MetricSamples.problem("not measured"))))
                .toList();
        double judged = 0;
        double passing = 0;
        for (MetricJudgement metric : metrics) {
            if (metric.hasData()) {
                judged += metric.metric().weight();
                passing += metric.outcome() == Outcome.PASS ? metric.metric().weight() : 0;
            }
        }
        if (judged == 0) {
            return new Judgement(Verdict.NO_DATA, null, spec.pass(), spec.marginal(), metrics);
        }
        double score = 100 * passing / judged;
        Verdict verdict;
        if (metrics.stream().anyMatch(m -> m.metric().critical() && m.outcome() == Outcome.FAIL)
                || score < spec.marginal()) {
            verdict = Verdict.FAIL;
        } else if (metrics.stream().anyMatch(m -> m.metric().critical() && !m.hasData())) {
            verdict = Verdict.NO_DATA;
        } else if (score < spec.pass()) {
            verdict = Verdict.MARGINAL;
        } else {
            verdict = Verdict.PASS;
        }
        return new Judgement(verdict, score, spec.pass(), spec.marginal(), metrics);
    }

    /**
     * Why: {@code canary judge: score 50 (fail < 75): latency failed (canary median 0.312 s vs 0.011 s, +2736 %,
     * p=0.0001)}.
     */
    public String reason() {
        List<MetricJudgement> failed = with(Outcome.FAIL);
        List<MetricJudgement> critical =
                failed.stream().filter(m -> m.metric().critical()).toList();
        if (score == null) {
            return "canary judge: no data for any metric: " + summaries(metrics);
        }
        String scored = "canary judge: score " + format(score);
        return switch (verdict) {
            case PASS -> scored + " (pass >= " + format(pass) + ")" + noDataNote();
            case MARGINAL ->
                scored + " (marginal: " + format(marginal) + " <= score < " + format(pass) + ", a human decides): "
                        + summaries(failed) + noDataNote();
            case FAIL ->
                critical.isEmpty()
                        ? scored + " (fail < " + format(marginal) + "): " + summaries(failed)
                        : scored + ", but critical " + summaries(critical);
            case NO_DATA ->
                scored + ", but critical "
                        + summaries(metrics.stream()
                                .filter(m -> m.metric().critical() && !m.hasData())
                                .toList())
                        + ": a human decides";
        };
    }

    /** The gate's outcome: a pass, a failure, or inconclusive (marginal or no data). */
    public GateOutcome outcome(long latencyMs) {
        return switch (verdict) {
            case PASS -> GateOutcome.passed(reason(), evidence(latencyMs));
            case FAIL -> GateOutcome.failed(reason(), evidence(latencyMs));
            case MARGINAL, NO_DATA -> GateOutcome.inconclusive(reason(), evidence(latencyMs));
        };
    }

    /** The judgement ({@code judge}: score and thresholds), then one result per metric ({@code judge:<metric>}). */
    public List<ProbeResult> evidence(long latencyMs) {
        List<ProbeResult> evidence = new ArrayList<>();
        evidence.add(new ProbeResult(
                "judge",
                verdict == Verdict.PASS,
                score == null ? "no score" : "score " + format(score),
                "pass >= " + format(pass) + ", marginal >= " + format(marginal),
                latencyMs,
                verdict == Verdict.PASS ? null : reason(),
                verdict == Verdict.MARGINAL || verdict == Verdict.NO_DATA ? Boolean.TRUE : null));
        metrics.forEach(metric -> evidence.add(metric.evidence(latencyMs)));
        return evidence;
    }

    private List<MetricJudgement> with(Outcome outcome) {
        return metrics.stream().filter(m -> m.outcome() == outcome).toList();
    }

    private String noDataNote() {
        List<MetricJudgement> noData = with(Outcome.NO_DATA);
        return noData.isEmpty() ? "" : "; not scored: " + summaries(noData);
    }

    private static String summaries(List<MetricJudgement> metrics) {
        return metrics.stream().map(MetricJudgement::summary).collect(Collectors.joining("; "));
    }

    /**
     * A value as evidence shows it: 3 significant digits ({@code 0.0112}), whole numbers from 1000 on, {@code +Inf}
     * and {@code -Inf} as Prometheus writes them.
     */
    static String format(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf"; // as Prometheus writes them
        }
        BigDecimal decimal = Math.abs(value) >= 1000
                ? BigDecimal.valueOf(Math.round(value))
                : new BigDecimal(value).round(new MathContext(3)).stripTrailingZeros();
        return decimal.scale() < 0 ? decimal.setScale(0).toPlainString() : decimal.toPlainString();
    }

    /**
     * A relative change as a percentage: {@code +2736 %}, {@code -4.2 %}; {@code +inf % from 0} from a baseline of 0,
     * {@code +inf %} when a median is infinite ({@code +Inf} latency).
     */
    static String percent(double change, double baseline) {
        if (Double.isNaN(change)) {
            return "n/a";
        }
        if (Double.isInfinite(change)) {
            return (change > 0 ? "+" : "-") + "inf %" + (baseline == 0 ? " from 0" : "");
        }
        double percent = change * 100;
        String text = Math.abs(percent) >= 10
                ? Long.toString(Math.round(Math.abs(percent)))
                : String.format(Locale.ROOT, "%.1f", Math.abs(percent));
        return (percent < 0 ? "-" : "+") + text + " %";
    }

    /** A p-value: {@code p=0.0123}, {@code p<0.0001}. */
    static String pValue(double p) {
        if (Double.isNaN(p)) {
            return "p=n/a (identical samples)";
        }
        return p < 0.0001 ? "p<0.0001" : "p=" + format(p);
    }
}
