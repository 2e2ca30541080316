package io.relops.audit.log;

import io.relops.common.event.Channel;
import io.relops.platform.events.InboundEvents;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The consumer bindings (one per topic, so each has its own dead-letter topic) and the query API. */
@RestController
@RequestMapping("/api/audit")
class AuditApi {

    private final AuditLog log;

    AuditApi(AuditLog log) {
        this.log = log;
    }

    private static Consumer<Message<byte[]>> recorder(InboundEvents inbound, AuditLog log, Channel channel) {
        return message -> {
            Object topic = message.getHeaders().get(KafkaHeaders.RECEIVED_TOPIC);
            String recordedTopic = topic instanceof String name ? name : channel.defaultTopic();
            inbound.handle(message, event -> log.record(event, recordedTopic));
        };
    }

    @Bean
    static Consumer<Message<byte[]>> recordReleaseEvent(InboundEvents inbound, AuditLog log) {
        return recorder(inbound, log, Channel.RELEASE);
    }

    @Bean
    static Consumer<Message<byte[]>> recordHealthEvent(InboundEvents inbound, AuditLog log) {
        return recorder(inbound, log, Channel.HEALTH);
    }

    @Bean
    static Consumer<Message<byte[]>> recordBackupEvent(InboundEvents inbound, AuditLog log) {
        return recorder(inbound, log, Channel.BACKUP);
    }

    @Bean
    static Consumer<Message<byte[]>> recordAlertEvent(InboundEvents inbound, AuditLog log) {
        return recorder(inbound, log, Channel.ALERT);
    }

    /** Events in recording order, filtered; page on with {@code after} = the last {@code seq} seen. */
    @GetMapping("/events")
    List<AuditRecord> events(
            @RequestParam(required = false) @Nullable UUID releaseId,
            @RequestParam(required = false) @Nullable String application,
            @RequestParam(required = false) @Nullable String type,
            @RequestParam(defaultValue = "0") long after,
            @RequestParam(defaultValue = "100") int limit) {
        return log.search(releaseId, application, type, after, Math.min(Math.max(limit, 1), 1000));
    }
}
