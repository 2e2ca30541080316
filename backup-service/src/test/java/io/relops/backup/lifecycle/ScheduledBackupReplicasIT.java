package io.relops.backup.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relops.backup.BackupServiceApplication;
import io.relops.common.event.BackupCompleted;
import io.relops.common.event.BackupRequested;
import io.relops.testkit.EventStream;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Two replicas of backup-service on one database, with a schedule every two seconds: each slot is backed up once. */
class ScheduledBackupReplicasIT {

    @Test
    void twoReplicasTakeEachScheduledBackupOnce() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String database = Postgres.freshDatabase("backup_replicas");
        Path data = Files.createTempDirectory("relops-replicas-");
        Files.writeString(data.resolve("state.txt"), "replicated state");
        Map<String, Object> properties = new HashMap<>();
        properties.put("relops.database.url", database);
        properties.put("relops.database.username", Postgres.server().username());
        properties.put("relops.database.password", Postgres.server().password());
        properties.put("relops.kafka.bootstrap-servers", Kafka.bootstrapServers());
        properties.put("relops.topics.release", "relops.release.replicas-" + run);
        properties.put("relops.topics.backup", "relops.backup.replicas-" + run);
        properties.put("relops.topics.health", "relops.health.replicas-" + run);
        properties.put("relops.topics.alert", "relops.alert.replicas-" + run);
        properties.put("server.port", "0");
        properties.put("relops.backup.poll-interval", "500ms");
        properties.put(
                "relops.backup.storage.local.directory",
                Files.createTempDirectory("relops-replicas-store-").toString());
        properties.put("relops.applications.ledger.backup.driver", "filesystem");
        properties.put("relops.applications.ledger.backup.filesystem.path", data.toString());
        properties.put("relops.applications.ledger.backup.schedule", "*/2 * * * * *");
        properties.put("relops.applications.ledger.backup.verify.after-backup", "false");
        properties.put("relops.applications.ledger.backup.retention.last", "2");
        properties.put("relops.applications.ledger.backup.retention.daily", "1");

        try (EventStream events = EventStream.watching("relops.backup.replicas-" + run);
                ConfigurableApplicationContext first = replica(properties);
                ConfigurableApplicationContext second = replica(properties)) {
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> events.data(BackupCompleted.class).size() >= 4);
            first.close();
            second.close();

            List<BackupRequested> requested = events.data(BackupRequested.class);
            assertThat(requested).allMatch(r -> r.trigger().equals("schedule"));
            assertThat(requested.stream()
                            .map(BackupRequested::backupId)
                            .distinct()
                            .count())
                    .isEqualTo(requested.size());
            Map<UUID, Long> completions = events.data(BackupCompleted.class).stream()
                    .collect(Collectors.groupingBy(BackupCompleted::backupId, Collectors.counting()));
            assertThat(completions.values()).allMatch(n -> n == 1);
            assertThat(completions.keySet())
                    .isSubsetOf(
                            requested.stream().map(BackupRequested::backupId).collect(Collectors.toSet()));

            try (Connection c = DriverManager.getConnection(
                            database,
                            Postgres.server().username(),
                            Postgres.server().password());
                    Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("select count(*), count(distinct date_trunc('second', requested_at))"
                        + " from backup.backup where trigger = 'schedule'")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(requested.size());
                }
                try (ResultSet rs =
                        s.executeQuery("select count(*) from backup.shedlock where name = 'backup-schedule-ledger'")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(1);
                }
            }
        }
    }

    private static ConfigurableApplicationContext replica(Map<String, Object> properties) {
        // as command-line arguments: they must win over relops-platform.yml, which default properties do not
        return new SpringApplicationBuilder(BackupServiceApplication.class)
                .run(properties.entrySet().stream()
                        .map(e -> "--" + e.getKey() + "=" + e.getValue())
                        .toArray(String[]::new));
    }
}
