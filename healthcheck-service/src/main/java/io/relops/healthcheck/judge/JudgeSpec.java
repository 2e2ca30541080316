package io.relops.healthcheck.judge;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The canary judge of {@code health.judge}: at each canary step below 100 %, each metric's samples from the canary
 * and from the baseline (the slot serving the rest of the traffic) over the same {@code window} are compared with a
 * Mann–Whitney U test; the metrics' weighted verdicts make a score from 0 to 100, which passes from {@code pass},
 * is marginal (inconclusive: a human decides) from {@code marginal}, and fails below. docs/healthcheck-service.md
 * describes every key.
 */
public record JudgeSpec(
        @Nullable String prometheusUrl,
        @DefaultValue("60s") Duration window,
        @DefaultValue("5s") Duration resolution,
        @DefaultValue("95") double pass,
        @DefaultValue("75") double marginal,
        @Nullable List<JudgedMetric> metrics) {

    /**
     * One judged metric: a PromQL {@code query} (a template expanded once for the canary, once for the baseline),
     * which direction of change is bad ({@code increase}, {@code decrease}, {@code either}), its {@code weight} in
     * the score, the test's significance level {@code alpha}, and the fewest samples per side it judges on.
     */
    public record JudgedMetric(
            String name,
            String query,
            @DefaultValue("increase") String direction,
            @DefaultValue("1") double weight,
            @DefaultValue("0.05") double alpha,
            @DefaultValue("5") int minSamples) {}
}
