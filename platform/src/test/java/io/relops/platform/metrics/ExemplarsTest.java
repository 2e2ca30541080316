package io.relops.platform.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.tracer.common.SpanContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.ClassPathResource;

/**
 * The OpenMetrics that every service exports with relops-platform.yml: exemplars only where OpenMetrics 1.0 allows
 * them (a counter's {@code _total}, a histogram's buckets), never on a summary's {@code _count} or quantiles, which
 * Prometheus 2.x refuses (the whole scrape fails). WalkingSkeletonIT checks the six services with a real Prometheus.
 */
class ExemplarsTest {

    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final ApplicationContextRunner services = new ApplicationContextRunner()
            .withInitializer(context -> {
                try {
                    new YamlPropertySourceLoader()
                            .load("relops-platform", new ClassPathResource("relops-platform.yml"))
                            .forEach(context.getEnvironment().getPropertySources()::addLast);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            })
            .withPropertyValues("spring.application.name=exemplars-test")
            .withConfiguration(AutoConfigurations.of(
                    org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration.class,
                    PrometheusMetricsExportAutoConfiguration.class))
            .withBean(SpanContext.class, InASampledSpan::new);

    @Test
    void putsExemplarsOnCountersAndHistogramBucketsOnly() {
        services.run(context -> {
            String openMetrics = recordAndScrape(context.getBean(PrometheusMeterRegistry.class));

            List<String> withExemplar =
                    openMetrics.lines().filter(line -> line.contains(" # {")).toList();
            assertThat(withExemplar)
                    .anyMatch(line -> line.startsWith("relops_test_sent_total{"))
                    .anyMatch(line -> line.startsWith("relops_test_histogram_seconds_bucket{"))
                    .allMatch(line ->
                            line.split("[{ ]")[0].endsWith("_total") || line.split("[{ ]")[0].endsWith("_bucket"));
            assertThat(openMetrics).contains("relops_test_summary_seconds_count{");
        });
    }

    @Test
    void putsThemOnEveryTypeOnlyWhenAsked() {
        services.withPropertyValues("RELOPS_EXEMPLARS_ON_ALL_METRIC_TYPES=true").run(context -> {
            String openMetrics = recordAndScrape(context.getBean(PrometheusMeterRegistry.class));

            assertThat(openMetrics.lines().filter(line -> line.contains(" # {")))
                    .anyMatch(line -> line.startsWith("relops_test_summary_seconds_count{"));
        });
    }

    private static String recordAndScrape(PrometheusMeterRegistry registry) {
        Counter.builder("relops.test.sent").register(registry).increment();
        Timer.builder("relops.test.summary").register(registry).record(Duration.ofMillis(5));
        Timer.builder("relops.test.histogram")
                .publishPercentileHistogram()
                .register(registry)
                .record(Duration.ofMillis(5));
        return registry.scrape(OPENMETRICS);
    }

    /** The tracer's view when every sample is recorded inside one sampled span. */
    private static final class InASampledSpan implements SpanContext {

        @Override
        public String getCurrentTraceId() {
            return "4bf92f3577b34da6a3ce929d0e0e4736";
        }

        @Override
        public String getCurrentSpanId() {
            return "00f067aa0ba902b7";
        }

        @Override
        public boolean isCurrentSpanSampled() {
            return true;
        }

        @Override
        public void markCurrentSpanAsExemplar() {}
    }
}
