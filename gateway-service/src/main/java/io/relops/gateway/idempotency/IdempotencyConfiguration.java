package io.relops.gateway.idempotency;

import io.micrometer.core.instrument.MeterRegistry;
import io.relops.platform.web.Problems;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.PlatformTransactionManager;

/** The idempotency filter (after authentication and the size limit) and the expiry sweep. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableSchedulerLock(defaultLockAtMostFor = "PT10M")
class IdempotencyConfiguration {

    /** After Spring Security (-100), the rate limit (10) and the size limit (20). */
    static final int ORDER = 30;

    private static final Logger log = LoggerFactory.getLogger(IdempotencyConfiguration.class);

    @Bean
    IdempotencyStore idempotencyStore(DataSource dataSource, IdempotencySettings settings) {
        return new IdempotencyStore(JdbcClient.create(dataSource), settings);
    }

    @Bean
    FilterRegistrationBean<IdempotentPosts> idempotentPosts(
            IdempotencyStore store,
            Problems problems,
            MeterRegistry meterRegistry,
            PlatformTransactionManager transactions) {
        FilterRegistrationBean<IdempotentPosts> registration =
                new FilterRegistrationBean<>(new IdempotentPosts(store, problems, meterRegistry, transactions));
        registration.setOrder(ORDER);
        registration.addUrlPatterns("/api/*");
        return registration;
    }

    @Bean
    LockProvider gatewayLockProvider(DataSource dataSource) {
        return new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(dataSource))
                .usingDbTime()
                .build());
    }

    @Bean
    IdempotencySweep idempotencySweep(IdempotencyStore store) {
        return new IdempotencySweep(store);
    }

    /** Deletes expired keys, once across replicas. */
    static class IdempotencySweep {

        private final IdempotencyStore store;

        IdempotencySweep(IdempotencyStore store) {
            this.store = store;
        }

        @Scheduled(
                fixedDelayString = "${relops.gateway.idempotency.sweep-interval}",
                initialDelayString = "${relops.gateway.idempotency.sweep-interval}")
        @SchedulerLock(name = "gateway-idempotency-sweep")
        public void sweep() {
            int deleted = store.deleteExpired();
            if (deleted > 0) {
                log.info("deleted {} expired idempotency keys", deleted);
            }
        }
    }
}
