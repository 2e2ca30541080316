package io.relops.backup.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relops.backup.BackupServiceApplication;
import io.relops.backup.driver.BackupDriver;
import io.relops.backup.driver.FilesystemDriver;
import io.relops.backup.policy.BackupCatalog.BackupSpec;
import io.relops.common.codec.EventJson;
import io.relops.common.event.BackupCompleted;
import io.relops.common.event.BackupFailed;
import io.relops.common.event.BackupPruned;
import io.relops.common.event.BackupRequested;
import io.relops.common.event.BackupVerified.Check;
import io.relops.common.event.ReleaseRequested;
import io.relops.common.event.RelopsEvent;
import io.relops.common.event.RestoreRequested;
import io.relops.testkit.DeadLetters;
import io.relops.testkit.EventStream;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import io.relops.testkit.ReleaseDriver;
import io.relops.testkit.TestCredentials;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The {@code filesystem} driver through the whole service (real PostgreSQL catalog, real Kafka): zstd backups verified,
 * test-restored and restored; a corrupted zstd artifact failing verification and pruned once a good backup follows;
 * the progress of a running backup growing in the API before it completes.
 */
@SpringBootTest(classes = BackupServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(FilesystemBackupIT.Gate.class)
class FilesystemBackupIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String BACKUP_TOPIC = "relops.backup.fs-it-" + RUN;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final Path storage = tempDirectory("relops-fs-backups-");
    private static final Path zstdData = tempDirectory("relops-zstd-");
    private static final Path corruptData = tempDirectory("relops-zstd-corrupt-");
    private static final Path gatedData = tempDirectory("relops-gated-");
    private static final Path unverifiedData = tempDirectory("relops-unverified-");
    private static final Path actorsData = tempDirectory("relops-actors-");
    private static final Path restoredData = tempDirectory("relops-restored-by-event-");
    private static final Path layeredData = tempDirectory("relops-layered-");
    private static final Path layeredStagingData = tempDirectory("relops-layered-staging-");
    private static final int GATED_BYTES = 4 << 20;
    private static EventStream backupEvents;

    @Autowired
    Environment environment;

    @Autowired
    GatedDriver gated;

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Postgres.Server server = Postgres.server();
        registry.add("relops.database.url", () -> Postgres.freshDatabase("backup_fs_it"));
        registry.add("relops.database.username", server::username);
        registry.add("relops.database.password", server::password);
        registry.add("relops.kafka.bootstrap-servers", Kafka::bootstrapServers);
        TestCredentials.properties().forEach((key, value) -> registry.add(key, () -> value));
        registry.add("relops.topics.release", () -> "relops.release.fs-it-" + RUN);
        registry.add("relops.topics.backup", () -> BACKUP_TOPIC);
        registry.add("relops.topics.health", () -> "relops.health.fs-it-" + RUN);
        registry.add("relops.topics.alert", () -> "relops.alert.fs-it-" + RUN);
        registry.add("relops.backup.storage.local.directory", storage::toString);
        registry.add("relops.backup.poll-interval", () -> "500ms");
        registry.add("relops.backup.progress-interval", () -> "100ms");
        for (Map.Entry<String, Path> app :
                Map.of("zstd-files", zstdData, "zstd-corrupt", corruptData).entrySet()) {
            String prefix = "relops.applications." + app.getKey() + ".backup.";
            registry.add(prefix + "driver", () -> "filesystem");
            registry.add(prefix + "filesystem.path", app.getValue()::toString);
            registry.add(prefix + "filesystem.compression", () -> "zstd");
            registry.add(prefix + "verify.test-restore", () -> "true");
        }
        registry.add("relops.applications.unverified.backup.driver", () -> "filesystem");
        registry.add("relops.applications.unverified.backup.filesystem.path", unverifiedData::toString);
        registry.add("relops.applications.unverified.backup.verify.after-backup", () -> "false");
        registry.add("relops.applications.actors.backup.driver", () -> "filesystem");
        registry.add("relops.applications.actors.backup.filesystem.path", actorsData::toString);
        registry.add("relops.applications.actors.backup.verify.after-backup", () -> "false");
        registry.add("relops.applications.restored-by-event.backup.driver", () -> "filesystem");
        registry.add("relops.applications.restored-by-event.backup.filesystem.path", restoredData::toString);
        registry.add("relops.applications.restored-by-event.backup.verify.after-backup", () -> "false");
        registry.add("relops.applications.layered.backup.driver", () -> "filesystem");
        registry.add("relops.applications.layered.backup.before-deploy", () -> "true");
        registry.add("relops.applications.layered.backup.filesystem.path", layeredData::toString);
        registry.add("relops.applications.layered.backup.verify.after-backup", () -> "false");
        registry.add(
                "relops.applications.layered.environments.staging.backup.filesystem.path",
                layeredStagingData::toString);
        registry.add("relops.applications.gated.backup.driver", () -> GatedDriver.NAME);
        registry.add("relops.applications.gated.backup.filesystem.path", gatedData::toString);
    }

    @BeforeAll
    static void watch() throws IOException {
        Files.write(gatedData.resolve("big.bin"), random(GATED_BYTES, 7));
        backupEvents = EventStream.watching(BACKUP_TOPIC);
    }

    @AfterAll
    static void close() {
        if (backupEvents != null) {
            backupEvents.close();
        }
    }

    @Test
    void takesVerifiesTestRestoresAndRestoresAZstdBackup() throws Exception {
        byte[] blob = random(200_000, 1);
        Files.write(zstdData.resolve("blob.bin"), blob);
        Files.createDirectories(zstdData.resolve("nested"));
        Files.writeString(zstdData.resolve("nested/state.json"), "{\"visits\": 42}");

        String id = requestBackup("zstd-files");
        JsonNode backup =
                awaitBackup(id, b -> "PASSED".equals(b.path("verification").asString()));
        assertThat(backup.path("location").asString()).endsWith(".tar.zst");
        assertThat(backup.path("evidence").path("files").asLong()).isEqualTo(2);
        assertThat(checks(backup))
                .extracting(Check::name)
                .containsExactly("sha256", "archive entries", "manifest", "test restore");
        assertThat(checks(backup)).extracting(Check::detail).contains("all 2 files match their size and sha256");
        byte[] head = new byte[4];
        try (var in =
                Files.newInputStream(Path.of(URI.create(backup.path("location").asString())))) {
            assertThat(in.readNBytes(head, 0, 4)).isEqualTo(4);
        }
        assertThat(head).containsExactly(0x28, 0xb5, 0x2f, 0xfd);

        Files.writeString(zstdData.resolve("nested/state.json"), "{\"visits\": -1}");
        Files.delete(zstdData.resolve("blob.bin"));
        assertThat(post("/api/backups/" + id + "/restore").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(json(get("/api/backups/" + id + "/restores"))
                                .get(0)
                                .path("status")
                                .asString())
                        .isEqualTo("COMPLETED"));
        assertThat(Files.readAllBytes(zstdData.resolve("blob.bin"))).isEqualTo(blob);
        assertThat(Files.readString(zstdData.resolve("nested/state.json"))).isEqualTo("{\"visits\": 42}");
    }

    /**
     * A direct caller (not through the gateway) names someone else in {@code X-Relops-Actor}: the backup and the
     * restore, their records and their events, name the authenticated caller.
     */
    @Test
    void anXRelopsActorHeaderNamingSomeoneElseIsIgnoredAndTheCallerIsRecorded() throws Exception {
        Files.writeString(actorsData.resolve("state.txt"), "who asked?");
        HttpResponse<String> backup = http.send(
                HttpRequest.newBuilder(url("/api/backups"))
                        .header("Authorization", TestCredentials.bearer("operator"))
                        .header("X-Relops-Actor", "mallory")
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"application\":\"actors\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(backup.statusCode()).as(backup.body()).isEqualTo(202);
        JsonNode requested = EventJson.mapper().readTree(backup.body());
        assertThat(requested.path("requestedBy").asString()).isEqualTo(TestCredentials.name("operator"));
        String id = requested.path("id").asString();
        awaitBackup(id, b -> "COMPLETED".equals(b.path("status").asString()));

        HttpResponse<String> restore = http.send(
                HttpRequest.newBuilder(url("/api/backups/" + id + "/restore"))
                        .header("Authorization", TestCredentials.bearer("admin"))
                        .header("X-Relops-Actor", "mallory")
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(restore.statusCode()).as(restore.body()).isEqualTo(202);
        assertThat(EventJson.mapper()
                        .readTree(restore.body())
                        .path("requestedBy")
                        .asString())
                .isEqualTo(TestCredentials.name("admin"));
        assertThat(json(get("/api/backups/" + id + "/restores"))
                        .get(0)
                        .path("requestedBy")
                        .asString())
                .isEqualTo(TestCredentials.name("admin"));
        RestoreRequested event = backupEvents
                .await(RestoreRequested.class, r -> r.backupId().toString().equals(id), Duration.ofSeconds(30))
                .data();
        assertThat(event.requestedBy()).isEqualTo(TestCredentials.name("admin"));
        assertThat(backupEvents.data(BackupRequested.class))
                .filteredOn(b -> b.backupId().toString().equals(id))
                .extracting(BackupRequested::requestedBy)
                .containsOnly(TestCredentials.name("operator"));
        assertThat(backupEvents.received())
                .as(
                        "no event of this test's application names mallory (another test publishes mallory's forged restore)")
                .filteredOn(r -> "actors".equals(r.event().subject()))
                .isNotEmpty()
                .noneMatch(r -> r.event().data().toString().contains("mallory"));
    }

    /** An environment's backups are of its own data (its effective settings), recorded with it, restored there. */
    @Test
    void backsUpAndRestoresTheDataOfTheReleasesEnvironment() throws Exception {
        Files.writeString(layeredData.resolve("application.txt"), "the application's own settings");
        Files.writeString(layeredStagingData.resolve("a.txt"), "staging a");
        Files.writeString(layeredStagingData.resolve("b.txt"), "staging b");
        UUID release = UUID.randomUUID();
        backupEvents.publish(
                "relops.release.fs-it-" + RUN,
                ReleaseDriver.SOURCE,
                new ReleaseRequested(release, "layered", "1.0.0", "staging", null, "alice", null, null));

        BackupCompleted preDeploy = backupEvents
                .await(BackupCompleted.class, b -> release.equals(b.releaseId()), Duration.ofSeconds(60))
                .data();
        JsonNode staging = awaitBackup(
                preDeploy.backupId().toString(),
                b -> "COMPLETED".equals(b.path("status").asString()));
        assertThat(staging.path("environment").asString()).isEqualTo("staging");
        assertThat(staging.path("trigger").asString()).isEqualTo("pre-deploy");
        assertThat(staging.path("evidence").path("files").asLong())
                .as("staging's two files")
                .isEqualTo(2);

        String own = requestBackup("layered");
        JsonNode application =
                awaitBackup(own, b -> "COMPLETED".equals(b.path("status").asString()));
        assertThat(application.path("environment").isNull()).isTrue();
        assertThat(application.path("evidence").path("files").asLong()).isEqualTo(1);

        Files.writeString(layeredStagingData.resolve("a.txt"), "overwritten");
        assertThat(post("/api/backups/" + preDeploy.backupId() + "/restore").statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(json(get("/api/backups/" + preDeploy.backupId() + "/restores"))
                                .get(0)
                                .path("status")
                                .asString())
                        .isEqualTo("COMPLETED"));
        assertThat(Files.readString(layeredStagingData.resolve("a.txt"))).isEqualTo("staging a");
        assertThat(layeredData.resolve("a.txt"))
                .as("nothing restored into the application's path")
                .doesNotExist();
    }

    @Test
    void actsOnARestoreRequestedOverKafkaOnlyWhenTheGatewaySignedItForAnAdmin() throws Exception {
        Files.writeString(restoredData.resolve("state.json"), "{\"restored\": true}");
        String id = requestBackup("restored-by-event");
        awaitBackup(id, b -> "COMPLETED".equals(b.path("status").asString()));
        UUID backupId = UUID.fromString(id);
        try (DeadLetters dead = DeadLetters.of(BACKUP_TOPIC, "backup-service")) {
            RelopsEvent<RestoreRequested> unsigned = RelopsEvent.of(
                    ReleaseDriver.SOURCE,
                    new RestoreRequested(UUID.randomUUID(), backupId, "restored-by-event", "mallory"));
            backupEvents.publish(BACKUP_TOPIC, unsigned);
            assertThat(dead.awaitReason(unsigned.id(), Duration.ofSeconds(30))).contains("not signed by the gateway");

            RelopsEvent<RestoreRequested> operator = RelopsEvent.of(
                    ReleaseDriver.SOURCE,
                    new RestoreRequested(UUID.randomUUID(), backupId, "restored-by-event", "carol"));
            backupEvents.publish(BACKUP_TOPIC, operator, TestCredentials.sign(operator, "operator"));
            assertThat(dead.awaitReason(operator.id(), Duration.ofSeconds(30))).contains("needs one of [admin]");
        }
        assertThat(json(get("/api/backups/" + id + "/restores"))).isEmpty();

        RelopsEvent<RestoreRequested> admin = RelopsEvent.of(
                ReleaseDriver.SOURCE, new RestoreRequested(UUID.randomUUID(), backupId, "restored-by-event", "dana"));
        backupEvents.publish(BACKUP_TOPIC, admin, TestCredentials.sign(admin, "admin"));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(json(get("/api/backups/" + id + "/restores")))
                        .singleElement()
                        .satisfies(restore -> {
                            assertThat(restore.path("requestedBy").asString()).isEqualTo("dana");
                            assertThat(restore.path("status").asString()).isEqualTo("COMPLETED");
                        }));
    }

    @Test
    void aCorruptedZstdBackupFailsVerificationAndIsPrunedOnceAGoodBackupFollows() throws Exception {
        // incompressible, so that zstd stores the bytes and a flipped one cannot decode to the same content
        Files.write(corruptData.resolve("ledger.bin"), random(300_000, 2));
        String first = requestBackup("zstd-corrupt");
        awaitBackup(first, b -> "PASSED".equals(b.path("verification").asString()));
        String second = requestBackup("zstd-corrupt");
        JsonNode good =
                awaitBackup(second, b -> "PASSED".equals(b.path("verification").asString()));

        Path artifact = Path.of(URI.create(good.path("location").asString()));
        byte[] bytes = Files.readAllBytes(artifact);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(artifact, bytes);
        assertThat(post("/api/backups/" + second + "/verify").statusCode()).isEqualTo(202);
        JsonNode failed =
                awaitBackup(second, b -> "FAILED".equals(b.path("verification").asString()));
        assertThat(checks(failed)).first().satisfies(c -> {
            assertThat(c.name()).isEqualTo("sha256");
            assertThat(c.passed()).isFalse();
            assertThat(c.detail()).contains("corrupted");
        });
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(backupEvents.data(BackupFailed.class))
                        .anySatisfy(f -> {
                            assertThat(f.backupId().toString()).isEqualTo(second);
                            assertThat(f.reason()).startsWith("verification failed: sha256");
                        }));

        String third = requestBackup("zstd-corrupt");
        awaitBackup(third, b -> "PASSED".equals(b.path("verification").asString()));
        JsonNode pruned =
                awaitBackup(second, b -> "PRUNED".equals(b.path("status").asString()));
        assertThat(pruned.path("prunedReason").asString()).startsWith("retention");
        // the prune is recorded first and the artifact deleted right after
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(artifact).doesNotExist());
        assertThat(artifactDeletionRecorded(second))
                .as("artifact deletion recorded")
                .isTrue();
        assertThat(json(get("/api/backups/" + first)).path("status").asString()).isEqualTo("COMPLETED");
        JsonNode listed = json(get("/api/backups?application=zstd-corrupt"));
        List<String> ids = new ArrayList<>();
        listed.forEach(b -> ids.add(b.path("id").asString()));
        assertThat(ids).as("newest first").containsExactly(third, second, first);
        listed.forEach(b -> assertThat(b.path("application").asString()).isEqualTo("zstd-corrupt"));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(backupEvents.data(BackupPruned.class))
                        .extracting(p -> p.backupId().toString())
                        .containsExactly(second));
    }

    @Test
    void theArtifactOfAPruneCutShortIsDeletedWithoutWaitingForTheNextBackup() throws Exception {
        Files.writeString(unverifiedData.resolve("state.txt"), "pruned by an interrupted pass");
        String id = requestBackup("unverified");
        JsonNode backup =
                awaitBackup(id, b -> "COMPLETED".equals(b.path("status").asString()));
        Path artifact = Path.of(URI.create(backup.path("location").asString()));
        assertThat(artifact).exists();

        // what a database outage right after a prune's commit leaves: PRUNED, its artifact still in the store
        jdbc.sql("update backup set status = 'PRUNED', pruned_at = now(), pruned_reason = 'it' where id = ?::uuid")
                .param(id)
                .update();

        // the file goes first, then its deletion is recorded: wait for both
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(artifact).doesNotExist();
            assertThat(artifactDeletionRecorded(id))
                    .as("artifact deletion recorded")
                    .isTrue();
        });
    }

    private boolean artifactDeletionRecorded(String backupId) {
        return jdbc.sql("select artifact_deleted_at is not null from backup where id = ?::uuid")
                .param(backupId)
                .query(Boolean.class)
                .single();
    }

    @Test
    void aVerificationWhoseInstanceStoppedReportingIsTakenOverAndOneInProgressIsLeftAlone() throws Exception {
        String id = requestBackup("unverified");
        JsonNode backup =
                awaitBackup(id, b -> "COMPLETED".equals(b.path("status").asString()));
        assertThat(backup.path("verification").isNull()).isTrue();

        // another instance claimed the verification and is still reporting: left alone
        jdbc.sql("update backup set verify_requested = true, verify_heartbeat_at = now() where id = ?::uuid")
                .param(id)
                .update();
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() ->
                        json(get("/api/backups/" + id)).path("verification").isNull());

        // that instance died: its claim goes stale (stale-after, 2 min) and the verification is taken over
        jdbc.sql("update backup set verify_heartbeat_at = now() - interval '3 minutes' where id = ?::uuid")
                .param(id)
                .update();
        awaitBackup(id, b -> "PASSED".equals(b.path("verification").asString()));
        assertThat(jdbc.sql("select verify_requested from backup where id = ?::uuid")
                        .param(id)
                        .query(Boolean.class)
                        .single())
                .isFalse();
    }

    @Test
    void aRunningBackupReportsGrowingBytesDoneBeforeItCompletes() throws Exception {
        String id = requestBackup("gated");
        JsonNode running =
                awaitBackup(id, b -> "RUNNING".equals(b.path("status").asString()));
        assertThat(running.path("bytesTotal").asLong())
                .as("first backup: the directory's size as the estimate")
                .isEqualTo(GATED_BYTES);

        List<Long> seen = new ArrayList<>();
        for (int permits : List.of(2, 4, 4)) {
            long before = seen.isEmpty() ? 0 : seen.get(seen.size() - 1);
            gated.allow(permits);
            JsonNode progress = awaitBackup(id, b -> b.path("bytesDone").asLong() > before);
            assertThat(progress.path("status").asString()).isEqualTo("RUNNING");
            seen.add(progress.path("bytesDone").asLong());
        }
        assertThat(seen).isSorted().doesNotHaveDuplicates();
        assertThat(seen.get(seen.size() - 1)).isLessThan(GATED_BYTES);

        gated.allow(1_000);
        JsonNode done = awaitBackup(id, b -> "COMPLETED".equals(b.path("status").asString()));
        assertThat(done.path("bytesDone").asLong())
                .isEqualTo(done.path("sizeBytes").asLong());
        assertThat(done.path("bytesTotal").asLong())
                .isEqualTo(done.path("sizeBytes").asLong());
        assertThat(done.path("sizeBytes").asLong()).isGreaterThan(seen.get(seen.size() - 1));
    }

    /** The filesystem driver, whose output waits for the test's permission every {@value #CHUNK} bytes. */
    static final class GatedDriver implements BackupDriver {
        static final String NAME = "gated-filesystem";
        static final int CHUNK = 256 * 1024;
        private final FilesystemDriver delegate = new FilesystemDriver();
        private final Semaphore chunks = new Semaphore(0);

        void allow(int permits) {
            chunks.release(permits);
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String extension(BackupSpec spec) {
            return delegate.extension(spec);
        }

        @Override
        public OptionalLong estimateSize(String application, BackupSpec spec) {
            return delegate.estimateSize(application, spec);
        }

        @Override
        public Map<String, Long> backup(String application, BackupSpec spec, OutputStream out) throws IOException {
            return delegate.backup(application, spec, new FilterOutputStream(out) {
                private long written;

                @Override
                public void write(int b) throws IOException {
                    gate(1);
                    out.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    while (len > 0) {
                        int piece = (int) Math.min(len, CHUNK - written % CHUNK);
                        gate(piece);
                        out.write(b, off, piece);
                        off += piece;
                        len -= piece;
                    }
                }

                private void gate(int bytes) throws IOException {
                    if (written % CHUNK == 0) {
                        try {
                            if (!chunks.tryAcquire(60, TimeUnit.SECONDS)) {
                                throw new IOException("the test never let the backup go on");
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException(e);
                        }
                    }
                    written += bytes;
                }
            });
        }

        @Override
        public List<Check> inspect(String application, BackupSpec spec, Path artifact) throws IOException {
            return delegate.inspect(application, spec, artifact);
        }

        @Override
        public List<Check> testRestore(String application, BackupSpec spec, Path artifact, Map<String, Long> evidence)
                throws IOException {
            return delegate.testRestore(application, spec, artifact, evidence);
        }

        @Override
        public void restore(String application, BackupSpec spec, Path artifact) throws IOException {
            delegate.restore(application, spec, artifact);
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Gate {
        @Bean
        GatedDriver gatedDriver() {
            return new GatedDriver();
        }
    }

    private String requestBackup(String application) throws Exception {
        HttpResponse<String> accepted = http.send(
                HttpRequest.newBuilder(url("/api/backups"))
                        .header("Authorization", TestCredentials.bearer("operator"))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"application\":\"" + application + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).isEqualTo(202);
        return EventJson.mapper().readTree(accepted.body()).path("id").asString();
    }

    private JsonNode awaitBackup(String id, Predicate<JsonNode> done) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    last[0] = json(get("/api/backups/" + id));
                    if ("FAILED".equals(last[0].path("status").asString())) {
                        throw new AssertionError(
                                "backup failed: " + last[0].path("reason").asString());
                    }
                    return done.test(last[0]);
                });
        return last[0];
    }

    private static List<Check> checks(JsonNode backup) {
        List<Check> checks = new ArrayList<>();
        backup.path("verificationChecks")
                .forEach(c -> checks.add(new Check(
                        c.path("name").asString(),
                        c.path("passed").asBoolean(),
                        c.path("detail").asString())));
        return checks;
    }

    private HttpResponse<String> post(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(url(path))
                        // verify and restore: restore is admin only (docs/security.md)
                        .header("Authorization", TestCredentials.bearer("admin"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String get(String path) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(url(path))
                                .header("Authorization", TestCredentials.bearer("auditor"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private URI url(String path) {
        return URI.create("http://localhost:" + environment.getProperty("local.server.port") + path);
    }

    private static JsonNode json(String body) {
        return EventJson.mapper().readTree(body);
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static Path tempDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
