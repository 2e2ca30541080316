package io.relops.platform.events;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.relops.platform.tracing.TraceContexts;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Registers the event plumbing in every relops service; the outbox only where a database exists. */
@AutoConfiguration(after = {DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class})
@EnableConfigurationProperties({
    EventSigningProperties.class,
    OutboxRelayProperties.class,
    ProcessedEventsProperties.class
})
public class EventsAutoConfiguration {

    @Bean
    EventPublisher relopsEventPublisher(
            StreamBridge streamBridge, MeterRegistry meterRegistry, ListableBeanFactory beanFactory) {
        return new EventPublisher(streamBridge, meterRegistry, beanFactory);
    }

    @Bean
    TraceContexts relopsTraceContexts(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        // Boot's no-op tracer and propagator stand in when tracing is switched off (management.tracing.enabled)
        return new TraceContexts(
                tracer.getIfAvailable(() -> Tracer.NOOP), propagator.getIfAvailable(() -> Propagator.NOOP));
    }

    @Bean
    static ParentWatch relopsParentWatch() {
        return new ParentWatch();
    }

    @Bean
    InboundEvents relopsInboundEvents(MeterRegistry meterRegistry) {
        return new InboundEvents(meterRegistry);
    }

    @Bean
    AuthorityCheck relopsAuthorityCheck(EventSigningProperties properties, MeterRegistry meterRegistry) {
        return new AuthorityCheck(properties, meterRegistry);
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
                MeterRegistry meterRegistry,
                TraceContexts traceContexts,
                OutboxRelayProperties properties,
                Environment environment,
                ObjectProvider<ObservationRegistry> observations) {
            return new OutboxRelay(
                    relopsJdbcClient,
                    new TransactionTemplate(transactionManager),
                    OutboxRelayProducer.of(environment, observations.getIfAvailable(() -> ObservationRegistry.NOOP)),
                    meterRegistry,
                    traceContexts,
                    properties);
        }

        @Bean
        Outbox relopsOutbox(JdbcClient relopsJdbcClient, OutboxRelay relay, TraceContexts traceContexts) {
            return new Outbox(relopsJdbcClient, relay, traceContexts);
        }

        @Bean
        ProcessedEvents relopsProcessedEvents(JdbcClient relopsJdbcClient) {
            return new ProcessedEvents(relopsJdbcClient);
        }

        /** Forgets consumed ids past their retention; off with relops.events.prune-enabled=false. */
        @Bean
        @ConditionalOnProperty(name = "relops.events.prune-enabled", matchIfMissing = true)
        ProcessedEventsPruner relopsProcessedEventsPruner(
                JdbcClient relopsJdbcClient,
                DataSource dataSource,
                ProcessedEventsProperties properties,
                MeterRegistry meterRegistry) {
            LockProvider locks = new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                    .withJdbcTemplate(new JdbcTemplate(dataSource))
                    .withTableName("platform_shedlock")
                    .usingDbTime()
                    .build());
            return new ProcessedEventsPruner(relopsJdbcClient, locks, properties, meterRegistry);
        }
    }
}
