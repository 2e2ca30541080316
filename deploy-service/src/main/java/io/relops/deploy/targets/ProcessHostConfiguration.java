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
        JdbcTemplate leases = new JdbcTemplate(dataSource);
        leases.setQueryTimeout(queryTimeoutSeconds(lease));
        JdbcTemplateLockProvider locks = new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(leases)
                .withTableName("shedlock")
                .usingDbTime()
                .withLockedByValue(instance)
                .build());
        return new ProcessHost(locks, jdbc, processes, lease, instance);
    }

    /**
     * A renewal's statement gives up before the next renewal is due (below a third of the lease; JDBC counts whole
     * seconds, at least one). Waiting for a pooled connection is not bounded by it: the host's watchdog stops the
     * slots when the lease runs out whatever the renewal does.
     */
    static int queryTimeoutSeconds(Duration lease) {
        return (int) Math.max(1, (lease.dividedBy(3).toMillis() - 1) / 1000);
    }
}
