package io.relops.healthcheck.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.probe.HealthCatalog.ProbeSpec;
import io.relops.testkit.RealPrometheus;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus probe against a real Prometheus server ({@link RealPrometheus}) scraping a local service's {@code
 * /metrics} every second: it probes with instant queries that pass, fail, return nothing, or are refused.
 */
class PrometheusProbeIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static HttpServer exporter;
    private static RealPrometheus prometheus;
    private static ProbeRunner runner;

    @BeforeAll
    static void start() throws Exception {
        exporter = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        exporter.createContext("/metrics", exchange -> {
            byte[] body = """
                    # HELP relops_demo_error_ratio Share of requests that failed.
                    # TYPE relops_demo_error_ratio gauge
                    relops_demo_error_ratio{application="shop"} 0.02
                    relops_demo_error_ratio{application="broken"} 0.2
                    """.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        exporter.start();
        prometheus = RealPrometheus.start(
                List.of("127.0.0.1:" + exporter.getAddress().getPort()));
        prometheus.awaitAnswer("count(relops_demo_error_ratio)", "\"2\"");
        runner = new ProbeRunner(
                List.of(new PrometheusProbe(new PrometheusClient(prometheus.url()))), new SimpleMeterRegistry(), 8);
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (exporter != null) {
            exporter.stop(0);
        }
        if (runner != null) {
            runner.destroy();
        }
    }

    private static ProbeResult probe(String query, String comparison, double threshold, String application)
            throws Exception {
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
                null,
                query,
                comparison,
                threshold,
                "inconclusive",
                Duration.ofSeconds(2));
        return runner.run(
                        spec,
                        new ProbeTarget(
                                application, "1.0.0", "blue", "http://127.0.0.1:1", List.of("127.0.0.1"), false))
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void passesWhenTheQueriedValueHoldsTheThreshold() throws Exception {
        ProbeResult result = probe("relops_demo_error_ratio{application=\"{application}\"}", "<", 0.05, "shop");
        assertThat(result.passed()).isTrue();
        assertThat(result.conclusive()).isTrue();
        assertThat(result.value()).isEqualTo("0.02");
        assertThat(result.threshold()).isEqualTo("< 0.05");
        assertThat(result.error()).isNull();
    }

    @Test
    void failsWhenItDoesNot() throws Exception {
        ProbeResult result = probe("relops_demo_error_ratio{application=\"{application}\"}", "<", 0.05, "broken");
        assertThat(result.passed()).isFalse();
        assertThat(result.conclusive()).isTrue();
        assertThat(result.value()).isEqualTo("0.2");
        assertThat(result.error()).contains("= 0.2, expected < 0.05");
    }

    @Test
    void judgesAScalarResult() throws Exception {
        ProbeResult result = probe("scalar(relops_demo_error_ratio{application=\"shop\"}) * 100", ">=", 2, "shop");
        assertThat(result.passed()).isTrue();
        assertThat(result.value()).isEqualTo("2");
    }

    @Test
    void anEmptyVectorIsInconclusive() throws Exception {
        ProbeResult result = probe("relops_demo_error_ratio{application=\"{application}\"}", "<", 0.05, "nobody");
        assertThat(result.passed()).isFalse();
        assertThat(result.inconclusive()).isTrue();
        assertThat(result.error()).contains("returned no data (empty vector)");
    }

    @Test
    void aRefusedQueryIsInconclusiveWithPrometheusError() throws Exception {
        ProbeResult result = probe("sum(relops_demo_error_ratio", "<", 0.05, "shop");
        assertThat(result.passed()).isFalse();
        assertThat(result.inconclusive()).isTrue();
        assertThat(result.error()).contains("Prometheus answered 400 bad_data").contains("parse error");
    }
}
