package io.relops.platform.events;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Registers the event plumbing in every relops service; the outbox only where a database exists. */
@AutoConfiguration(after = {DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class})
public class EventsAutoConfiguration {

    @Bean
    EventPublisher relopsEventPublisher(StreamBridge streamBridge, MeterRegistry meterRegistry) {
        return new EventPublisher(streamBridge, meterRegistry);
    }

    @Bean
    static ParentWatch relopsParentWatch() {
        return new ParentWatch();
    }

    @Bean
    InboundEvents relopsInboundEvents(MeterRegistry meterRegistry) {
        return new InboundEvents(meterRegistry);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(JdbcClient.class)
    @ConditionalOnBean(DataSource.class)
    static class OutboxConfiguration {

        @Bean
        JdbcClient relopsJdbcClient(DataSource dataSource) {
            return JdbcClient.create(dataSource);
        }

        @Bean
        OutboxRelay relopsOutboxRelay(
                JdbcClient relopsJdbcClient,
                PlatformTransactionManager transactionManager,
                EventPublisher publisher,
                MeterRegistry meterRegistry,
                @Value("${relops.outbox.sweep-interval:1s}") Duration sweepInterval) {
            return new OutboxRelay(
                    relopsJdbcClient,
                    new TransactionTemplate(transactionManager),
                    publisher,
                    meterRegistry,
                    sweepInterval);
        }

        @Bean
        Outbox relopsOutbox(JdbcClient relopsJdbcClient, OutboxRelay relay) {
            return new Outbox(relopsJdbcClient, relay);
        }

        @Bean
        ProcessedEvents relopsProcessedEvents(JdbcClient relopsJdbcClient) {
            return new ProcessedEvents(relopsJdbcClient);
        }
    }
}
