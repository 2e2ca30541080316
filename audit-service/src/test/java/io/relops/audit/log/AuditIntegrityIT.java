package io.relops.audit.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.relops.audit.AuditServiceApplication;
import io.relops.common.audit.AuditExport;
import io.relops.common.audit.Checkpoint;
import io.relops.common.audit.Keys;
import io.relops.common.audit.RetentionPolicy;
import io.relops.common.audit.Verdict;
import io.relops.common.event.HealthVerified;
import io.relops.common.event.ProbeResult;
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
import java.security.KeyPair;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
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
 * The audit log's integrity against a real PostgreSQL and Kafka, attacked as the issue describes: a periodic
 * checkpoint relabelled as a retention one, a prune of records younger than the policy (even correctly signed),
 * a database superuser deleting the newest records and their checkpoints (found against the anchor topic), and a
 * key rotation (checkpoints of two keys verify online and offline); the log verifies itself on a schedule.
 *
 * <p>The log: records 1-6 recorded 60 days ago, 7-12 now, all {@code io.relops.health.verified} (kept 30 days).
 */
@SpringBootTest(classes = AuditServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditIntegrityIT {

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String DB_URL = Postgres.freshDatabase("audit_integrity_it");
    static final AuditDatabase DB = new AuditDatabase(DB_URL);
    static final String ANCHORS = "it-integrity-anchors-" + RUN;
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String HEALTH = "io.relops.health.verified";
    static final String POLICY =
            new RetentionPolicy(Duration.ofDays(1826), Map.of(HEALTH, Duration.ofDays(30))).canonical();

    @TempDir
    static Path keyDirectory;

    @LocalServerPort
    int port;

    @Autowired
    AuditWriter writer;

    @Autowired
    Retention retention;

    @Autowired
    SigningKey signingKey;

    @Autowired
    CheckpointAnchors anchors;

    @Autowired
    ScheduledVerification scheduled;

    @Autowired
    MeterRegistry meters;

    final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("relops.kafka.bootstrap-servers", Kafka::bootstrapServers);
        TestCredentials.properties().forEach((key, value) -> registry.add(key, () -> value));
        registry.add("relops.database.url", () -> DB_URL);
        registry.add("relops.database.username", () -> Postgres.server().username());
        registry.add("relops.database.password", () -> Postgres.server().password());
        registry.add("relops.topics.release", () -> "it-int-release-" + RUN);
        registry.add("relops.topics.health", () -> "it-int-health-" + RUN);
        registry.add("relops.topics.backup", () -> "it-int-backup-" + RUN);
        registry.add("relops.topics.alert", () -> "it-int-alert-" + RUN);
        registry.add("relops.audit.anchor.topic", () -> ANCHORS);
        registry.add("relops.audit.anchor.interval", () -> "200ms");
        registry.add("relops.audit.checkpoint.every-records", () -> "3");
        registry.add("relops.audit.checkpoint.interval", () -> "300ms");
        registry.add("relops.audit.retention.types[" + HEALTH + "]", () -> "30d");
        registry.add("relops.audit.retention.interval", () -> "1d"); // pruned by the tests
        registry.add("relops.audit.verification.interval", () -> "1s");
        registry.add("relops.audit.verification.initial-delay", () -> "1s");
        registry.add(
                "relops.audit.signing.key-file",
                () -> keyDirectory.resolve("signing.pem").toString());
        registry.add("relops.audit.signing.generate-if-missing", () -> "true");
    }

    @Test
    @Order(1)
    void verifiesItselfOnAScheduleIncrementallyAndAnchorsEveryCheckpoint() throws Exception {
        writer.useClock(Clock.offset(Clock.systemUTC(), Duration.ofDays(-60)));
        appendInOrder(health(6));
        writer.useClock(Clock.systemUTC());
        appendInOrder(health(6));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> DB.count("select coalesce(max(seq), 0) from audit.audit_checkpoint") == 12);

        // every checkpoint reaches the anchor topic, which the service created with one partition and a long retention
        await().atMost(Duration.ofSeconds(30))
                .until(() -> DB.count("select count(*) from audit.audit_anchored")
                        == DB.count("select count(*) from audit.audit_checkpoint"));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Kafka.bootstrapServers()))) {
            TopicDescription topic =
                    admin.describeTopics(List.of(ANCHORS)).allTopicNames().get().get(ANCHORS);
            assertThat(topic.partitions()).hasSize(1);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, ANCHORS);
            var config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(Long.parseLong(config.get("retention.ms").value()))
                    .isGreaterThanOrEqualTo(Duration.ofDays(1826).toMillis());
            assertThat(config.get("cleanup.policy").value()).isEqualTo("delete");
        }
        assertThat(anchors.newest().checkpoints())
                .extracting(anchor -> anchor.checkpoint().seq())
                .contains(12L);

        // the scheduler (every second here) verifies up to the newest checkpoint, once, and counts it
        await().atMost(Duration.ofSeconds(30)).until(() -> scheduled.position().orElse(0L) == 12);
        assertThat(meters.get("relops.audit.verifications")
                        .tag("outcome", "valid")
                        .counter()
                        .count())
                .isPositive();
        // incrementally: the next run starts after the last verified checkpoint
        Verdict next = scheduled.verifyNow();
        assertThat(next.valid()).as(next.toString()).isTrue();
        assertThat(next.records()).isZero();
        JsonNode verdict = getJson("/api/audit/verify");
        assertThat(verdict.path("valid").asBoolean()).as(verdict.toString()).isTrue();
        assertThat(verdict.path("notes").toString()).contains("the head agrees with the newest anchored checkpoint");
    }

    @Test
    @Order(2)
    void refusesToPruneRecordsYoungerThanThePolicyEvenWithAValidSignature() throws Exception {
        KeyPair key = currentKey();
        String keyId = Keys.fingerprint(key.getPublic());
        Instant now = Instant.now();
        // records 1..9: 7-9 were recorded now, their type is kept 30 days
        Checkpoint young = Checkpoint.signRetention(
                9,
                hashOf(9),
                now,
                new Checkpoint.Pruning(1, POLICY, Map.of(HEALTH, recordedAt(9))),
                key.getPrivate(),
                keyId);
        assertThatThrownBy(() -> prune(young))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("retention checkpoint refused: record 7 (" + HEALTH)
                .hasMessageContaining("is within its retention period");

        // nor by claiming a time in the future...
        Checkpoint future = Checkpoint.signRetention(
                9,
                hashOf(9),
                now.plus(Duration.ofDays(31)),
                new Checkpoint.Pruning(1, POLICY, Map.of(HEALTH, recordedAt(9))),
                key.getPrivate(),
                keyId);
        assertThatThrownBy(() -> prune(future))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("is in the future");

        // ...or a shorter policy than the database's
        String lax = new RetentionPolicy(Duration.ofDays(1826), Map.of(HEALTH, Duration.ofSeconds(1))).canonical();
        Checkpoint shorter = Checkpoint.signRetention(
                9,
                hashOf(9),
                now,
                new Checkpoint.Pruning(1, lax, Map.of(HEALTH, recordedAt(9))),
                key.getPrivate(),
                keyId);
        assertThatThrownBy(() -> prune(shorter))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("keeps some type shorter than the database's policy");

        // ...or a range that does not start at the first record
        Checkpoint gap = Checkpoint.signRetention(
                5,
                hashOf(5),
                now,
                new Checkpoint.Pruning(3, POLICY, Map.of(HEALTH, recordedAt(5))),
                key.getPrivate(),
                keyId);
        assertThatThrownBy(() -> prune(gap))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("the first remaining record is 1");
        // ...or a policy whose periods are missing or null: an unknown comparison must refuse, not pass
        for (String empty : List.of("{}", "null", "{\"default\": null, \"types\": {}}", "{\"types\": {}}")) {
            assertThatThrownBy(() -> prune(young, 1, empty, Map.of(HEALTH, recordedAt(9))))
                    .as(empty)
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("retention checkpoint refused");
        }
        String nullType = "{\"default\": 0, \"types\": {\"" + HEALTH + "\": null}}";
        assertThatThrownBy(() -> prune(young, 1, nullType, Map.of(HEALTH, recordedAt(9))))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("retention checkpoint refused");
        // ...or NULL arguments
        try (Connection maintainer = maintainer();
                Statement sql = maintainer.createStatement()) {
            assertThatThrownBy(() -> sql.execute("select audit.audit_prune(1, 9, '" + hashOf(9) + "', null, 'k', '"
                            + POLICY + "', '{}', 's')"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("every argument is required");
        }
        assertThat(DB.count("select count(*) from audit.audit_record")).isEqualTo(12);
        assertThat(DB.count("select count(*) from audit.audit_checkpoint where kind = 'retention'"))
                .isZero();
        // the maintenance role cannot change the policy the function enforces
        try (Connection maintainer = maintainer();
                Statement sql = maintainer.createStatement()) {
            assertThatThrownBy(() -> sql.executeUpdate("update audit.audit_retention_policy set period_seconds = 0"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
        }
    }

    @Test
    @Order(3)
    void theWriterCanNeitherLabelACheckpointRetentionNorWriteOneOfTheOldFormat() throws Exception {
        Checkpoint newest = periodicCheckpoints().get(periodicCheckpoints().size() - 1);
        try (Connection writer = DriverManager.getConnection(DB_URL, "relops_audit_writer", "relops-audit-local");
                PreparedStatement sql = writer.prepareStatement("insert into audit.audit_checkpoint (seq, hash,"
                        + " checkpoint_time, kind, key_id, signature, format) values (?, ?, now(), ?, ?, ?, ?)")) {
            sql.setLong(1, newest.seq());
            sql.setString(2, newest.hash());
            sql.setString(4, newest.keyId());
            sql.setString(5, newest.signature());
            sql.setString(3, "retention");
            sql.setInt(6, 2);
            assertThatThrownBy(sql::execute)
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("only audit_prune() writes a retention checkpoint");
            sql.setInt(6, 1); // format 1 does not sign its kind: the relabelling of the issue, on the old format
            assertThatThrownBy(sql::execute).isInstanceOf(SQLException.class).hasMessageContaining("is of format 2");
        }
        assertThat(DB.count("select count(*) from audit.audit_checkpoint where kind = 'retention'"))
                .isZero();
    }

    @Test
    @Order(3)
    void relabellingTheNewestPeriodicCheckpointAsRetentionIsRefused() throws Exception {
        Checkpoint newest = periodicCheckpoints().get(periodicCheckpoints().size() - 1);
        assertThat(newest.seq()).isEqualTo(12);
        // the attack of the issue, as the maintainer: the newest periodic checkpoint's seq, hash and signature
        assertThatThrownBy(() -> prune(newest, 1, POLICY, Map.of(HEALTH, recordedAt(11))))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("retention checkpoint refused");
        Checkpoint before = periodicBetween7And11();
        assertThatThrownBy(() -> prune(before, 1, POLICY, Map.of(HEALTH, recordedAt(before.seq()))))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("retention checkpoint refused: record 7");
        assertThat(DB.count("select count(*) from audit.audit_record")).isEqualTo(12);
        assertThat(getJson("/api/audit/verify").path("valid").asBoolean()).isTrue();
    }

    @Test
    @Order(4)
    void aSuperuserDeletingTheNewestRecordsAndCheckpointsIsFoundAgainstTheAnchor() throws Exception {
        anchors.publishPendingLocked();
        assertThat(DB.count("select count(*) from audit.audit_anchored"))
                .isEqualTo(DB.count("select count(*) from audit.audit_checkpoint"));
        // records 10-12 and the checkpoints over them (at least 12 and whatever covers 10 or 11)
        long checkpointsDeleted = DB.count("select count(*) from audit.audit_checkpoint where seq >= 10");
        assertThat(checkpointsDeleted).isPositive();
        DB.tamper(
                "create table audit.saved_records as select * from audit.audit_record where seq >= 10",
                "create table audit.saved_checkpoints as select * from audit.audit_checkpoint where seq >= 10",
                "delete from audit.audit_index where seq >= 10",
                "delete from audit.audit_record where seq >= 10",
                "delete from audit.audit_checkpoint where seq >= 10");
        // the log itself is consistent: only the anchor tells
        JsonNode verdict = getJson("/api/audit/verify");
        assertThat(verdict.path("valid").asBoolean()).as(verdict.toString()).isFalse();
        assertThat(verdict.path("reason").asString()).isEqualTo(Verdict.Reason.ANCHOR_MISMATCH.name());
        assertThat(verdict.path("firstBadSeq").asLong()).isEqualTo(10);
        assertThat(verdict.path("detail").asString())
                .startsWith("records 10 to 12 and " + checkpointsDeleted + " checkpoint(s) are missing at the head;"
                        + " the anchor at seq 12 was published ");
        // the scheduled verification finds it as well, and keeps its position
        double failedBefore = failedVerifications();
        Verdict scheduledVerdict = scheduled.verifyNow();
        assertThat(scheduledVerdict.valid()).isFalse();
        assertThat(scheduledVerdict.reason()).isEqualTo(Verdict.Reason.ANCHOR_MISMATCH);
        assertThat(failedVerifications()).isGreaterThan(failedBefore);

        // offline: an export of the shortened log (once the service has signed its new head) with a dump of the
        // anchor topic
        await().atMost(Duration.ofSeconds(30))
                .until(() -> DB.count("select count(*) from audit.audit_checkpoint where seq = 9") > 0);
        Path export = keyDirectory.resolve("shortened.jsonl");
        Files.writeString(export, get("/api/audit/export?format=jsonl").body());
        Path anchorDump = keyDirectory.resolve("anchors.jsonl");
        Files.write(
                anchorDump,
                anchors.newest().checkpoints().stream()
                        .map(anchor -> AuditExport.checkpointLine(anchor.checkpoint()))
                        .toList());
        Map<String, PublicKey> keys = signingKey.verificationKeys();
        assertThat(AuditExport.verify(export, keys, List.of()).valid()).isTrue();
        Verdict offline = AuditExport.verify(export, keys, AuditExport.readAnchors(anchorDump));
        assertThat(offline.valid()).isFalse();
        assertThat(offline.reason()).isEqualTo(Verdict.Reason.ANCHOR_MISMATCH);
        assertThat(offline.detail()).startsWith("records 10 to 12 and ");

        DB.tamper(
                "insert into audit.audit_record select * from audit.saved_records",
                "insert into audit.audit_checkpoint select * from audit.saved_checkpoints",
                "drop table audit.saved_records",
                "drop table audit.saved_checkpoints");
        assertThat(getJson("/api/audit/verify").path("valid").asBoolean()).isTrue();
    }

    @Test
    @Order(5)
    void checkpointsOfTwoKeysVerifyOnlineAndOfflineAfterARotation() throws Exception {
        String oldKey = signingKey.keyId();
        KeyPair next = Keys.generate();
        signingKey.rotateTo(next);
        appendInOrder(health(4));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> DB.count("select coalesce(max(seq), 0) from audit.audit_checkpoint") == 16);
        assertThat(keyIds()).containsExactlyInAnyOrder(oldKey, Keys.fingerprint(next.getPublic()));
        // a prune after the rotation is signed by the new key: records 1-6 (60 days old)
        assertThat(retention.prune(Instant.now())).isEqualTo(6);
        assertThat(DB.count("select count(*) from audit.audit_checkpoint where kind = 'retention' and key_id = '"
                        + Keys.fingerprint(next.getPublic()) + "'"))
                .isEqualTo(1);

        JsonNode verdict = getJson("/api/audit/verify");
        assertThat(verdict.path("valid").asBoolean()).as(verdict.toString()).isTrue();
        assertThat(verdict.path("records").asLong()).isEqualTo(10);

        // offline, with both public keys; with the old one only, the new checkpoints are named as unverifiable
        await().atMost(Duration.ofSeconds(30))
                .until(() -> DB.count("select count(*) from audit.audit_anchored")
                        == DB.count("select count(*) from audit.audit_checkpoint"));
        Path export = keyDirectory.resolve("rotated.jsonl");
        Files.writeString(export, get("/api/audit/export?format=jsonl").body());
        Path anchorDump = keyDirectory.resolve("rotated-anchors.jsonl");
        Files.write(
                anchorDump,
                anchors.newest().checkpoints().stream()
                        .map(anchor -> AuditExport.checkpointLine(anchor.checkpoint()))
                        .toList());
        Map<String, PublicKey> both = signingKey.verificationKeys();
        assertThat(both).hasSize(2);
        Verdict offline = AuditExport.verify(export, both, AuditExport.readAnchors(anchorDump));
        assertThat(offline.valid()).as(offline.toString()).isTrue();
        assertThat(offline.records()).isEqualTo(10);
        Verdict oldOnly = AuditExport.verify(export, Map.of(oldKey, both.get(oldKey)), List.of());
        assertThat(oldOnly.valid()).isFalse();
        assertThat(oldOnly.detail()).contains(Keys.fingerprint(next.getPublic()));
    }

    @Test
    @Order(6)
    void aPeriodicCheckpointRelabelledOverRecordsThePolicyAllowsToPruneIsFoundByVerification() throws Exception {
        // the maintainer prunes from the first remaining record (7) up to a periodic checkpoint, relabelled: the
        // records are young, so the function refuses...
        Checkpoint periodic = periodicBetween7And11();
        long upTo = periodic.seq();
        assertThatThrownBy(() -> prune(periodic, 7, POLICY, Map.of(HEALTH, recordedAt(upTo))))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("within its retention period");
        // ...once they are old enough (the superuser ages them here, as time would), the function cannot tell the
        // periodic signature from a retention one (PostgreSQL cannot verify Ed25519), but every verification does
        DB.tamper(
                "update audit.audit_record set recorded_at = recorded_at - interval '60 days' where seq between 7 and "
                        + upTo);
        prune(periodic, 7, POLICY, Map.of(HEALTH, recordedAt(upTo)));
        assertThat(DB.count("select min(seq) from audit.audit_record")).isEqualTo(upTo + 1);
        JsonNode verdict = getJson("/api/audit/verify");
        assertThat(verdict.path("valid").asBoolean()).as(verdict.toString()).isFalse();
        assertThat(verdict.path("reason").asString()).isEqualTo(Verdict.Reason.RETENTION_INVALID.name());
        assertThat(verdict.path("firstBadSeq").asLong()).isEqualTo(upTo);
        assertThat(verdict.path("detail").asString())
                .contains("the retention checkpoint at seq " + upTo)
                .contains(
                        "has no valid signature of a configured key as a retention checkpoint of records 7 to " + upTo);
        // the scheduled verification and the offline verifier find it too
        assertThat(scheduled.verifyNow().reason()).isEqualTo(Verdict.Reason.RETENTION_INVALID);
        Path export = keyDirectory.resolve("relabelled.jsonl");
        Files.writeString(export, get("/api/audit/export?format=jsonl").body());
        Verdict offline = AuditExport.verify(export, signingKey.verificationKeys(), List.of());
        assertThat(offline.reason()).as(offline.toString()).isEqualTo(Verdict.Reason.RETENTION_INVALID);
        assertThat(offline.firstBadSeq()).isEqualTo(upTo);
    }

    // --- helpers

    private void appendInOrder(List<RelopsEvent<?>> events) {
        for (RelopsEvent<?> event : events) {
            writer.append(List.of(AuditWriter.Incoming.of(event, "it-int")));
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

    private static KeyPair currentKey() throws Exception {
        String pem = Files.readString(keyDirectory.resolve("signing.pem"));
        return Keys.readPair(pem, pem);
    }

    /** Calls audit_prune as the maintenance role with {@code checkpoint}'s own range. */
    private static void prune(Checkpoint checkpoint) throws SQLException {
        Checkpoint.Pruning pruning = checkpoint.pruning();
        prune(checkpoint, pruning.from(), pruning.policy(), pruning.newest());
    }

    /** Calls audit_prune as the maintenance role: {@code from..checkpoint.seq}, with the checkpoint's signature. */
    private static void prune(Checkpoint checkpoint, long from, String policy, Map<String, Instant> newest)
            throws SQLException {
        try (Connection maintainer = maintainer();
                PreparedStatement sql =
                        maintainer.prepareStatement("select audit.audit_prune(?, ?, ?, ?, ?, ?, ?, ?)")) {
            sql.setLong(1, from);
            sql.setLong(2, checkpoint.seq());
            sql.setString(3, checkpoint.hash());
            sql.setObject(4, OffsetDateTime.ofInstant(checkpoint.time(), ZoneOffset.UTC));
            sql.setString(5, checkpoint.keyId());
            sql.setString(6, policy);
            sql.setString(7, new Checkpoint.Pruning(from, policy, new TreeMap<>(newest)).newestJson());
            sql.setString(8, checkpoint.signature());
            sql.execute();
        }
    }

    private static List<Checkpoint> periodicCheckpoints() throws SQLException {
        List<Checkpoint> checkpoints = new ArrayList<>();
        try (Connection db = DB.superuser();
                Statement sql = db.createStatement();
                ResultSet rs = sql.executeQuery(
                        "select seq, hash, checkpoint_time, kind, key_id, signature, format, from_seq, policy, newest"
                                + " from audit.audit_checkpoint where kind = 'periodic' order by seq")) {
            while (rs.next()) {
                checkpoints.add(AuditStore.checkpoint(rs));
            }
        }
        return checkpoints;
    }

    /** A periodic checkpoint over the young records, not the head's (there is one: every 3 records at least). */
    private static Checkpoint periodicBetween7And11() throws SQLException {
        return periodicCheckpoints().stream()
                .filter(c -> c.seq() >= 7 && c.seq() <= 11)
                .findFirst()
                .orElseThrow();
    }

    private static List<String> keyIds() throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection db = DB.superuser();
                Statement sql = db.createStatement();
                ResultSet rs = sql.executeQuery("select distinct key_id from audit.audit_checkpoint")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private static String hashOf(long seq) throws SQLException {
        try (Connection db = DB.superuser();
                Statement sql = db.createStatement();
                ResultSet rs = sql.executeQuery("select hash from audit.audit_record where seq = " + seq)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Instant recordedAt(long seq) throws SQLException {
        try (Connection db = DB.superuser();
                Statement sql = db.createStatement();
                ResultSet rs = sql.executeQuery("select recorded_at from audit.audit_record where seq = " + seq)) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    private double failedVerifications() {
        return meters.get("relops.audit.verifications")
                .tag("outcome", "failed")
                .counter()
                .count();
    }

    private static Connection maintainer() throws SQLException {
        return DriverManager.getConnection(DB_URL, "relops_audit_maintainer", "relops-audit-maintainer-local");
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
