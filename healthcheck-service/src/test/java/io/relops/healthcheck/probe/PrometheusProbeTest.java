package io.relops.healthcheck.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.probe.HealthCatalog.ProbeSpec;
import io.relops.healthcheck.probe.PrometheusProbe.Comparison;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus probe's judgement of the answers the Prometheus HTTP API documents
 * (prometheus.io/docs/prometheus/latest/querying/api/#instant-queries): success with an instant
 * vector or a scalar, an error answer, an empty vector, a NaN sample.
 */
class PrometheusProbeTest {

    private static final String QUERY = "sum(rate(http_errors[1m])) / sum(rate(http_requests[1m]))";

    private static ProbeSpec spec(String comparison, double threshold, String onEmpty) {
        return new ProbeSpec(
                "error-rate",
                "prometheus",
                "GET",
                null,
                null,
                Set.of(200),
                null,
                null,
                null,
                "{host}:{port}",
                "http://prometheus:9090",
                QUERY,
                comparison,
                threshold,
                onEmpty,
                Duration.ofSeconds(2));
    }

    private static ProbeResult judge(String comparison, double threshold, int status, String body) {
        return PrometheusProbe.judge(
                spec(comparison, threshold, "inconclusive"),
                Comparison.of(comparison),
                QUERY,
                comparison + " " + threshold,
                7,
                status,
                body);
    }

    @Test
    void passesWhenEverySampleOfTheVectorHoldsTheComparison() {
        String body = """
                {"status":"success","data":{"resultType":"vector","result":[
                  {"metric":{"__name__":"up","job":"prometheus","instance":"localhost:9090"},"value":[1435781451.781,"0.01"]},
                  {"metric":{"__name__":"up","job":"node","instance":"localhost:9100"},"value":[1435781451.781,"0.04"]}]}}
                """;
        ProbeResult result = judge("<", 0.05, 200, body);
        assertThat(result.passed()).isTrue();
        assertThat(result.conclusive()).isTrue();
        assertThat(result.value()).isEqualTo("0.01,0.04");
        assertThat(result.threshold()).isEqualTo("< 0.05");
        assertThat(result.latencyMs()).isEqualTo(7);
        assertThat(result.error()).isNull();
    }

    @Test
    void failsWhenASampleBreaksTheThresholdAndSaysWhich() {
        String body = """
                {"status":"success","data":{"resultType":"vector","result":[
                  {"metric":{"job":"a"},"value":[1435781451.781,"0.01"]},
                  {"metric":{"job":"b"},"value":[1435781451.781,"0.2"]}]}}
                """;
        ProbeResult result = judge("<", 0.05, 200, body);
        assertThat(result.passed()).isFalse();
        assertThat(result.conclusive()).isTrue();
        assertThat(result.error()).isEqualTo(QUERY + " = 0.2, expected < 0.05");
    }

    @Test
    void judgesAScalar() {
        String body = """
                {"status":"success","data":{"resultType":"scalar","result":[1435781451.781,"1.3"]}}
                """;
        assertThat(judge(">", 1.0, 200, body).passed()).isTrue();
        assertThat(judge("<=", 1.0, 200, body).passed()).isFalse();
    }

    @Test
    void anErrorAnswerIsInconclusiveWithItsErrorTypeAndText() {
        String body = """
                {"status":"error","errorType":"bad_data","error":"invalid parameter \\"query\\": 1:5: parse error: unexpected end of input"}
                """;
        ProbeResult result = judge("<", 0.05, 400, body);
        assertThat(result.passed()).isFalse();
        assertThat(result.conclusive()).isFalse();
        assertThat(result.inconclusive()).isTrue();
        assertThat(result.error())
                .contains("Prometheus answered 400 bad_data")
                .contains("parse error: unexpected end of input");
    }

    @Test
    void anEmptyVectorIsInconclusiveByDefaultOrAsConfigured() {
        String body = """
                {"status":"success","data":{"resultType":"vector","result":[]}}
                """;
        ProbeResult result = judge("<", 0.05, 200, body);
        assertThat(result.passed()).isFalse();
        assertThat(result.inconclusive()).isTrue();
        assertThat(result.error()).contains("returned no data (empty vector)");

        ProbeResult failing =
                PrometheusProbe.judge(spec("<", 0.05, "fail"), Comparison.LT, QUERY, "< 0.05", 1, 200, body);
        assertThat(failing.passed()).isFalse();
        assertThat(failing.conclusive()).isTrue();
        ProbeResult passing =
                PrometheusProbe.judge(spec("<", 0.05, "pass"), Comparison.LT, QUERY, "< 0.05", 1, 200, body);
        assertThat(passing.passed()).isTrue();
    }

    @Test
    void aNaNSampleOrABodyThatIsNotJsonIsInconclusive() {
        String nan = """
                {"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1435781451.781,"NaN"]}]}}
                """;
        assertThat(judge("<", 0.05, 200, nan).inconclusive()).isTrue();
        ProbeResult unavailable = judge("<", 0.05, 503, "Service Unavailable");
        assertThat(unavailable.inconclusive()).isTrue();
        assertThat(unavailable.error()).contains("503").contains("not JSON");
    }

    @Test
    void anInfiniteSampleIsComparedNotInconclusive() {
        String slow = """
                {"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1435781451.781,"+Inf"]}]}}
                """;
        ProbeResult result = judge("<", 0.5, 200, slow);

        assertThat(result.conclusive()).isTrue();
        assertThat(result.passed()).isFalse();
        assertThat(result.value()).isEqualTo("+Inf");
        assertThat(result.error()).isEqualTo(QUERY + " = +Inf, expected < 0.5");
        assertThat(judge(">", 0.5, 200, slow).passed()).isTrue();
    }

    @Test
    void anUnreachablePrometheusIsNamedWithoutItsCredentials() throws Exception {
        ProbeSpec spec = new ProbeSpec(
                "error-rate",
                "prometheus",
                "GET",
                null,
                null,
                Set.of(200),
                null,
                null,
                null,
                "{host}:{port}",
                "http://relops:s3cret@127.0.0.1:9/prom?token=t0ken",
                QUERY,
                "<",
                0.05,
                "inconclusive",
                Duration.ofSeconds(2));

        ProbeResult result = new PrometheusProbe(new PrometheusClient(null))
                .run(spec, new ProbeTarget("shop", "1.1.0", "green", "http://127.0.0.1:8081"))
                .get(10, TimeUnit.SECONDS);

        assertThat(result.inconclusive()).isTrue();
        assertThat(result.error())
                .startsWith("Prometheus at http://127.0.0.1:9/… unreachable")
                .doesNotContain("s3cret")
                .doesNotContain("t0ken");
    }

    @Test
    void knowsEveryComparison() {
        assertThat(Comparison.of("<").holds(1, 2)).isTrue();
        assertThat(Comparison.of("<=").holds(2, 2)).isTrue();
        assertThat(Comparison.of(">").holds(2, 2)).isFalse();
        assertThat(Comparison.of(">=").holds(2, 2)).isTrue();
        assertThat(Comparison.of("==").holds(2, 2)).isTrue();
        assertThat(Comparison.of("!=").holds(2, 2)).isFalse();
        assertThat(Comparison.of("~")).isNull();
    }
}
