package io.relops.audit.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.relops.audit.AuditServiceApplication;
import io.relops.common.audit.AuditExport;
import io.relops.common.audit.Checkpoint;
import io.relops.common.audit.Keys;
import io.relops.common.audit.Verdict;
import io.relops.common.event.HealthVerified;
import io.relops.common.event.ProbeResult;
import io.relops.common.event.ReleaseRequested;
import io.relops.common.event.RelopsEvent;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import io.relops.testkit.TestCredentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Retention against a real PostgreSQL, with a controlled clock: the expired oldest records are pruned
 * through {@code audit_prune()} as the maintenance role, a signed retention checkpoint is left, the rest
 * of the log still verifies online and offline from its first retained record, tampering after pruning
 * is still found, and records younger than their type's period are kept.
 */
@SpringBootTest(classes = AuditServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RetentionIT {

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String DB_URL = Postgres.freshDatabase("audit_retention_it");
    static final AuditDatabase DB = new AuditDatabase(DB_URL);
    static final JsonMapper JSON = JsonMapper.builder().build();
    /**
     * The writer's clock: six years and a bit in the past, so that the tests prune with times up to six years
     * after their records were recorded (audit_prune refuses a pruning time in the database's future).
     */
    static final Clock RECORDED = Clock.offset(Clock.systemUTC(), Duration.ofDays(-2200));

    @TempDir
    static Path keyDirectory;

    @LocalServerPort
    int port;

    @Autowired
    AuditWriter writer;

    @Autowired
    Retention retention;

    final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("relops.kafka.bootstrap-servers", Kafka::bootstrapServers);
        TestCredentials.properties().forEach((key, value) -> registry.add(key, () -> value));
        registry.add("relops.database.url", () -> DB_URL);
        registry.add("relops.database.username", () -> Postgres.server().username());
        registry.add("relops.database.password", () -> Postgres.server().password());
        registry.add("relops.topics.release", () -> "it-ret-release-" + RUN);
        registry.add("relops.topics.health", () -> "it-ret-health-" + RUN);
        registry.add("relops.topics.backup", () -> "it-ret-backup-" + RUN);
        registry.add("relops.audit.checkpoint.every-records", () -> "4");
        registry.add("relops.audit.checkpoint.interval", () -> "300ms");
        registry.add("relops.audit.retention.types[io.relops.health.verified]", () -> "30d");
        registry.add("relops.audit.retention.interval", () -> "1d"); // pruned by the tests, with their clock
        registry.add("relops.audit.index.interval", () -> "200ms");
        registry.add("relops.topics.alert", () -> "it-ret-alert-" + RUN);
        registry.add("relops.audit.anchor.topic", () -> "it-ret-anchors-" + RUN);
        registry.add(
                "relops.audit.signing.key-file",
                () -> keyDirectory.resolve("signing.pem").toString());
        registry.add("relops.audit.signing.generate-if-missing", () -> "true");
    }

    @Test
    @Order(1)
    void onlyTheMaintenanceRoleMayPruneAndOnlyThroughAuditPrune() throws Exception {
        writer.useClock(RECORDED);
        appendInOrder(health(2));
        try (Connection writerRole = DriverManager.getConnection(DB_URL, "relops_audit_writer", "relops-audit-local");
                Statement sql = writerRole.createStatement()) {
            assertThatThrownBy(() -> sql.execute("select audit.audit_prune(1, 1, 'x', now(), 'k', '{}', '{}', 's')"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> sql.executeUpdate("delete from audit.audit_record where seq = 1"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
        }
        try (Connection maintainer = DriverManager.getConnection(
                        DB_URL, "relops_audit_maintainer", "relops-audit-maintainer-local");
                Statement sql = maintainer.createStatement()) {
            assertThatThrownBy(() -> sql.executeUpdate("delete from audit.audit_record where seq = 1"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() ->
                            sql.execute("select audit.audit_prune(1, 1, 'not its hash', now(), 'k', '{}', '{}', 's')"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("retention checkpoint refused");
        }
        try (Connection owner = DB.superuser();
                Statement sql = owner.createStatement()) {
            // the owner too: the trigger lets a delete through only inside audit_prune()
            assertThatThrownBy(() -> sql.executeUpdate("delete from audit.audit_record where seq = 1"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("append-only");
        }
        assertThat(DB.count("select count(*) from audit.audit_record")).isEqualTo(2);
        assertThat(DB.count("select count(*) from audit.audit_checkpoint where kind = 'retention'"))
                .isZero();
    }

    @Test
    @Order(2)
    void pruningKeepsWhatIsWithinItsPeriodAndTheRestStillVerifies() throws Exception {
        // records 1-2 (the first test), then 3 health verifications, 3 release requests, 4 more verifications
        appendInOrder(health(3));
        appendInOrder(requests(3));
        appendInOrder(health(4));
        assertThat(DB.count("select max(seq) from audit.audit_record")).isEqualTo(12);

        Instant now = RECORDED.instant();
        assertThat(retention.prune(now.plus(Duration.ofDays(29))))
                .as("nothing is past its period yet")
                .isZero();

        // 60 days on: the five verifications (30 days) are pruned; the release requests (five years) and the
        // verifications after them are kept
        assertThat(retention.prune(now.plus(Duration.ofDays(60)))).isEqualTo(5);
        assertThat(DB.count("select min(seq) from audit.audit_record")).isEqualTo(6);
        assertThat(DB.count("select count(*) from audit.audit_record")).isEqualTo(7);
        assertThat(DB.count("select count(*) from audit.audit_record where event_type = 'io.relops.release.requested'"))
                .isEqualTo(3);
        assertThat(DB.count("select count(*) from audit.audit_index where seq <= 5"))
                .isZero();
        assertThat(DB.count("select seq from audit.audit_checkpoint where kind = 'retention'"))
                .isEqualTo(5);
        assertThat(retention.prune(now.plus(Duration.ofDays(60)))).isZero();

        JsonNode verdict = getJson("/api/audit/verify");
        assertThat(verdict.path("valid").asBoolean()).as(verdict.toString()).isTrue();
        assertThat(verdict.path("records").asLong()).isEqualTo(7);
        assertThat(getJson("/api/audit/verify?from=1").path("valid").asBoolean())
                .isTrue();

        // the export starts at the first retained record, anchored on the retention checkpoint, and verifies
        // offline
        await().atMost(Duration.ofSeconds(30))
                .until(() -> DB.count("select coalesce(max(seq), 0) from audit.audit_checkpoint") == 12);
        Path export = keyDirectory.resolve("export.jsonl");
        Files.writeString(export, get("/api/audit/export?format=jsonl").body());
        JsonNode header = JSON.readTree(Files.readAllLines(export).get(0));
        assertThat(header.path("firstSeq").asLong()).isEqualTo(6);
        assertThat(Files.readAllLines(export))
                .anySatisfy(line -> assertThat(line)
                        .contains("\"kind\":\"checkpoint\"")
                        .contains("\"type\":\"" + Checkpoint.RETENTION + "\""));
        var key = Keys.readPublic(get("/api/audit/public-key").body());
        Verdict offline = AuditExport.verify(export, key);
        assertThat(offline.valid()).as(offline.toString()).isTrue();
        assertThat(offline.records()).isEqualTo(7);

        // tampering after pruning is still found: a changed record, a deleted first retained record
        DB.tamper("update audit.audit_record set subject = 'elsewhere' where seq = 7");
        assertVerdict(7, Verdict.Reason.MODIFIED);
        DB.tamper("update audit.audit_record set subject = 'shop' where seq = 7");
        assertThat(getJson("/api/audit/verify").path("valid").asBoolean()).isTrue();
        DB.tamper(
                "create table audit.saved as select * from audit.audit_record where seq = 6",
                "delete from audit.audit_record where seq = 6");
        assertVerdict(6, Verdict.Reason.MISSING);
        DB.tamper("insert into audit.audit_record select * from audit.saved", "drop table audit.saved");
        assertThat(getJson("/api/audit/verify").path("valid").asBoolean()).isTrue();

        // five years and more on: everything but the newest record is pruned, and it still verifies
        assertThat(retention.prune(now.plus(Duration.ofDays(6 * 366)))).isEqualTo(6);
        assertThat(DB.count("select count(*) from audit.audit_record")).isEqualTo(1);
        verdict = getJson("/api/audit/verify");
        assertThat(verdict.path("valid").asBoolean()).as(verdict.toString()).isTrue();
        assertThat(verdict.path("lastSeq").asLong()).isEqualTo(12);

        // and the chain goes on after it
        appendInOrder(health(1));
        assertThat(DB.count("select max(seq) from audit.audit_record")).isEqualTo(13);
        assertThat(getJson("/api/audit/verify").path("valid").asBoolean()).isTrue();
    }

    private void appendInOrder(List<RelopsEvent<?>> events) {
        for (RelopsEvent<?> event : events) {
            writer.append(List.of(AuditWriter.Incoming.of(event, "it-ret")));
        }
    }

    private static List<RelopsEvent<?>> health(int n) {
        List<RelopsEvent<?>> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(RelopsEvent.of(
                    URI.create("/relops/it"),
                    new HealthVerified(
                            UUID.randomUUID(),
                            "shop",
                            "prod",
                            "1.0." + i,
                            "blue",
                            null,
                            List.of(new ProbeResult("http", true, "200", "200", 10L, null)))));
        }
        return events;
    }

    private static List<RelopsEvent<?>> requests(int n) {
        List<RelopsEvent<?>> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(RelopsEvent.of(
                    URI.create("/relops/it"),
                    new ReleaseRequested(
                            UUID.randomUUID(), "shop", "2.0." + i, "prod", null, "alice", "c0ffee" + i, null)));
        }
        return events;
    }

    private void assertVerdict(long seq, Verdict.Reason reason) throws Exception {
        JsonNode verdict = getJson("/api/audit/verify");
        assertThat(verdict.path("valid").asBoolean()).as(verdict.toString()).isFalse();
        assertThat(verdict.path("firstBadSeq").asLong()).as(verdict.toString()).isEqualTo(seq);
        assertThat(verdict.path("reason").asString()).as(verdict.toString()).isEqualTo(reason.name());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Authorization", TestCredentials.bearer("auditor"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
