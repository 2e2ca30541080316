package io.relops.healthcheck.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.probe.HealthCatalog.ProbeSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HttpProbeTest {

    private static ProbeSpec spec(Set<Integer> status, String bodyContains, String jsonPath, String jsonEquals) {
        return new ProbeSpec(
                "health",
                "http",
                "GET",
                "{endpoint}/health",
                Map.of(),
                status,
                bodyContains,
                jsonPath,
                jsonEquals,
                "{host}:{port}",
                null,
                null,
                "<",
                null,
                "inconclusive",
                Duration.ofSeconds(1));
    }

    @Test
    void passesWhenStatusBodyAndJsonPathAllMatch() {
        ProbeResult result = HttpProbe.judge(
                spec(Set.of(200, 204), "UP", "$.status", "UP"), "GET x", "t", 4, 200, "{\"status\":\"UP\"}", false);
        assertThat(result.passed()).isTrue();
        assertThat(result.value()).isEqualTo("200, $.status=UP");
        assertThat(result.error()).isNull();
    }

    @Test
    void namesEveryMismatch() {
        ProbeResult result = HttpProbe.judge(
                spec(Set.of(200), "UP", "$.status", "UP"),
                "GET http://h/health",
                "t",
                4,
                503,
                "{\"status\":\"DOWN\"}",
                false);
        assertThat(result.passed()).isFalse();
        assertThat(result.error())
                .startsWith("GET http://h/health: ")
                .contains("status 503, expected [200]")
                .contains("body does not contain 'UP'")
                .contains("$.status is 'DOWN', expected 'UP'");
    }

    @Test
    void keepsABodyExcerptOnlyWhenTheCatalogAsksForIt() {
        String body = "{\"status\":\"DOWN\",\"secret\":\"s3cr3t\"}";
        ProbeResult none = HttpProbe.judge(spec(Set.of(200), "UP", null, null), "GET x", "t", 4, 200, body, false);
        assertThat(none.error()).contains("body does not contain 'UP'").doesNotContain("s3cr3t");

        ProbeResult kept = HttpProbe.judge(spec(Set.of(200), "UP", null, null), "GET x", "t", 4, 200, body, true);
        assertThat(kept.error()).contains("body does not contain 'UP': " + body);
    }

    @Test
    void allowsOnlyTheCatalogsHostPatterns() {
        ProbeTarget target = new ProbeTarget(
                "shop", "1.0.0", "blue", "http://shop-blue.apps.svc:8080", List.of("*.apps.svc", "localhost"), false);
        assertThat(target.allows("shop-blue.apps.svc")).isTrue();
        assertThat(target.allows("LOCALHOST")).isTrue();
        assertThat(target.allows("169.254.169.254")).isFalse();
        assertThat(target.allows("apps.svc.evil.example")).isFalse();
        assertThat(target.allows(null)).isFalse();
        assertThat(target.refusal("169.254.169.254"))
                .contains("'169.254.169.254'", "relops.applications.shop.health.allowed-hosts");
        assertThat(new ProbeTarget("shop", null, null, "http://localhost").allows("localhost"))
                .as("no allowed hosts configured: nothing is probed")
                .isFalse();
    }

    @Test
    void aMissingJsonPathFails() {
        ProbeResult result =
                HttpProbe.judge(spec(Set.of(200), null, "$.version", "1.0.0"), "GET x", "t", 1, 200, "{}", false);
        assertThat(result.passed()).isFalse();
        assertThat(result.error()).contains("$.version not found");
    }

    @Test
    void expandsTemplatesFromTheTarget() {
        ProbeTarget target = new ProbeTarget("shop", "1.2.0", "green", "http://10.0.0.7:9002/");
        assertThat(target.expand("{endpoint}/health?slot={slot}&v={version}&app={application}"))
                .isEqualTo("http://10.0.0.7:9002/health?slot=green&v=1.2.0&app=shop");
        assertThat(target.expand("{host}:{port}")).isEqualTo("10.0.0.7:9002");
        assertThat(new ProbeTarget("shop", null, null, "https://shop.example").expand("{host}:{port}"))
                .isEqualTo("shop.example:443");
    }
}
