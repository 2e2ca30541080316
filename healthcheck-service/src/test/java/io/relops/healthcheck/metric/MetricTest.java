package io.relops.healthcheck.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relops.healthcheck.metric.Conditions.Phase;
import io.relops.healthcheck.probe.ProbeTarget;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

class MetricTest {

    private static final Map<String, MetricSpec> SHIPPED = shippedTemplates();
    private static final ProbeTarget TARGET = new ProbeTarget("shop", "1.2.0", "green", "http://10.0.0.7:8080/");

    @Test
    void theShippedP95TemplateTakesTheThresholdAndDefaultsTheSelectorAndWindow() {
        Metric metric = resolve(spec("p95", "p95-latency-below", Map.of("threshold", "0.5")));

        assertThat(metric.provider()).isEqualTo(Metric.Provider.PROMETHEUS);
        assertThat(TARGET.expand(metric.query()))
                .isEqualTo("histogram_quantile(0.95, sum by (le) (rate(http_server_requests_seconds_bucket{"
                        + " instance=\"10.0.0.7:8080\" }[1m])))");
        assertThat(metric.conditions().summary()).isEqualTo("result < 0.5");
        assertThat(metric.conditions().evaluate(0.3)).isEqualTo(Phase.SUCCESSFUL);
        assertThat(metric.conditions().evaluate(0.7)).isEqualTo(Phase.FAILED);
        assertThat(metric.count()).isEqualTo(1);
        assertThat(metric.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(metric.consecutiveErrorLimit()).isEqualTo(4);
        assertThat(metric.at()).isEqualTo(Set.of("ready", "steps"));
    }

    @Test
    void theShippedErrorRateTemplateTakesItsArgsOverTheDefaults() {
        Metric metric = resolve(spec(
                "errors",
                "error-rate-below",
                Map.of("threshold", "0.001", "selector", "app=\"{application}\",slot=\"{slot}\"", "window", "30s")));

        assertThat(TARGET.expand(metric.query()))
                .isEqualTo("(sum(rate(http_server_requests_seconds_count{ app=\"shop\",slot=\"green\",status=~\"5..\"}"
                        + "[30s])) or vector(0)) / sum(rate(http_server_requests_seconds_count{ app=\"shop\","
                        + "slot=\"green\" }[30s]))");
        assertThat(metric.conditions().summary()).isEqualTo("result < 0.001");
    }

    @Test
    void aMetricKeepsWhatItSetsOverTheTemplate() {
        MetricSpec own = new MetricSpec(
                "p95",
                "p95-latency-below",
                Map.of("threshold", "0.5"),
                null,
                null,
                null,
                null,
                null,
                null,
                "result < 0.2",
                null,
                3,
                Duration.ofMillis(300),
                null,
                1,
                null,
                null,
                null,
                Set.of("steps"));

        Metric metric = resolve(own);

        assertThat(metric.conditions().summary()).isEqualTo("result < 0.2");
        assertThat(metric.count()).isEqualTo(3);
        assertThat(metric.interval()).isEqualTo(Duration.ofMillis(300));
        assertThat(metric.failureLimit()).isEqualTo(1);
        assertThat(metric.at()).containsExactly("steps");
    }

    @Test
    void aMissingArgIsAConfigurationErrorNamingTheTemplateAndTheArg() {
        assertThatThrownBy(() -> resolve(spec("p95", "p95-latency-below", Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("relops.applications.shop.health.metrics[p95].args.threshold is missing")
                .hasMessageContaining("template 'p95-latency-below' uses {{args.threshold}}");
    }

    @Test
    void anUnknownTemplateIsAnErrorListingTheKnownOnes() {
        assertThatThrownBy(() -> resolve(spec("p95", "p99-latency", Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("relops.applications.shop.health.metrics[p95].template 'p99-latency' is not a metric"
                        + " template; known (relops.health.metric-templates): [error-rate-below,"
                        + " p95-latency-below]");
    }

    @Test
    void aConditionOfATemplateThatDoesNotParseNamesTheMetricsSetting() {
        assertThatThrownBy(() -> resolve(spec("p95", "p95-latency-below", Map.of("threshold", "0.5 <"))))
                .hasMessageContaining(
                        "relops.applications.shop.health.metrics[p95].success-condition 'result < 0.5 <'");
    }

    @Test
    void choosesTheProviderFromTheKeysAndChecksWhatEachNeeds() {
        MetricSpec web = new MetricSpec(
                "ok",
                null,
                null,
                null,
                null,
                null,
                "{endpoint}/stats",
                null,
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
                null);
        assertThat(resolve(web).provider()).isEqualTo(Metric.Provider.WEB);

        MetricSpec neither = new MetricSpec(
                "none", null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null);
        assertThatThrownBy(() -> resolve(neither))
                .hasMessage("relops.applications.shop.health.metrics[none]: a metric needs a query (provider"
                        + " prometheus) or a url (provider web)");

        MetricSpec noPrometheus = new MetricSpec(
                "q", null, null, null, null, "up", null, null, null, null, null, null, null, null, null, null, null,
                null, null);
        assertThatThrownBy(() -> Metric.resolve("shop", noPrometheus, SHIPPED, Duration.ofSeconds(1), null))
                .hasMessageContaining("relops.applications.shop.health.metrics[q].prometheus-url");

        MetricSpec negative = new MetricSpec(
                "q", null, null, null, null, "up", null, null, null, null, null, null, null, null, -1, null, null, null,
                null);
        assertThatThrownBy(() -> resolve(negative))
                .hasMessage("relops.applications.shop.health.metrics[q].failure-limit is -1; it is at least 0");

        MetricSpec nowhere = new MetricSpec(
                "q",
                null,
                null,
                null,
                null,
                "up",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                Set.of("monitor"));
        assertThatThrownBy(() -> resolve(nowhere)).hasMessageContaining("metrics[q].at is [monitor]");
    }

    private static Metric resolve(MetricSpec spec) {
        return Metric.resolve("shop", spec, SHIPPED, Duration.ofSeconds(10), "http://prometheus:9090");
    }

    private static MetricSpec spec(String name, String template, Map<String, String> args) {
        return new MetricSpec(
                name, template, args, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null);
    }

    /** The templates healthcheck-service's application.yml ships, bound as the service binds them. */
    private static Map<String, MetricSpec> shippedTemplates() {
        StandardEnvironment environment = new StandardEnvironment();
        try {
            new YamlPropertySourceLoader()
                    .load("application.yml", new ClassPathResource("application.yml"))
                    .forEach(source -> environment.getPropertySources().addLast(source));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new MetricTemplates(environment).all();
    }
}
