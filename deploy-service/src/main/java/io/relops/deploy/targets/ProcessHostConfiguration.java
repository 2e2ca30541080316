package io.relops.deploy.targets;

import java.time.Duration;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The process target's host lease: ShedLock on deploy-service's {@code shedlock} table, the database's clock. */
@Configuration(proxyBeanMethods = false)
class ProcessHostConfiguration {

    @Bean
    ProcessHost processHost(
            DataSource dataSource,
            JdbcClient jdbc,
            ProcessTarget processes,
            @Value("${relops.deploy.process-host.lease:15s}") Duration lease) {
        String instance = ProcessHost.instanceName();
        JdbcTemplateLockProvider locks = new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(dataSource))
                .withTableName("shedlock")
                .usingDbTime()
                .withLockedByValue(instance)
                .build());
        return new ProcessHost(locks, jdbc, processes, lease, instance);
    }
}
