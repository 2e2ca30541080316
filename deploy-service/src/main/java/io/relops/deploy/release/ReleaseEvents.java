package io.relops.deploy.release;

import io.relops.platform.events.InboundEvents;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * The consumer bindings of deploy-service: {@code onReleaseEvent-in-0} (requests, approvals and
 * operator actions, the latter with the gateway's signature), {@code onHealthEvent-in-0} (verdicts), {@code onBackupEvent-in-0} (the
 * pre-deploy backup gate).
 */
@Configuration(proxyBeanMethods = false)
class ReleaseEvents {

    @Bean
    Consumer<Message<byte[]>> onReleaseEvent(InboundEvents inbound, ReleaseEngine engine) {
        return message -> inbound.handleSigned(message, engine::onReleaseEvent);
    }

    @Bean
    Consumer<Message<byte[]>> onHealthEvent(InboundEvents inbound, ReleaseEngine engine) {
        return message -> inbound.handle(message, engine::onHealthEvent);
    }

    @Bean
    Consumer<Message<byte[]>> onBackupEvent(InboundEvents inbound, ReleaseEngine engine) {
        return message -> inbound.handle(message, engine::onBackupEvent);
    }
}
