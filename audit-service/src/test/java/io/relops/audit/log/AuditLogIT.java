package io.relops.audit.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.relops.audit.AuditServiceApplication;
import io.relops.common.audit.AuditChain;
import io.relops.common.audit.AuditEntry;
import io.relops.common.audit.AuditExport;
import io.relops.common.audit.Keys;
import io.relops.common.audit.Verdict;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.EncodedEvent;
import io.relops.common.event.EventData;
import io.relops.common.event.HealthVerified;
import io.relops.common.event.ProbeResult;
import io.relops.common.event.ReleaseApproved;
import io.relops.common.event.ReleaseRequested;
import io.relops.common.event.RelopsEvent;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import io.relops.testkit.TestCredentials;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit log against a real broker and PostgreSQL: each event once in a gap-free chain, the
 * writing role refused UPDATE/DELETE by the database, tampering by a superuser found by {@code verify}
 * at the exact sequence, exports that verify offline and fail after one edited byte, a poison record
 * in the dead-letter topic.
 */
@SpringBootTest(classes = AuditServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuditLogIT {

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String RELEASE_TOPIC = "it-audit-release-" + RUN;
    static final String HEALTH_TOPIC = "it-audit-health-" + RUN;
    static final String DB_URL = Postgres.freshDatabase("audit_it");
    static final int EVENTS = 40;
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final UUID SHOP_RELEASE = UUID.randomUUID();

    @TempDir
    static Path keyDirectory;

    static boolean loaded;
    static boolean published;
    static @org.jspecify.annotations.Nullable Throwable loadFailure;

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("relops.kafka.bootstrap-servers", Kafka::bootstrapServers);
        TestCredentials.properties().forEach((key, value) -> registry.add(key, () -> value));
        registry.add("relops.database.url", () -> DB_URL);
        registry.add("relops.database.username", () -> Postgres.server().username());
        registry.add("relops.database.password", () -> Postgres.server().password());
        registry.add("relops.topics.release", () -> RELEASE_TOPIC);
        registry.add("relops.topics.health", () -> HEALTH_TOPIC);
        registry.add("relops.topics.backup", () -> "it-audit-backup-" + RUN);
        registry.add("relops.topics.alert", () -> "it-audit-alert-" + RUN);
        registry.add("relops.audit.anchor.topic", () -> "it-audit-anchors-" + RUN);
        registry.add("relops.audit.checkpoint.every-records", () -> "10");
        registry.add("relops.audit.checkpoint.interval", () -> "500ms");
        registry.add(
                "relops.audit.signing.key-file",
                () -> keyDirectory.resolve("signing.pem").toString());
        registry.add("relops.audit.signing.generate-if-missing", () -> "true");
        registry.add("spring.cloud.stream.kafka.default.consumer.configuration.auto.offset.reset", () -> "earliest");
    }

    /**
     * Publishes the load once (a redelivered duplicate and a poison record among it), waits until it
     * is recorded and covered by a checkpoint, and keeps a pristine copy that every test starts from.
     */
    @BeforeEach
    void load() throws Exception {
        if (loaded) {
            restore();
            return;
        }
        if (!published) {
            published = true; // never twice, even when the wait below fails
            publishLoad();
        }
        if (loadFailure != null) {
            throw new IllegalStateException("the load was not recorded (see the first test's failure)", loadFailure);
        }
        try {
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                assertThat(count("select count(*) from audit.audit_record")).isEqualTo(EVENTS);
                assertThat(count("select coalesce(max(seq), 0) from audit.audit_checkpoint"))
                        .isEqualTo(EVENTS);
            });
        } catch (RuntimeException | AssertionError e) {
            loadFailure = e;
            throw e;
        }
        try (Connection db = superuser();
                Statement sql = db.createStatement()) {
            sql.execute("create table audit.pristine_record as select * from audit.audit_record");
            sql.execute("create table audit.pristine_checkpoint as select * from audit.audit_checkpoint");
        }
        loaded = true;
    }

    private static void publishLoad() throws Exception {
        List<RelopsEvent<?>> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            String application = i % 2 == 0 ? "shop" : "billing";
            UUID release = i == 0 ? SHOP_RELEASE : UUID.randomUUID();
            EventData data = switch (i % 3) {
                case 0 ->
                    new ReleaseRequested(
                            release, application, "1." + i + ".0", "prod", null, "alice", "c0ffee" + i, null);
                case 1 -> new ReleaseApproved(release, application, "bob", "looks fine, ticket" + i);
                default ->
                    new HealthVerified(
                            release,
                            application,
                            "prod",
                            "1." + i + ".0",
                            "blue",
                            null,
                            List.of(new ProbeResult("http", true, "200", "200", 12L + i, null)));
            };
            events.add(RelopsEvent.of(URI.create("/relops/it"), data));
        }
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = 0; i < events.size(); i++) {
                send(producer, events.get(i));
                if (i == 10) {
                    producer.send(new ProducerRecord<>(
                                    RELEASE_TOPIC,
                                    "shop".getBytes(StandardCharsets.UTF_8),
                                    "not a cloud event".getBytes(StandardCharsets.UTF_8)))
                            .get();
                }
            }
            for (int i = 0; i < 5; i++) {
                send(producer, events.get(i)); // redeliveries: same CloudEvents ids
            }
        }
    }

    @AfterEach
    void checkNothingMoreArrived() throws SQLException {
        assertThat(count("select count(*) from audit.audit_record where seq > " + EVENTS))
                .isZero();
    }

    @Test
    void recordsEveryEventOnceInAGapFreeVerifiedChain() throws Exception {
        assertThat(count("select count(distinct event_id) from audit.audit_record"))
                .isEqualTo(EVENTS);
        assertThat(count("select max(seq) - min(seq) + 1 from audit.audit_record"))
                .isEqualTo(EVENTS);
        assertThat(count("select count(*) from audit.audit_record where seq = 1 and prev_hash = '" + AuditChain.GENESIS
                        + "'"))
                .isEqualTo(1);
        double validBefore = verifications("valid");
        JsonNode verdict = getJson("/api/audit/verify");
        assertThat(verdict.path("valid").asBoolean()).as(verdict.toString()).isTrue();
        assertThat(verifications("valid")).isEqualTo(validBefore + 1);
        assertThat(verdict.path("records").asLong()).isEqualTo(EVENTS);
        assertThat(verdict.path("checkpoints").asInt()).isPositive();
    }

    @Test
    void sendsAPoisonRecordToTheDeadLetterTopicAndRecordsTheRest() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                Kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "it-dlq-" + RUN,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class))) {
            consumer.subscribe(List.of("error." + RELEASE_TOPIC + ".audit-service"));
            List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(dead::add);
                return !dead.isEmpty();
            });
            assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("not a cloud event");
        }
    }

    @Test
    void theWritingRoleCannotUpdateOrDeleteAndTheTriggerRefusesTheOwner() throws SQLException {
        try (Connection writer = DriverManager.getConnection(DB_URL, "relops_audit_writer", "relops-audit-local");
                Statement sql = writer.createStatement()) {
            assertThatThrownBy(() -> sql.executeUpdate("update audit.audit_record set subject = 'x' where seq = 1"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> sql.executeUpdate("delete from audit.audit_record where seq = 1"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> sql.executeUpdate("delete from audit.audit_checkpoint"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> sql.execute("truncate audit.audit_record"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
            assertThat(sql.executeQuery("select count(*) from audit.audit_record")
                            .next())
                    .isTrue();
        }
        try (Connection owner = DriverManager.getConnection(
                        DB_URL, Postgres.server().username(), Postgres.server().password());
                Statement sql = owner.createStatement()) {
            assertThatThrownBy(() -> sql.executeUpdate("update audit.audit_record set subject = 'x' where seq = 1"))
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> sql.executeUpdate("delete from audit.audit_record where seq = 1"))
                    .hasMessageContaining("append-only");
        }
        assertThat(count("select count(*) from audit.audit_record where subject = 'x'"))
                .isZero();
    }

    @Test
    void namesAModifiedRecord() throws Exception {
        tamper("update audit.audit_record set data = jsonb_set(data, '{requestedBy}', '\"mallory\"') where seq = 7");
        assertVerdict(7, Verdict.Reason.MODIFIED);
    }

    @Test
    void namesADeletedRecord() throws Exception {
        tamper("delete from audit.audit_record where seq = 12");
        assertVerdict(12, Verdict.Reason.MISSING);
    }

    @Test
    void namesThreeConsecutiveDeletedRecords() throws Exception {
        tamper("delete from audit.audit_record where seq between 20 and 22");
        JsonNode verdict = assertVerdict(20, Verdict.Reason.MISSING);
        assertThat(verdict.path("detail").asString()).contains("20 to 22");
    }

    @Test
    void namesSwappedRecords() throws Exception {
        tamper(
                "update audit.audit_record set seq = -1 where seq = 15",
                "update audit.audit_record set seq = 15 where seq = 16",
                "update audit.audit_record set seq = 16 where seq = -1");
        assertVerdict(15, Verdict.Reason.REORDERED);
    }

    @Test
    void namesDeletedNewestRecordsThroughTheCheckpoint() throws Exception {
        tamper("delete from audit.audit_record where seq > 37");
        JsonNode verdict = assertVerdict(38, Verdict.Reason.MISSING);
        assertThat(verdict.path("detail").asString()).contains("checkpoint");
    }

    @Test
    void namesAConsistentlyRewrittenChainThroughTheCheckpoint() throws Exception {
        // the attacker changes record 25, then recomputes every hash after it: only the signature can tell
        List<AuditEntry> entries = new ArrayList<>();
        try (Connection db = superuser();
                ResultSet rs = db.createStatement()
                        .executeQuery("select seq, event_id, event_type, source, subject, release_id, event_time,"
                                + " topic, actor, recorded_at, data::text as data, prev_hash, hash"
                                + " from audit.audit_record where seq >= 25 order by seq")) {
            while (rs.next()) {
                entries.add(AuditStore.map(rs));
            }
        }
        List<String> updates = new ArrayList<>();
        String previous = entries.get(0).prevHash();
        for (AuditEntry entry : entries) {
            AuditEntry forged = new AuditEntry(
                            entry.seq(),
                            entry.id(),
                            entry.type(),
                            entry.source(),
                            entry.seq() == 25 ? "forged-app" : entry.subject(),
                            entry.releaseId(),
                            entry.time(),
                            entry.topic(),
                            entry.actor(),
                            entry.recordedAt(),
                            entry.data(),
                            previous,
                            "")
                    .chainedAfter(previous);
            updates.add("update audit.audit_record set subject = '" + forged.subject() + "', prev_hash = '"
                    + forged.prevHash() + "', hash = '" + forged.hash() + "' where seq = " + forged.seq());
            previous = forged.hash();
        }
        tamper(updates.toArray(String[]::new));
        long covering = count("select min(seq) from audit.pristine_checkpoint where seq >= 25");
        long before = count("select coalesce(max(seq), 0) from audit.pristine_checkpoint where seq < 25");
        JsonNode verdict = assertVerdict(covering, Verdict.Reason.CHECKPOINT_MISMATCH);
        assertThat(verdict.path("detail").asString()).contains("records " + (before + 1) + " to " + covering);
    }

    @Test
    void assemblesReleaseEvidenceAsJsonAndPrintableHtml() throws Exception {
        JsonNode evidence = getJson("/api/audit/releases/" + SHOP_RELEASE + "/evidence");
        assertThat(evidence.path("requestedBy").asString()).isEqualTo("alice");
        assertThat(evidence.path("version").asString()).isEqualTo("1.0.0");
        assertThat(evidence.path("records").size()).isEqualTo(1);
        assertThat(evidence.path("outcome").path("status").asString()).isEqualTo("IN_PROGRESS");
        assertThat(evidence.path("verification").path("valid").asBoolean()).isTrue();
        assertThat(evidence.path("coveringCheckpoint").path("signature").asString())
                .isNotEmpty();

        HttpResponse<String> html = get("/api/audit/releases/" + SHOP_RELEASE + "/evidence?format=html");
        assertThat(html.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(html.body()).contains("<h1>Release shop 1.0.0</h1>", "alice", "The chain verifies");

        HttpResponse<String> unknown = get("/api/audit/releases/" + UUID.randomUUID() + "/evidence");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("no record of release");
    }

    @Test
    void servesThePublicKeyAsPem() throws Exception {
        String pem = get("/api/audit/public-key").body();
        assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----");
        assertThat(Keys.fingerprint(Keys.readPublic(pem))).hasSize(16);
    }

    @Test
    void exportsThatVerifyOfflineAndFailAfterOneEditedByte() throws Exception {
        var key = Keys.readPublic(get("/api/audit/public-key").body());
        Path full = Files.createTempFile("audit-export", ".jsonl");
        Files.writeString(full, get("/api/audit/export?format=jsonl").body());
        Verdict verdict = AuditExport.verify(full, key);
        assertThat(verdict.valid()).as(verdict.toString()).isTrue();
        assertThat(verdict.records()).isEqualTo(EVENTS);

        Path filtered = Files.createTempFile("audit-export-shop", ".jsonl");
        Files.writeString(
                filtered, get("/api/audit/export?format=jsonl&application=shop").body());
        List<String> lines = Files.readAllLines(filtered);
        assertThat(lines).anyMatch(line -> line.contains("\"kind\":\"link\""));
        assertThat(lines).noneMatch(line -> line.contains("\"kind\":\"record\"") && line.contains("\"billing\""));
        assertThat(AuditExport.verify(filtered, key).valid()).isTrue();

        String text = Files.readString(full);
        int at = text.indexOf("\"alice\"") + 1;
        String editedLine = text.substring(text.lastIndexOf('\n', at) + 1, text.indexOf('\n', at));
        long editedSeq = JSON.readTree(editedLine).path("seq").asLong();
        Files.writeString(full, text.substring(0, at) + 'A' + text.substring(at + 1));
        Verdict edited = AuditExport.verify(full, key);
        assertThat(edited.valid()).isFalse();
        assertThat(edited.reason()).isEqualTo(Verdict.Reason.MODIFIED);
        assertThat(edited.firstBadSeq()).isEqualTo(editedSeq);

        String csv = get("/api/audit/export?format=csv").body();
        assertThat(csv.lines().findFirst().orElseThrow()).startsWith("kind,seq,id,type");
        assertThat(csv.lines().filter(line -> line.startsWith("record,"))).hasSize(EVENTS);
        assertThat(csv.lines().filter(line -> line.startsWith("checkpoint,"))).isNotEmpty();
    }

    @Test
    void searchesWithFiltersAndKeysetPages() throws Exception {
        JsonNode byActor = getJson("/api/audit/events?actor=bob&application=shop");
        assertThat(byActor.size()).isPositive();
        byActor.forEach(record -> {
            assertThat(record.path("actor").asString()).isEqualTo("bob");
            assertThat(record.path("subject").asString()).isEqualTo("shop");
        });
        JsonNode byRelease = getJson("/api/audit/events?releaseId=" + SHOP_RELEASE);
        assertThat(byRelease.size()).isEqualTo(1);
        JsonNode byText = getJson("/api/audit/events?q=ticket4");
        assertThat(byText.size()).isEqualTo(1);
        assertThat(byText.get(0).path("data").path("comment").asString()).contains("ticket4");
        JsonNode byType = getJson("/api/audit/events?type=io.relops.health.verified&since=2000-01-01T00:00:00Z");
        assertThat(byType.size()).isEqualTo(13);
        // a short window is searched through the time indexes and sorted: the same records, in seq order, paged
        String window = "type=io.relops.health.verified&since=" + Instant.now().minus(Duration.ofDays(1)) + "&until="
                + Instant.now().plus(Duration.ofDays(1));
        JsonNode inWindow = getJson("/api/audit/events?" + window);
        assertThat(inWindow).isEqualTo(byType);
        JsonNode firstPage = getJson("/api/audit/events?limit=5&" + window);
        JsonNode nextPage = getJson("/api/audit/events?limit=5&after="
                + firstPage.get(4).path("seq").asLong() + "&" + window);
        assertThat(firstPage.get(0)).isEqualTo(byType.get(0));
        assertThat(nextPage.get(0)).isEqualTo(byType.get(5));
        assertThat(get("/api/audit/export?format=csv&" + window)
                        .body()
                        .lines()
                        .filter(line -> line.startsWith("record,") && line.contains("io.relops.health.verified")))
                .hasSize(13);

        HttpResponse<String> first = get("/api/audit/events?limit=15");
        assertThat(JSON.readTree(first.body()).size()).isEqualTo(15);
        String next = first.headers().firstValue("Link").orElseThrow();
        assertThat(next).contains("after=15");
        JsonNode second = getJson(next.substring(1, next.indexOf('>')));
        assertThat(second.get(0).path("seq").asLong()).isEqualTo(16);

        HttpResponse<String> bad = get("/api/audit/events?since=yesterday");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type").orElseThrow()).contains("application/problem+json");
        assertThat(bad.body()).contains("since must be an ISO-8601 instant");
        assertThat(get("/api/audit/export?format=xml").statusCode()).isEqualTo(400);
    }

    @Test
    void freeTextWithOtherFiltersIsAnsweredThroughTheDocumentsExactLexemes() throws Exception {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(count("select coalesce(max(seq), 0) from audit.audit_index"))
                        .isEqualTo(EVENTS));
        assertThat(count("select count(*) from audit.audit_index where search @@ '''@a:shop'''::tsquery"))
                .isEqualTo(count("select count(*) from audit.audit_index where subject = 'shop'"))
                .isPositive();
        assertThat(count("select count(*) from audit.audit_index"
                        + " where search @@ '''@t:io.relops.health.verified'''::tsquery"))
                .isEqualTo(13);

        String filters = "application=shop&type=io.relops.health.verified&since="
                + Instant.now().minus(Duration.ofDays(1)) + "&until="
                + Instant.now().plus(Duration.ofDays(1));
        JsonNode withoutText = getJson("/api/audit/events?" + filters);
        assertThat(withoutText.size()).isPositive();
        // every health.verified of shop is for environment prod: the word narrows nothing here
        assertThat(getJson("/api/audit/events?q=prod&" + filters)).isEqualTo(withoutText);
        // a window with free text is probed through the buckets of its days (V8): the indexer added every
        // (day, seq bucket) pair of what it indexed, and keyset pages of such a search give the whole answer
        assertThat(count("select count(*) from audit.audit_window_bucket"))
                .isEqualTo(count("select count(distinct (floor(extract(epoch from event_time) / 86400), seq >> 16))"
                        + " from audit.audit_index"))
                .isPositive();
        String window = "since=" + Instant.now().minus(Duration.ofDays(1)) + "&until="
                + Instant.now().plus(Duration.ofDays(1));
        JsonNode textInWindow = getJson("/api/audit/events?q=prod&" + window);
        assertThat(textInWindow).isEqualTo(getJson("/api/audit/events?q=prod"));
        assertThat(textInWindow.size()).isGreaterThan(5);
        JsonNode firstTextPage = getJson("/api/audit/events?limit=5&q=prod&" + window);
        JsonNode nextTextPage = getJson("/api/audit/events?limit=5&q=prod&after="
                + firstTextPage.get(4).path("seq").asLong() + "&" + window);
        assertThat(firstTextPage.get(0)).isEqualTo(textInWindow.get(0));
        assertThat(nextTextPage.get(0)).isEqualTo(textInWindow.get(5));
        assertThat(getJson("/api/audit/events?q=prod&application=billing&type=io.relops.release.approved"))
                .isEmpty();
        // a window of other days has none of them, though the words and the application match
        assertThat(getJson("/api/audit/events?q=prod&application=shop&since=2020-01-01T00:00:00Z"
                        + "&until=2020-01-03T00:00:00Z"))
                .isEmpty();
        // user text never reaches a lexeme: '@a:shop' is parsed into the words 'a' and 'shop', as any text is
        // (a record whose random ids hold the word 'a' matches both), never into every record of shop
        JsonNode lexemeAsText = getJson("/api/audit/events?q=" + URLEncoder.encode("@a:shop", StandardCharsets.UTF_8));
        assertThat(lexemeAsText)
                .isEqualTo(getJson("/api/audit/events?q=" + URLEncoder.encode("a shop", StandardCharsets.UTF_8)));
        assertThat(lexemeAsText.size())
                .isLessThan(getJson("/api/audit/events?application=shop").size());
    }

    private JsonNode assertVerdict(long seq, Verdict.Reason reason) throws Exception {
        double failedBefore = verifications("failed");
        JsonNode verdict = getJson("/api/audit/verify");
        assertThat(verdict.path("valid").asBoolean()).as(verdict.toString()).isFalse();
        // what RelopsAuditVerificationFailing (ops/prometheus/relops-rules.yml) alerts on
        assertThat(verifications("failed")).isEqualTo(failedBefore + 1);
        assertThat(verdict.path("firstBadSeq").asLong()).as(verdict.toString()).isEqualTo(seq);
        assertThat(verdict.path("reason").asString()).as(verdict.toString()).isEqualTo(reason.name());
        return verdict;
    }

    /**
     * Direct SQL as a superuser, triggers bypassed (session_replication_role = replica), in one transaction
     * (the service's periodic checkpoint never sees a half-restored log).
     */
    private static void tamper(String... statements) throws SQLException {
        try (Connection db = superuser();
                Statement sql = db.createStatement()) {
            db.setAutoCommit(false);
            sql.execute("set session_replication_role = replica");
            for (String statement : statements) {
                sql.execute(statement);
            }
            db.commit();
        }
    }

    private static void restore() throws SQLException {
        String columns = "seq, event_id, event_type, source, subject, release_id, event_time, topic, actor,"
                + " recorded_at, data, prev_hash, hash";
        tamper(
                "delete from audit.audit_record",
                "insert into audit.audit_record (" + columns + ") select " + columns + " from audit.pristine_record",
                "delete from audit.audit_checkpoint",
                "insert into audit.audit_checkpoint select * from audit.pristine_checkpoint");
    }

    private static Connection superuser() throws SQLException {
        return DriverManager.getConnection(
                DB_URL, Postgres.server().username(), Postgres.server().password());
    }

    private static long count(String query) throws SQLException {
        try (Connection db = superuser();
                PreparedStatement sql = db.prepareStatement(query);
                ResultSet rs = sql.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Kafka.bootstrapServers());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(properties);
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, RelopsEvent<?> event) throws Exception {
        EncodedEvent encoded = CloudEventCodec.encode(event);
        String topic = event.data() instanceof HealthVerified ? HEALTH_TOPIC : RELEASE_TOPIC;
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, encoded.key(), encoded.value());
        encoded.headers().forEach((name, value) -> record.headers().add(name, value));
        producer.send(record).get();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Authorization", TestCredentials.bearer("auditor"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** relops_audit_verifications_total{outcome} as Prometheus scrapes it. */
    private double verifications(String outcome) throws Exception {
        HttpResponse<String> scrape = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus"))
                        .header("Authorization", TestCredentials.bearer("admin"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        Matcher sample = Pattern.compile(
                        "(?m)^relops_audit_verifications_total\\{[^}]*outcome=\"" + outcome + "\"[^}]*} (\\S+)$")
                .matcher(scrape.body());
        assertThat(sample.find())
                .as("relops_audit_verifications_total{outcome=%s} in the scrape", outcome)
                .isTrue();
        return Double.parseDouble(sample.group(1));
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
