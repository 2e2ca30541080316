package io.relops.healthcheck.monitor;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

@Configuration(proxyBeanMethods = false)
class MonitorConfiguration {

    @Bean
    LockProvider monitorLockProvider(DataSource dataSource, MonitorSettings settings) {
        return new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(dataSource))
                .withTableName("shedlock")
                .usingDbTime()
                .withLockedByValue(instanceId(settings))
                .build());
    }

    @Bean
    MonitorOwnership monitorOwnership(
            LockProvider monitorLockProvider, MonitorSettings settings, DataSource dataSource) {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        String replicaId = UUID.randomUUID().toString().substring(0, 13);
        return new MonitorOwnership(
                monitorLockProvider,
                settings.partitions(),
                settings.lease(),
                replicaId,
                () -> Objects.requireNonNullElse(
                        jdbc.queryForObject(
                                "select count(*) from shedlock where name like ? and lock_until > timezone('utc', now())",
                                Integer.class,
                                MonitorOwnership.REPLICA_PREFIX + "%"),
                        1));
    }

    private static String instanceId(MonitorSettings settings) {
        if (settings.instanceId() != null && !settings.instanceId().isBlank()) {
            return settings.instanceId();
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
