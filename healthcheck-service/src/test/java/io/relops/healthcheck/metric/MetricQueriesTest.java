package io.relops.healthcheck.metric;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.metric.Conditions.Phase;
import io.relops.healthcheck.probe.ProbeTarget;
import io.relops.healthcheck.probe.PrometheusClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One measurement against real local HTTP servers: a Prometheus API double and JSON endpoints. */
class MetricQueriesTest {

    private final FakeHttp http = new FakeHttp();
    private final MetricQueries queries = new MetricQueries(new PrometheusClient(""));
    private final ProbeTarget target =
            new ProbeTarget("shop", "1.2.0", "green", http.url() + "/", List.of("127.0.0.1"), false);

    @AfterEach
    void stop() {
        http.close();
    }

    @Test
    void aSingleSampleIsTheNumberTheConditionReads() {
        http.prometheusVector("0.012");

        Measurement measured = measure(prometheus("result < 0.5", null));

        assertThat(measured.phase()).isEqualTo(Phase.SUCCESSFUL);
        assertThat(measured.value()).isEqualTo("0.012");
        ProbeResult evidence = measured.evidence(prometheus("result < 0.5", null));
        assertThat(evidence.probe()).isEqualTo("metric:p95");
        assertThat(evidence.passed()).isTrue();
        assertThat(evidence.threshold()).isEqualTo("result < 0.5");
        assertThat(evidence.conclusive()).isTrue();
    }

    @Test
    void aScalarIsANumberToo() {
        http.answer(
                "/api/v1/query",
                200,
                "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1700000000,\"0.9\"]}}");

        Measurement measured = measure(prometheus("result < 0.5", null));

        assertThat(measured.phase()).isEqualTo(Phase.FAILED);
        assertThat(measured.describe()).isEqualTo("result = 0.9");
        assertThat(measured.evidence(prometheus("result < 0.5", null)).passed()).isFalse();
    }

    @Test
    void severalSeriesAreAListOfNumbers() {
        http.prometheusVector("0.97", "0.5");

        assertThat(measure(prometheus("result[0] >= 0.95", null)).phase()).isEqualTo(Phase.SUCCESSFUL);
        Measurement second = measure(prometheus("result[1] >= 0.95", null));
        assertThat(second.phase()).isEqualTo(Phase.FAILED);
        assertThat(second.value()).isEqualTo("[0.97, 0.5]");
    }

    @Test
    void betweenBothConditionsIsInconclusiveEvidence() {
        http.prometheusVector("0.3");

        Metric metric = prometheus("result < 0.2", "result > 0.5");
        Measurement measured = measure(metric);

        assertThat(measured.phase()).isEqualTo(Phase.INCONCLUSIVE);
        assertThat(measured.evidence(metric).inconclusive()).isTrue();
        assertThat(measured.evidence(metric).value()).isEqualTo("0.3");
    }

    @Test
    void anEmptyResultNaNAnErrorAnswerAndNoPrometheusAreErrorsSayingSo() {
        http.prometheusVector();
        assertThat(measure(prometheus("result < 0.5", null)).problem())
                .isEqualTo("query up returned no data (empty result)");

        http.prometheusVector("NaN");
        assertThat(measure(prometheus("result < 0.5", null)).problem()).isEqualTo("query up returned NaN (NaN)");

        http.answer(
                "/api/v1/query",
                400,
                "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error at char 3\"}");
        Measurement bad = measure(prometheus("result < 0.5", null));
        assertThat(bad.phase()).isEqualTo(Phase.ERROR);
        assertThat(bad.problem()).contains("bad_data: parse error at char 3");

        Metric closed = Metric.resolve(
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
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        Duration.ofSeconds(1),
                        null),
                Map.of(),
                Duration.ofSeconds(1),
                null);
        Measurement unreachable = queries.measure(closed, target).join();
        assertThat(unreachable.phase()).isEqualTo(Phase.ERROR);
        assertThat(unreachable.problem()).startsWith("Prometheus at http://127.0.0.1:9 unreachable");
        assertThat(unreachable.evidence(closed).inconclusive()).isTrue();
    }

    @Test
    void anInfiniteResultIsJudgedByTheConditionsNotAnError() {
        // histogram_quantile is +Inf when the latency is above the top bucket: the slowest, not missing data
        http.prometheusVector("+Inf");

        Measurement measured = measure(prometheus("result < 0.5", null));

        assertThat(measured.phase()).isEqualTo(Phase.FAILED);
        assertThat(measured.value()).isEqualTo("+Inf");
        assertThat(measured.problem()).isEqualTo("result +Inf against result < 0.5: failed");
        assertThat(measure(prometheus("result > 0.5", null)).phase()).isEqualTo(Phase.SUCCESSFUL);
    }

    @Test
    void noCredentialOfAPrometheusOrWebUrlReachesTheEvidence() {
        Metric closed = Metric.resolve(
                "shop",
                new MetricSpec(
                        "p95",
                        null,
                        null,
                        null,
                        "http://relops:s3cret@127.0.0.1:9/prom?token=t0ken",
                        "up",
                        null,
                        null,
                        null,
                        "result < 0.5",
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        Duration.ofSeconds(1),
                        null),
                Map.of(),
                Duration.ofSeconds(1),
                null);
        Measurement unreachable = queries.measure(closed, target).join();
        assertThat(unreachable.problem())
                .startsWith("Prometheus at http://127.0.0.1:9/… unreachable")
                .doesNotContain("s3cret")
                .doesNotContain("t0ken");

        Metric notAUrl = Metric.resolve(
                "shop",
                new MetricSpec(
                        "checkout",
                        null,
                        null,
                        null,
                        null,
                        null,
                        "http://relops:s3cret@127.0.0.1:9/stats?token=t0ken&x=a b",
                        Map.of(),
                        "$.ok",
                        "result == true",
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null),
                Map.of(),
                Duration.ofSeconds(1),
                null);
        Measurement refused = queries.measure(notAUrl, target).join();
        assertThat(refused.phase()).isEqualTo(Phase.ERROR);
        assertThat(refused.problem())
                .startsWith("url ")
                .contains("is not a URL: Illegal character")
                .doesNotContain("s3cret")
                .doesNotContain("t0ken");
    }

    @Test
    void aWebAnswerLargerThanTheLimitIsAnErrorNamingTheLimit() {
        http.answer("/stats", 200, "{\"ok\":true,\"pad\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}");

        Measurement measured = measure(web("$.ok", "result == true"));

        assertThat(measured.phase()).isEqualTo(Phase.ERROR);
        assertThat(measured.problem())
                .isEqualTo("GET " + http.url() + "/… answered with a body larger than 1 MiB, the limit of a web"
                        + " metric's answer");

        http.answer("/stats", 200, "{\"ok\":true,\"pad\":\"" + "x".repeat(512 * 1024) + "\"}");
        assertThat(measure(web("$.ok", "result == true")).phase()).isEqualTo(Phase.SUCCESSFUL);
    }

    @Test
    void aWebMetricReadsTheJsonPathWithTheHeaders() {
        http.answer("/stats", 200, "{\"checkout\":{\"ok\":true,\"ratio\":0.991,\"states\":[\"UP\",\"UP\"]}}");

        assertThat(measure(web("$.checkout.ok", "result == true")).phase()).isEqualTo(Phase.SUCCESSFUL);
        assertThat(http.header("X-Slot")).isEqualTo("green");
        assertThat(measure(web("$.checkout.ratio", "result >= 0.99")).value()).isEqualTo("0.991");
        assertThat(measure(web("$.checkout.ratio", "result >= 0.995")).phase()).isEqualTo(Phase.FAILED);
        assertThat(measure(web("$.checkout.states", "result[1] == 'UP'")).phase())
                .isEqualTo(Phase.SUCCESSFUL);
    }

    @Test
    void aWebMetricErrsOnABadStatusABodyThatIsNotJsonAndAMissingPath() {
        http.answer("/stats", 503, "{\"ok\":false}");
        assertThat(measure(web("$.ok", "result == true")).problem()).isEqualTo("GET " + http.url() + "/… answered 503");

        http.answer("/stats", 200, "<html>hello</html>");
        assertThat(measure(web("$.ok", "result == true")).problem()).contains("a body that is not JSON");

        http.answer("/stats", 200, "{\"ok\":true}");
        Measurement missing = measure(web("$.nope", "result == true"));
        assertThat(missing.phase()).isEqualTo(Phase.ERROR);
        assertThat(missing.problem()).startsWith("json-path $.nope not found");
    }

    @Test
    void aConditionThatThrowsIsAnError() {
        http.answer("/stats", 200, "{\"states\":[\"UP\"]}");

        Measurement measured = measure(web("$.states", "result[3] == 'UP'"));

        assertThat(measured.phase()).isEqualTo(Phase.ERROR);
        assertThat(measured.problem()).startsWith("condition could not be evaluated");
    }

    @Test
    void aTemplatedUrlOnAHostTheCatalogDoesNotAllowIsRefused() {
        ProbeTarget elsewhere =
                new ProbeTarget("shop", "1.2.0", "green", "http://10.9.9.9:8080", List.of("127.0.0.1"), false);

        assertThat(queries.refusal(web("$.ok", "result == true"), elsewhere))
                .contains("host '10.9.9.9' is not in relops.applications.shop.health.allowed-hosts");
        assertThat(queries.refusal(web("$.ok", "result == true"), target)).isNull();
        assertThat(queries.refusal(prometheus("result < 1", null), elsewhere))
                .as("a prometheus-url the configuration names outright is not checked")
                .isNull();
    }

    private Measurement measure(Metric metric) {
        return queries.measure(metric, target).join();
    }

    private Metric prometheus(String success, @Nullable String failure) {
        return Metric.resolve(
                "shop",
                new MetricSpec(
                        "p95",
                        null,
                        null,
                        null,
                        http.url(),
                        "up",
                        null,
                        null,
                        null,
                        success,
                        failure,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null),
                Map.of(),
                Duration.ofSeconds(1),
                null);
    }

    private static Metric web(String jsonPath, String success) {
        return Metric.resolve(
                "shop",
                new MetricSpec(
                        "checkout",
                        null,
                        null,
                        null,
                        null,
                        null,
                        "{endpoint}/stats",
                        Map.of("X-Slot", "{slot}"),
                        jsonPath,
                        success,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null),
                Map.of(),
                Duration.ofSeconds(1),
                null);
    }
}
