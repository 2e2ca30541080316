package io.relops.platform.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class PrometheusNamingTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    {
        registry.config().meterFilter(new PrometheusNaming());
    }

    @Test
    void dropsMetersOfTimeInMillisecondsOrNanosecondsAndKeepsTheOthers() {
        FunctionCounter.builder("kafka.consumer.io.time.ns.total", this, x -> 1.0)
                .register(registry);
        FunctionCounter.builder("jvm.compilation.time", this, x -> 1.0)
                .baseUnit("ms")
                .register(registry);
        Gauge.builder("kafka.app.info.start.time.ms", () -> 1.0).register(registry);
        Gauge.builder("process.cpu.usage", () -> 0.5).register(registry);
        Gauge.builder("relops.items", () -> 3.0).register(registry);

        assertThat(registry.scrape())
                .doesNotContain("kafka_consumer_io_time")
                .doesNotContain("jvm_compilation_time")
                .doesNotContain("kafka_app_info_start_time")
                .contains("process_cpu_usage 0.5")
                .contains("relops_items 3.0");
    }

    @Test
    void renamesAGaugeEndingInCount() {
        Gauge.builder("kafka.consumer.connection.count", () -> 2.0).register(registry);

        assertThat(registry.scrape())
                .contains("kafka_consumer_connection_current 2.0")
                .doesNotContain("_count ");
    }

    @Test
    void givesEveryMeterAHelpTextAndKeepsTheOnesGiven() {
        registry.counter("relops.release.outcomes", "outcome", "completed").increment();
        Counter.builder("relops.own").description("what the code says").register((MeterRegistry) registry);
        registry.counter("some.library.thing").increment();

        assertThat(registry.scrape())
                .contains("# HELP relops_release_outcomes_total releases by outcome")
                .contains("# HELP relops_own_total what the code says")
                .contains("# HELP some_library_thing_total some library thing");
    }
}
