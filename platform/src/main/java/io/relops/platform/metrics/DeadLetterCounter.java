package io.relops.platform.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.stream.binder.kafka.utils.DlqPartitionFunction;

/**
 * Counts every record the Kafka binder sends to a dead-letter topic ({@code relops.events.dead.lettered} with
 * the consumer {@code group} and the original {@code topic}), whatever the reason: poison input or retries
 * exhausted. The binder asks this function for the dead letter's partition; it answers as the binder's own
 * default does when {@code dlq-partitions} is unset: the original record's partition.
 */
final class DeadLetterCounter implements DlqPartitionFunction {

    static final String METER = "relops.events.dead.lettered";

    private final MeterRegistry meters;

    DeadLetterCounter(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public Integer apply(@Nullable String group, ConsumerRecord<?, ?> record, @Nullable Throwable throwable) {
        Counter.builder(METER)
                .description("records sent to a consumer group's dead-letter topic (poison or retries exhausted)")
                .tag("group", group == null ? "" : group)
                .tag("topic", record.topic())
                .register(meters)
                .increment();
        return DlqPartitionFunction.ORIGINAL_PARTITION.apply(group, record, throwable);
    }
}
