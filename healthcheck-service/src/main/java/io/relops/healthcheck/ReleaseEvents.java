package io.relops.healthcheck;

import io.relops.common.event.DeploymentReady;
import io.relops.common.event.ReleaseCompleted;
import io.relops.common.event.RelopsEvent;
import io.relops.common.event.RollbackCompleted;
import io.relops.common.event.TrafficShifted;
import io.relops.healthcheck.monitor.LiveSlots;
import io.relops.healthcheck.monitor.Monitors;
import io.relops.healthcheck.verification.Verifier;
import io.relops.platform.events.InboundEvents;
import io.relops.platform.events.ProcessedEvents;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The consumer of the release topic: each event is marked consumed, starts its verification
 * ({@code deployment.ready}, {@code traffic.shifted}) and updates the live slots in one
 * transaction; the monitors re-read the live slots after it commits.
 */
@Configuration(proxyBeanMethods = false)
class ReleaseEvents {

    @Bean
    static Consumer<Message<byte[]>> onReleaseEvent(
            InboundEvents inbound,
            ProcessedEvents processed,
            Verifier verifier,
            LiveSlots liveSlots,
            Monitors monitors,
            TransactionTemplate tx) {
        return message -> inbound.handle(message, event -> {
            if (!relevant(event)) {
                return;
            }
            tx.executeWithoutResult(status -> {
                if (!processed.markProcessed(event)) {
                    return;
                }
                verifier.onReleaseEvent(event);
                liveSlots.onReleaseEvent(event);
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        monitors.refreshSoon();
                    }
                });
            });
        });
    }

    private static boolean relevant(RelopsEvent<?> event) {
        return event.data() instanceof DeploymentReady
                || event.data() instanceof TrafficShifted
                || event.data() instanceof ReleaseCompleted
                || event.data() instanceof RollbackCompleted;
    }
}
