package io.relops.deploy.release;

import io.relops.platform.events.InboundEvents;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** The consumer bindings of deploy-service ({@code onReleaseEvent-in-0}, {@code onHealthEvent-in-0}). */
@Configuration(proxyBeanMethods = false)
class ReleaseEvents {

    @Bean
    Consumer<Message<byte[]>> onReleaseEvent(InboundEvents inbound, ReleaseOrchestrator orchestrator) {
        return message -> inbound.handle(message, orchestrator::onReleaseEvent);
    }

    @Bean
    Consumer<Message<byte[]>> onHealthEvent(InboundEvents inbound, ReleaseOrchestrator orchestrator) {
        return message -> inbound.handle(message, orchestrator::onHealthEvent);
    }
}
