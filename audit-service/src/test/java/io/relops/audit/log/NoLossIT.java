package io.relops.audit.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.EncodedEvent;
import io.relops.common.event.AlertNotified;
import io.relops.common.event.EventData;
import io.relops.common.event.ReleaseApproved;
import io.relops.common.event.RelopsEvent;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import io.relops.testkit.TestCredentials;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * No loss: the packaged service is killed hard (SIGKILL) while a load is being published, then
 * restarted; the log then holds exactly the distinct events published, and the chain verifies. The
 * load is {@code -Daudit.noloss.events} events (default 20,000 to keep CI time; the 100 k run is
 * reported in docs/audit-service.md).
 */
class NoLossIT {

    static final int EVENTS = Integer.getInteger("audit.noloss.events", 20_000);
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final List<String> TOPICS = List.of("noloss-release-" + RUN, "noloss-alert-" + RUN);

    @TempDir
    Path dir;

    final List<Process> processes = new ArrayList<>();
    final String dbUrl = Postgres.freshDatabase("audit_noloss");
    final int port = freePort();

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void aHardStopDuringLoadLosesNothingAndDuplicatesNothing() throws Exception {
        Process first = start("first");
        awaitUp(first);
        long published;
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            published = 0;
            boolean killed = false;
            for (int i = 0; i < EVENTS; i++) {
                send(producer, i);
                published++;
                if (i % 1000 == 999) {
                    producer.flush();
                    if (!killed && count() >= EVENTS / 4) {
                        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hooks
                        killed = true;
                    }
                }
            }
            producer.flush();
            if (!killed) {
                first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
        long beforeRestart = count();
        assertThat(beforeRestart).isLessThan(EVENTS);

        Process second = start("second");
        awaitUp(second);
        await().atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> count() == EVENTS);
        assertThat(published).isEqualTo(EVENTS);
        assertThat(query("select count(distinct event_id) from audit.audit_record"))
                .isEqualTo(EVENTS);
        assertThat(query("select max(seq) from audit.audit_record")).isEqualTo(EVENTS);
        JsonNode verdict = JsonMapper.builder()
                .build()
                .readTree(HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/audit/verify"))
                                        .header("Authorization", TestCredentials.bearer("auditor"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
        assertThat(verdict.path("valid").asBoolean()).as(verdict.toString()).isTrue();
        assertThat(verdict.path("records").asLong()).isEqualTo(EVENTS);
        System.out.printf(
                "no-loss: %d distinct events published (+%d duplicate sends), %d recorded when killed,"
                        + " %d after restart, max seq %d, verify: %s%n",
                EVENTS,
                EVENTS / 100,
                beforeRestart,
                count(),
                query("select max(seq) from audit.audit_record"),
                verdict);
    }

    private void send(KafkaProducer<byte[], byte[]> producer, int i) {
        EventData data = i % 2 == 0
                ? new ReleaseApproved(UUID.randomUUID(), "app-" + (i % 7), "approver-" + (i % 5), "load " + i)
                : new AlertNotified(
                        UUID.randomUUID(), "fp-" + (i % 3), "app-" + (i % 7), null, "warning", "load " + i, "slack");
        RelopsEvent<?> event = RelopsEvent.withId("noloss-" + RUN + "-" + i, URI.create("/relops/it"), data);
        EncodedEvent encoded = CloudEventCodec.encode(event);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(TOPICS.get(i % 2), encoded.key(), encoded.value());
        encoded.headers().forEach((name, value) -> record.headers().add(name, value));
        producer.send(record);
        if (i % 100 == 0) {
            producer.send(record); // a duplicate delivery of the same event
        }
    }

    private Process start(String name) throws IOException {
        Path jar = Path.of("target", "audit-service-exec.jar");
        assertThat(jar).exists();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(
                java,
                "-Xmx384m",
                "-jar",
                jar.toString(),
                "--relops.topics.release=" + TOPICS.get(0),
                "--relops.topics.alert=" + TOPICS.get(1),
                "--relops.topics.health=noloss-health-" + RUN,
                "--relops.topics.backup=noloss-backup-" + RUN,
                "--relops.audit.anchor.topic=noloss-anchors-" + RUN,
                "--spring.cloud.stream.kafka.default.consumer.configuration.auto.offset.reset=earliest"));
        command.addAll(List.of(TestCredentials.args()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        builder.environment().put("RELOPS_KAFKA_BOOTSTRAP", Kafka.bootstrapServers());
        builder.environment().put("RELOPS_DB_URL", dbUrl);
        builder.environment().put("RELOPS_DB_USER", Postgres.server().username());
        builder.environment().put("RELOPS_DB_PASSWORD", Postgres.server().password());
        builder.environment().put("AUDIT_PORT", Integer.toString(port));
        // local use, as relops up marks it: the writer and maintainer keep their local default passwords here, which
        // a service refuses outside local use (docs/security.md, Known defaults)
        builder.environment().put("RELOPS_LOCAL", "true");
        builder.environment()
                .put("RELOPS_AUDIT_SIGNING_KEY_FILE", dir.resolve("key.pem").toString());
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private void awaitUp(Process process) {
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    assertThat(process.isAlive())
                            .as("audit-service exited; see " + dir)
                            .isTrue();
                    try {
                        return http.send(
                                                HttpRequest.newBuilder(URI.create(
                                                                "http://localhost:" + port + "/actuator/health"))
                                                        .build(),
                                                HttpResponse.BodyHandlers.ofString())
                                        .statusCode()
                                == 200;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    private long count() throws SQLException {
        return query("select count(*) from audit.audit_record");
    }

    private long query(String sql) throws SQLException {
        try (Connection db = DriverManager.getConnection(
                        dbUrl, Postgres.server().username(), Postgres.server().password());
                ResultSet rs = db.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            if (e.getMessage().contains("does not exist")) {
                return 0; // not migrated yet
            }
            throw e;
        }
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Kafka.bootstrapServers());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(properties);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
