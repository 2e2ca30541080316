package io.relops.audit.log;

import java.time.Duration;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

/** ShedLock for the log's scheduled work, and the anchor topic. */
@Configuration(proxyBeanMethods = false)
class AuditIntegrityConfiguration {

    /** A margin on top of the longest retention period: the anchor of a checkpoint outlives its records. */
    static final Duration ANCHOR_MARGIN = Duration.ofDays(30);

    @Bean
    LockProvider auditLockProvider(DataSource dataSource) {
        return new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(dataSource))
                .usingDbTime()
                .build());
    }

    /** Creates the anchor topic at start-up (and brings its configuration up to date). */
    @Bean
    KafkaAdmin auditKafkaAdmin(Environment environment) {
        KafkaAdmin admin = new KafkaAdmin(AnchorKafkaSettings.of(environment).common());
        admin.setModifyTopicConfigs(true);
        admin.setFatalIfBrokerNotAvailable(false);
        return admin;
    }

    /**
     * {@code relops.audit.checkpoints}: one partition (verification reads its head), deletion only after the log's
     * longest retention period and a margin, never compaction.
     */
    @Bean
    NewTopic auditCheckpointTopic(AuditProperties properties) {
        long retentionMs = properties.retention().longest().plus(ANCHOR_MARGIN).toMillis();
        return TopicBuilder.name(properties.anchor().topic())
                .partitions(1)
                .config(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE)
                .config(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs))
                .build();
    }
}
