package io.relops.platform.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.cloud.stream.binder.kafka.utils.DlqPartitionFunction;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Metric conventions of every relops service (Boot applies MeterFilter beans to each registry). */
@AutoConfiguration
public class MetricsAutoConfiguration {

    @Bean
    static MeterFilter relopsPrometheusNaming() {
        return new PrometheusNaming();
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(DlqPartitionFunction.class)
    static class DeadLetters {

        @Bean
        DlqPartitionFunction relopsDeadLetterCounter(MeterRegistry meters) {
            return new DeadLetterCounter(meters);
        }
    }
}
