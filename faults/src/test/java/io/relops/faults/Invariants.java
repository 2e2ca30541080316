package io.relops.faults;

import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.EventJson;
import io.relops.common.event.RelopsEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import tools.jackson.databind.JsonNode;

/**
 * What the suite measures after a fault, each figure taken where the effect lands: the target's
 * calls, the notifications received, the backup rows and artifacts, the audit log against the
 * topics, the dead-letter topics and the consumer groups' committed offsets.
 */
final class Invariants {

    /** Every consumer group and the topics it consumes (the services' application.yml). */
    static final Map<String, List<String>> GROUPS = groups();

    static final List<String> TOPICS = List.of("relops.release", "relops.health", "relops.backup", "relops.alert");

    private static Map<String, List<String>> groups() {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        groups.put("deploy-service", List.of("relops.release", "relops.health", "relops.backup"));
        groups.put("healthcheck-service", List.of("relops.release"));
        groups.put("backup-service", List.of("relops.release", "relops.backup"));
        groups.put("alert-service", List.of("relops.release", "relops.health", "relops.backup"));
        groups.put("audit-service", List.of("relops.release", "relops.health", "relops.backup", "relops.alert"));
        return groups;
    }

    private final String bootstrap;
    private final String jdbcUrl;
    private final Path backupDirectory;
    private final URI audit;
    private final String auditorToken;
    private final HttpClient http = HttpClient.newHttpClient();

    Invariants(String bootstrap, String jdbcUrl, Path backupDirectory, URI audit, String auditorToken) {
        this.bootstrap = bootstrap;
        this.jdbcUrl = jdbcUrl;
        this.backupDirectory = backupDirectory;
        this.audit = audit;
        this.auditorToken = auditorToken;
    }

    /** Partitions whose group has not committed up to the end: group → partition → records behind. */
    Map<String, Map<String, Long>> lag() throws Exception {
        Map<String, Map<String, Long>> lag = new TreeMap<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Set<String> existing = admin.listTopics().names().get();
            List<TopicPartition> partitions = new ArrayList<>();
            for (var description : admin.describeTopics(
                            TOPICS.stream().filter(existing::contains).toList())
                    .allTopicNames()
                    .get()
                    .values()) {
                description
                        .partitions()
                        .forEach(p -> partitions.add(new TopicPartition(description.name(), p.partition())));
            }
            Map<TopicPartition, Long> end = new HashMap<>();
            admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                    .all()
                    .get()
                    .forEach((p, info) -> end.put(p, info.offset()));
            for (var group : GROUPS.entrySet()) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.getKey())
                        .partitionsToOffsetAndMetadata()
                        .get();
                for (TopicPartition partition : partitions) {
                    if (!group.getValue().contains(partition.topic())) {
                        continue;
                    }
                    OffsetAndMetadata offset = committed.get(partition);
                    long behind = end.get(partition) - (offset == null ? 0 : offset.offset());
                    if (behind > 0) {
                        lag.computeIfAbsent(group.getKey(), g -> new TreeMap<>())
                                .put(partition.toString(), behind);
                    }
                }
            }
        }
        return lag;
    }

    /** The ids of the valid relops events on every topic (poison records are not events). */
    Set<String> publishedEventIds() {
        Set<String> ids = new HashSet<>();
        for (String topic : TOPICS) {
            for (ConsumerRecord<byte[], byte[]> record : readAll(topic)) {
                Map<String, byte[]> headers = new HashMap<>();
                for (Header header : record.headers()) {
                    headers.put(header.key(), header.value());
                }
                try {
                    RelopsEvent<?> event = CloudEventCodec.decode(headers, record.value());
                    ids.add(event.id());
                } catch (RuntimeException poison) {
                    // not an event: it belongs in the dead-letter topics, not in the audit log
                }
            }
        }
        return ids;
    }

    /** The CloudEvents ids in the audit log, with how often each occurs (the table has them unique; a count says so). */
    Map<String, Integer> auditedEventIds() throws SQLException {
        Map<String, Integer> ids = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
                ResultSet rows = connection.createStatement().executeQuery("select event_id from audit.audit_record")) {
            while (rows.next()) {
                ids.merge(rows.getString(1), 1, Integer::sum);
            }
        }
        return ids;
    }

    /** GET /api/audit/verify as an auditor. */
    JsonNode verifyAudit() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(audit.resolve("/api/audit/verify"))
                        .timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + auditorToken)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /api/audit/verify answered " + response.statusCode() + ": " + response.body());
        }
        return EventJson.mapper().readTree(response.body());
    }

    /**
     * A webhook deploy call in flight whose request deploy-service recorded as sent: its release and the lease owner
     * of the call ({@code <pid>@<host>/<id>}, the instance that sent it).
     */
    Optional<String[]> sentDeployInFlight() throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
                ResultSet rows = connection.createStatement().executeQuery("""
                        select t.release_id, t.lease_owner from deploy.release_task t
                        join deploy.webhook_deploy w on w.release_id = t.release_id and w.slot = t.slot
                        where t.kind = 'DEPLOY' and t.lease_owner is not null and w.state = 'sent'
                        order by t.id limit 1
                        """)) {
            return rows.next() ? Optional.of(new String[] {rows.getString(1), rows.getString(2)}) : Optional.empty();
        }
    }

    /** Backups per release, from backup-service's table. */
    Map<String, Integer> backupsPerRelease() throws SQLException {
        Map<String, Integer> backups = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
                ResultSet rows = connection
                        .createStatement()
                        .executeQuery("select release_id from backup.backup where release_id is not null")) {
            while (rows.next()) {
                backups.merge(rows.getString(1), 1, Integer::sum);
            }
        }
        return backups;
    }

    /** alert-service's notifications to {@code receiver}, counted by delivery status (its outbox table). */
    Map<String, Integer> notificationsByStatus(String receiver) throws SQLException {
        Map<String, Integer> statuses = new TreeMap<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
                var query = connection.prepareStatement(
                        "select status, count(*) from alert.notification where receiver = ? group by status")) {
            query.setString(1, receiver);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    statuses.put(rows.getString(1), rows.getInt(2));
                }
            }
        }
        return statuses;
    }

    /** Completed backups (their ids) in backup-service's table. */
    Set<String> completedBackups() throws SQLException {
        Set<String> ids = new HashSet<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
                ResultSet rows = connection
                        .createStatement()
                        .executeQuery("select id from backup.backup where status = 'COMPLETED'")) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }

    /** Artifacts in the storage directory, by backup id (the file name's stem): more than one is a backup stored twice. */
    Map<String, Integer> artifactsPerBackup() throws IOException {
        Map<String, Integer> artifacts = new HashMap<>();
        if (!Files.isDirectory(backupDirectory)) {
            return artifacts;
        }
        try (Stream<Path> files = Files.walk(backupDirectory)) {
            files.filter(Files::isRegularFile)
                    .map(f -> f.getFileName().toString())
                    .filter(name -> !name.endsWith(".partial"))
                    .forEach(name -> artifacts.merge(
                            name.substring(0, name.indexOf('.') < 0 ? name.length() : name.indexOf('.')),
                            1,
                            Integer::sum));
        }
        return artifacts;
    }

    /** Whether {@code value} is in {@code topic} (a dead-letter topic), with the reason header it carries. */
    boolean contains(String topic, byte[] value) {
        return readAll(topic).stream().anyMatch(r -> Arrays.equals(r.value(), value));
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            if (partitions.isEmpty()) {
                return records;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }
}
