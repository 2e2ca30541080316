package io.relops.healthcheck.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.healthcheck.probe.PrometheusClient.Answer;
import io.relops.healthcheck.probe.PrometheusClient.Sample;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Reading Prometheus' answers, and what a problem says of the Prometheus it could not reach. */
class PrometheusClientTest {

    @Test
    void readsInfinitiesAsPrometheusWritesThemAndNaNAsNaN() {
        String body = """
                {"status":"success","data":{"resultType":"vector","result":[
                  {"metric":{"i":"a"},"value":[1700000000,"+Inf"]},
                  {"metric":{"i":"b"},"value":[1700000000,"-Inf"]},
                  {"metric":{"i":"c"},"value":[1700000000,"Inf"]},
                  {"metric":{"i":"d"},"value":[1700000000,"NaN"]},
                  {"metric":{"i":"e"},"value":[1700000000,"0.25"]}]}}
                """;

        Answer answer = PrometheusClient.parse("q", 200, body, 1);

        assertThat(answer.series())
                .extracting(series -> series.samples().get(0))
                .extracting(Sample::value)
                .containsExactly(
                        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN, 0.25);
        assertThat(answer.series().get(0).samples().get(0).text()).isEqualTo("+Inf");
    }

    @Test
    void anUnreachablePrometheusIsNamedByItsSchemeAndHostOnly() throws Exception {
        Answer answer = new PrometheusClient("")
                .instant("http://relops:s3cret@127.0.0.1:9/prom?token=t0ken", "up", Duration.ofSeconds(2))
                .get(10, TimeUnit.SECONDS);

        assertThat(answer.ok()).isFalse();
        assertThat(answer.problem())
                .startsWith("Prometheus at http://127.0.0.1:9/… unreachable: ")
                .doesNotContain("s3cret")
                .doesNotContain("t0ken");
    }
}
