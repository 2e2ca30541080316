package io.relops.backup.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.relops.backup.BackupServiceApplication;
import io.relops.backup.policy.BackupSettings;
import io.relops.backup.storage.Stores;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Properties;
import java.util.UUID;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 storage against a real S3 API server in this JVM (s3proxy over an in-memory blob store), with client-side
 * AES-GCM encryption: the stored object is ciphertext; verification and restore read it back.
 */
@SpringBootTest(classes = BackupServiceApplication.class)
class S3EncryptedBackupIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String BUCKET = "relops-backups-" + RUN;
    private static S3Proxy s3proxy;
    private static BackupSettings.S3 s3;
    private static Path data;

    @Autowired
    Backups backups;

    @Autowired
    BackupRepository repository;

    @Autowired
    MeterRegistry metrics;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Properties overrides = new Properties();
        BlobStoreContext blobs =
                ContextBuilder.newBuilder("transient").overrides(overrides).build(BlobStoreContext.class);
        s3proxy = S3Proxy.builder()
                .blobStore(blobs.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "relops-it", "relops-it-secret")
                .build();
        s3proxy.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> "STARTED".equals(s3proxy.getState()));
        URI endpoint = URI.create("http://127.0.0.1:" + s3proxy.getPort());
        s3 = new BackupSettings.S3(endpoint, "us-east-1", BUCKET, "it/", "relops-it", "relops-it-secret", true, true);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        data = Files.createTempDirectory("relops-s3-files-");

        Postgres.Server server = Postgres.server();
        registry.add("relops.database.url", () -> Postgres.freshDatabase("backup_s3_it"));
        registry.add("relops.database.username", server::username);
        registry.add("relops.database.password", server::password);
        registry.add("relops.kafka.bootstrap-servers", Kafka::bootstrapServers);
        registry.add("relops.topics.release", () -> "relops.release.s3-it-" + RUN);
        registry.add("relops.topics.backup", () -> "relops.backup.s3-it-" + RUN);
        registry.add("relops.topics.health", () -> "relops.health.s3-it-" + RUN);
        registry.add("relops.topics.alert", () -> "relops.alert.s3-it-" + RUN);
        registry.add("server.port", () -> "0");
        registry.add("relops.backup.poll-interval", () -> "500ms");
        registry.add("relops.backup.storage.type", () -> "s3");
        registry.add("relops.backup.storage.s3.endpoint", endpoint::toString);
        registry.add("relops.backup.storage.s3.bucket", () -> BUCKET);
        registry.add("relops.backup.storage.s3.prefix", () -> "it/");
        registry.add("relops.backup.storage.s3.access-key", () -> "relops-it");
        registry.add("relops.backup.storage.s3.secret-key", () -> "relops-it-secret");
        registry.add("relops.backup.storage.s3.create-bucket", () -> "true");
        registry.add(
                "relops.backup.storage.encryption-key",
                () -> Base64.getEncoder().encodeToString(key));
        registry.add("relops.applications.notes.backup.driver", () -> "filesystem");
        registry.add("relops.applications.notes.backup.filesystem.path", data::toString);
        registry.add("relops.applications.notes.backup.verify.test-restore", () -> "true");
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (s3proxy != null) {
            s3proxy.stop();
        }
    }

    @Test
    void storesEncryptedInS3AndVerifiesAndRestoresFromThere() throws Exception {
        String secret = "the plaintext that must not reach the bucket ".repeat(50);
        Files.writeString(data.resolve("notes.txt"), secret);
        Files.createDirectories(data.resolve("sub"));
        Files.writeString(data.resolve("sub/more.txt"), "more");

        BackupRecord requested = backups.request("notes", null, "it");
        BackupRecord done = awaitBackup(requested.id(), b -> "PASSED".equals(b.verification()));
        assertThat(done.location()).isEqualTo("s3://" + BUCKET + "/it/" + done.storageKey());
        assertThat(done.encrypted()).isTrue();
        assertThat(done.verificationChecks())
                .extracting(c -> c.name() + "=" + c.passed())
                .containsExactly("sha256=true", "archive entries=true", "manifest=true", "test restore=true");

        try (S3Client client = Stores.s3Client(s3)) {
            byte[] stored = client.getObjectAsBytes(b -> b.bucket(BUCKET).key("it/" + done.storageKey()))
                    .asByteArray();
            assertThat(stored).hasSize(done.sizeBytes().intValue());
            assertThat(new String(stored, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RLBE");
            assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("plaintext that must not");
            assertThat(EngineHash.sha256(stored)).isEqualTo(done.sha256());
        }

        assertThat(metrics.get("relops.backup.outcomes")
                        .tags("application", "notes", "outcome", "completed")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(metrics.get("relops.backup.size")
                        .tags("application", "notes")
                        .summary()
                        .totalAmount())
                .isEqualTo(done.sizeBytes().doubleValue());
        assertThat(metrics.get("relops.backup.newest.verified.age")
                        .tags("application", "notes")
                        .gauge()
                        .value())
                .isBetween(0.0, 120.0);

        Files.writeString(data.resolve("notes.txt"), "overwritten");
        RestoreRecord restore = backups.requestRestore(done.id(), "it");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> repository
                        .findRestore(restore.id())
                        .orElseThrow()
                        .status()
                        .terminal());
        assertThat(repository.findRestore(restore.id()).orElseThrow().status()).isEqualTo(RestoreStatus.COMPLETED);
        assertThat(Files.readString(data.resolve("notes.txt"))).isEqualTo(secret);
        assertThat(Files.readString(data.resolve("sub/more.txt"))).isEqualTo("more");
    }

    private BackupRecord awaitBackup(UUID id, java.util.function.Predicate<BackupRecord> done) {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    BackupRecord b = repository.find(id).orElseThrow();
                    if (b.status() == BackupStatus.FAILED) {
                        throw new AssertionError("backup failed: " + b.reason());
                    }
                    return done.test(b);
                });
        return repository.find(id).orElseThrow();
    }

    /** SHA-256 in hex. */
    static final class EngineHash {
        static String sha256(byte[] bytes) throws Exception {
            return java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        }
    }
}
