package io.relops.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

class ProcessedEventsPropertiesTest {

    private final ApplicationContextRunner context =
            new ApplicationContextRunner().withUserConfiguration(Binding.class);

    @Test
    void keepsConsumedIdsTwiceKafkasDefaultRetentionByDefault() {
        context.run(started -> {
            ProcessedEventsProperties properties = started.getBean(ProcessedEventsProperties.class);
            assertThat(properties.processedRetention()).isEqualTo(Duration.ofDays(14));
            assertThat(properties.topicRetention()).isEqualTo(Duration.ofDays(7));
            assertThat(properties.pruneBatch()).isEqualTo(5000);
        });
    }

    @Test
    void refusesARetentionThatKafkaCouldStillRedeliverPast() {
        context.withPropertyValues("relops.events.processed-retention=7d")
                .run(started -> assertThat(started)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("relops.events.processed-retention")
                        .hasMessageContaining("relops.events.topic-retention"));
    }

    @Test
    void theMinimumFollowsTheTopicsRetention() {
        assertThatThrownBy(() -> new ProcessedEventsProperties(
                        Duration.ofDays(20), Duration.ofDays(30), Duration.ofHours(1), 100))
                .hasMessageContaining("must be at least relops.events.topic-retention (PT720H) + PT24H");
        assertThat(new ProcessedEventsProperties(Duration.ofDays(31), Duration.ofDays(30), Duration.ofHours(1), 100)
                        .processedRetention())
                .isEqualTo(Duration.ofDays(31));
    }

    @Test
    void refusesAnEmptyBatch() {
        assertThatThrownBy(() ->
                        new ProcessedEventsProperties(Duration.ofDays(14), Duration.ofDays(7), Duration.ofHours(1), 0))
                .hasMessageContaining("relops.events.prune-batch");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ProcessedEventsProperties.class)
    static class Binding {}
}
