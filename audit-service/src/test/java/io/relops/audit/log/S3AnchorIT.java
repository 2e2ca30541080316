package io.relops.audit.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.relops.audit.AuditServiceApplication;
import io.relops.common.audit.AuditExport;
import io.relops.common.audit.Checkpoint;
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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The S3 anchor against a real S3 API in this JVM (s3proxy over an in-memory blob store), real PostgreSQL and
 * Kafka: every checkpoint lands in the bucket, and a superuser deleting the newest records and their checkpoints is
 * still found, and the range named, from the S3 anchors alone once the anchor topic's records are deleted too.
 *
 * <p>s3proxy does not implement Object Lock: it answers GetObjectLockConfiguration with an empty configuration (so
 * the service runs with {@code require-object-lock=false} here, and the start-up check is shown to refuse that
 * bucket), and it answers a put with lock headers 501 Not Implemented unless started with {@code
 * ignoreUnknownHeaders}: then it accepts them without enforcing them. It does check Content-MD5.
 */
@SpringBootTest(classes = AuditServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class S3AnchorIT {

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String DB_URL = Postgres.freshDatabase("audit_s3_anchor_it");
    static final AuditDatabase DB = new AuditDatabase(DB_URL);
    static final String ANCHORS = "it-s3-anchors-" + RUN;
    static final String BUCKET = "relops-audit-anchors-" + RUN;
    static final JsonMapper JSON = JsonMapper.builder().build();

    static S3Proxy s3proxy;
    static URI endpoint;

    @TempDir
    static Path keyDirectory;

    @LocalServerPort
    int port;

    @Autowired
    AuditWriter writer;

    @Autowired
    CheckpointAnchors anchors;

    @Autowired
    S3Anchors s3Anchors;

    final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        BlobStoreContext blobs = ContextBuilder.newBuilder("transient")
                .overrides(new Properties())
                .build(BlobStoreContext.class);
        s3proxy = S3Proxy.builder()
                .blobStore(blobs.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "relops-it", "relops-it-secret")
                // the x-amz-object-lock-* headers: accepted, not enforced (s3proxy has no Object Lock)
                .ignoreUnknownHeaders(true)
                .build();
        s3proxy.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> "STARTED".equals(s3proxy.getState()));
        endpoint = URI.create("http://127.0.0.1:" + s3proxy.getPort());
        try (S3Client s3 = client()) {
            s3.createBucket(b -> b.bucket(BUCKET));
        }

        registry.add("relops.kafka.bootstrap-servers", Kafka::bootstrapServers);
        TestCredentials.properties().forEach((key, value) -> registry.add(key, () -> value));
        registry.add("relops.database.url", () -> DB_URL);
        registry.add("relops.database.username", () -> Postgres.server().username());
        registry.add("relops.database.password", () -> Postgres.server().password());
        registry.add("relops.topics.release", () -> "it-s3a-release-" + RUN);
        registry.add("relops.topics.health", () -> "it-s3a-health-" + RUN);
        registry.add("relops.topics.backup", () -> "it-s3a-backup-" + RUN);
        registry.add("relops.topics.alert", () -> "it-s3a-alert-" + RUN);
        registry.add("relops.audit.anchor.topic", () -> ANCHORS);
        registry.add("relops.audit.anchor.interval", () -> "200ms");
        registry.add("relops.audit.checkpoint.every-records", () -> "3");
        registry.add("relops.audit.checkpoint.interval", () -> "300ms");
        registry.add("relops.audit.verification.initial-delay", () -> "1h"); // verified by the tests
        registry.add(
                "relops.audit.signing.key-file",
                () -> keyDirectory.resolve("signing.pem").toString());
        registry.add("relops.audit.signing.generate-if-missing", () -> "true");
        s3Settings().forEach((key, value) -> registry.add(key, () -> value));
        registry.add("relops.audit.anchor.s3.require-object-lock", () -> "false");
    }

    static Map<String, String> s3Settings() {
        return Map.of(
                "relops.audit.anchor.s3.bucket", BUCKET,
                "relops.audit.anchor.s3.endpoint", endpoint.toString(),
                "relops.audit.anchor.s3.region", "us-east-1",
                "relops.audit.anchor.s3.prefix", "it/anchors",
                "relops.audit.anchor.s3.path-style", "true",
                "relops.audit.anchor.s3.access-key", "relops-it",
                "relops.audit.anchor.s3.secret-key", "relops-it-secret");
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (s3proxy != null) {
            s3proxy.stop();
        }
    }

    @Test
    @Order(1)
    void everyAnchoredCheckpointIsWrittenToTheBucketAsItsJsonLine() throws Exception {
        appendInOrder(6);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> DB.count("select coalesce(max(seq), 0) from audit.audit_checkpoint") == 6);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> DB.count("select count(*) from audit.audit_anchored")
                        == DB.count("select count(*) from audit.audit_checkpoint"));

        List<Checkpoint> stored = checkpoints();
        try (S3Client s3 = client()) {
            List<String> keys =
                    s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix("it/anchors/")).contents().stream()
                            .map(S3Object::key)
                            .toList();
            assertThat(keys)
                    .containsExactlyElementsOf(stored.stream()
                            .sorted(java.util.Comparator.comparingLong(Checkpoint::seq)
                                    .thenComparing(Checkpoint::kind))
                            .map(c -> String.format("it/anchors/%019d-%s.json", c.seq(), c.kind()))
                            .toList());
            for (Checkpoint checkpoint : stored) {
                String body = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(s3Anchors.key(checkpoint)))
                        .asUtf8String();
                assertThat(body).isEqualTo(AuditExport.checkpointLine(checkpoint));
            }
        }
        assertThat(s3Anchors.newest().checkpoints())
                .extracting(anchor -> anchor.checkpoint().seq())
                .contains(6L);
        JsonNode verdict = getJson("/api/audit/verify");
        assertThat(verdict.path("valid").asBoolean()).as(verdict.toString()).isTrue();
        assertThat(verdict.path("notes").toString()).contains("the head agrees with the newest anchored checkpoint");
    }

    @Test
    @Order(2)
    void withTheTopicEmptiedTheS3AnchorsStillNameTheRecordsDeletedAtTheHead() throws Exception {
        anchors.publishPendingLocked();
        long checkpointsDeleted = DB.count("select count(*) from audit.audit_checkpoint where seq >= 4");
        assertThat(checkpointsDeleted).isPositive();
        DB.tamper(
                "delete from audit.audit_index where seq >= 4",
                "delete from audit.audit_record where seq >= 4",
                "delete from audit.audit_checkpoint where seq >= 4");
        // both anchors hold the deleted checkpoints: each counts once
        JsonNode both = getJson("/api/audit/verify");
        assertThat(both.path("valid").asBoolean()).as(both.toString()).isFalse();
        assertThat(both.path("reason").asString()).isEqualTo(Verdict.Reason.ANCHOR_MISMATCH.name());
        assertThat(both.path("detail").asString())
                .startsWith("records 4 to 6 and " + checkpointsDeleted + " checkpoint(s) are missing at the head;"
                        + " the anchor at seq 6 was published ");

        // the anchor topic's records are deleted too (a Kafka admin could): only the bucket remains
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Kafka.bootstrapServers()))) {
            TopicPartition partition = new TopicPartition(ANCHORS, 0);
            long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest()))
                    .partitionResult(partition)
                    .get()
                    .offset();
            admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(end)))
                    .all()
                    .get();
        }
        assertThat(anchors.newest().checkpoints()).isEmpty();

        JsonNode verdict = getJson("/api/audit/verify");
        assertThat(verdict.path("valid").asBoolean()).as(verdict.toString()).isFalse();
        assertThat(verdict.path("reason").asString()).isEqualTo(Verdict.Reason.ANCHOR_MISMATCH.name());
        assertThat(verdict.path("firstBadSeq").asLong()).isEqualTo(4);
        assertThat(verdict.path("detail").asString())
                .startsWith("records 4 to 6 and " + checkpointsDeleted + " checkpoint(s) are missing at the head;"
                        + " the anchor at seq 6 was published ")
                .contains("(s3://" + BUCKET + "/it/anchors/0000000000000000006-");
    }

    @Test
    @Order(3)
    void aBucketThatCannotShowObjectLockIsRefusedAtStartNamingTheSetting() {
        // s3proxy has no Object Lock: with the check on (the default), the S3 anchor refuses to start
        Map<String, String> settings = new java.util.HashMap<>(s3Settings());
        AuditProperties properties = new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("relops.audit", AuditProperties.class);
        assertThat(properties.anchor().s3().requireObjectLock()).isTrue();
        assertThat(properties.anchor().s3().mode()).isEqualTo("COMPLIANCE");
        assertThatThrownBy(() -> new S3Anchors(properties, null, new SimpleMeterRegistry()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("relops.audit.anchor.s3.bucket '" + BUCKET
                        + "' does not have Object Lock enabled: the anchors could be deleted or overwritten");

        settings.put("relops.audit.anchor.s3.mode", "LEGAL");
        AuditProperties badMode = new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("relops.audit", AuditProperties.class);
        assertThatThrownBy(() -> new S3Anchors(badMode, null, new SimpleMeterRegistry()))
                .hasMessage("relops.audit.anchor.s3.mode must be COMPLIANCE or GOVERNANCE, is 'LEGAL'");
    }

    // --- helpers

    private static S3Client client() {
        return S3Client.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("relops-it", "relops-it-secret")))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.builder().build())
                .endpointOverride(endpoint)
                .build();
    }

    private void appendInOrder(int n) {
        for (int i = 0; i < n; i++) {
            writer.append(List.of(AuditWriter.Incoming.of(
                    RelopsEvent.of(
                            URI.create("/relops/it"),
                            new HealthVerified(
                                    UUID.randomUUID(),
                                    "shop",
                                    "prod",
                                    "1.0." + i,
                                    "blue",
                                    null,
                                    List.of(new ProbeResult("http", true, "200", "200", 10L, null)))),
                    "it-s3")));
        }
    }

    private static List<Checkpoint> checkpoints() throws SQLException {
        List<Checkpoint> checkpoints = new ArrayList<>();
        try (Connection db = DB.superuser();
                Statement sql = db.createStatement();
                ResultSet rs = sql.executeQuery(
                        "select seq, hash, checkpoint_time, kind, key_id, signature, format, from_seq, policy, newest"
                                + " from audit.audit_checkpoint order by seq")) {
            while (rs.next()) {
                checkpoints.add(AuditStore.checkpoint(rs));
            }
        }
        return checkpoints;
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Authorization", TestCredentials.bearer("auditor"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
