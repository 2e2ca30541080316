package io.relops.alert.lifecycle;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.relops.common.event.RelopsEvent;
import io.relops.platform.events.InboundEvents;
import io.relops.platform.events.ProcessedEvents;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The relops events alert-service reacts to: each one's alert signals are applied in one
 * transaction with its deduplication mark, so a redelivered event changes nothing twice. A record
 * that is not a valid relops event goes to the consumer group's dead-letter topic.
 */
@Service
public class AlertEvents {

    private final AlertRules rules;
    private final AlertIntake intake;
    private final ProcessedEvents processed;
    private final TransactionTemplate tx;
    private final Timer decision;

    AlertEvents(
            AlertRules rules,
            AlertIntake intake,
            ProcessedEvents processed,
            TransactionTemplate tx,
            MeterRegistry meters) {
        this.rules = rules;
        this.intake = intake;
        this.processed = processed;
        this.tx = tx;
        this.decision = Timer.builder("relops.alert.decision.latency")
                .description("from consuming an event to its alerts deduplicated, routed and grouped (committed)")
                .publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram()
                .register(meters);
    }

    @Bean
    static Consumer<Message<byte[]>> onReleaseEvent(InboundEvents inbound, AlertEvents events) {
        return message -> inbound.handle(message, events::onEvent);
    }

    @Bean
    static Consumer<Message<byte[]>> onHealthEvent(InboundEvents inbound, AlertEvents events) {
        return message -> inbound.handle(message, events::onEvent);
    }

    @Bean
    static Consumer<Message<byte[]>> onBackupEvent(InboundEvents inbound, AlertEvents events) {
        return message -> inbound.handle(message, events::onEvent);
    }

    public void onEvent(RelopsEvent<?> event) {
        List<AlertSignal> signals = rules.signals(event);
        if (signals.isEmpty()) {
            return;
        }
        decision.record(() -> tx.executeWithoutResult(status -> {
            if (processed.markProcessed(event)) {
                intake.apply(signals);
            }
        }));
    }
}
