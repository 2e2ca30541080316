package io.relops.backup.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.relops.backup.BackupServiceApplication;
import io.relops.common.codec.EventJson;
import io.relops.common.event.BackupCompleted;
import io.relops.common.event.BackupFailed;
import io.relops.common.event.BackupVerified;
import io.relops.common.event.ReleaseRequested;
import io.relops.common.event.RelopsEvent;
import io.relops.common.event.RestoreCompleted;
import io.relops.common.event.RollbackCompleted;
import io.relops.testkit.EventStream;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import io.relops.testkit.TestCredentials;
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
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * backup-service against the real PostgreSQL and Kafka: a database of several tables backed up with pg_dump,
 * verified (hash, archive listing, test restore), dropped and restored row for row; a corrupted artifact; wrong
 * credentials; a pre-deploy backup carrying its release id.
 */
@SpringBootTest(classes = BackupServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PostgresBackupIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String RELEASE_TOPIC = "relops.release.backup-it-" + RUN;
    private static final String BACKUP_TOPIC = "relops.backup.backup-it-" + RUN;
    private static final List<String> TABLES =
            List.of("public.customers", "public.orders", "public.order_lines", "inventory.items");
    private static final HttpClient http = HttpClient.newHttpClient();

    private static final String sourceUrl = Postgres.freshDatabase("backup_src");
    private static final String sourceDatabase = sourceUrl.substring(sourceUrl.lastIndexOf('/') + 1);
    private static final Path storage = tempDirectory("relops-backups-");
    private static final Path files = tempDirectory("relops-files-");
    private static EventStream backupEvents;

    @Autowired
    Environment environment;

    @Autowired
    MeterRegistry metrics;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Postgres.Server server = Postgres.server();
        TestCredentials.properties().forEach((key, value) -> registry.add(key, () -> value));
        registry.add("relops.database.url", () -> Postgres.freshDatabase("backup_it"));
        registry.add("relops.database.username", server::username);
        registry.add("relops.database.password", server::password);
        registry.add("relops.kafka.bootstrap-servers", Kafka::bootstrapServers);
        registry.add("relops.topics.release", () -> RELEASE_TOPIC);
        registry.add("relops.topics.backup", () -> BACKUP_TOPIC);
        registry.add("relops.topics.health", () -> "relops.health.backup-it-" + RUN);
        registry.add("relops.topics.alert", () -> "relops.alert.backup-it-" + RUN);
        registry.add("relops.backup.storage.local.directory", storage::toString);
        registry.add("relops.backup.poll-interval", () -> "500ms");
        String shop = "relops.applications.shop-db.backup.";
        registry.add(shop + "driver", () -> "postgres");
        registry.add(shop + "postgres.host", server::host);
        registry.add(shop + "postgres.port", server::port);
        registry.add(shop + "postgres.database", () -> sourceDatabase);
        registry.add(shop + "postgres.username", server::username);
        registry.add(shop + "postgres.password", server::password);
        registry.add(shop + "verify.test-restore", () -> "true");
        registry.add(shop + "retention.last", () -> "50");
        registry.add(shop + "rpo", () -> "30m");
        String bad = "relops.applications.locked-db.backup.";
        registry.add(bad + "before-deploy", () -> "true");
        registry.add(bad + "driver", () -> "postgres");
        registry.add(bad + "postgres.host", server::host);
        registry.add(bad + "postgres.port", server::port);
        registry.add(bad + "postgres.database", () -> sourceDatabase);
        registry.add(bad + "postgres.username", () -> "relops_no_such_role");
        registry.add(bad + "postgres.password", () -> "wrong");
        String fs = "relops.applications.files-app.backup.";
        registry.add(fs + "before-deploy", () -> "true");
        registry.add(fs + "driver", () -> "filesystem");
        registry.add(fs + "filesystem.path", files::toString);
        registry.add(fs + "restore-on-rollback", () -> "true");
    }

    @BeforeAll
    static void createSourceDatabase() throws SQLException, IOException {
        try (Connection c = DriverManager.getConnection(
                        sourceUrl,
                        Postgres.server().username(),
                        Postgres.server().password());
                Statement s = c.createStatement()) {
            s.execute("create table customers (id bigserial primary key, name text not null, email text unique,"
                    + " created_at timestamptz not null default now())");
            s.execute("create table orders (id bigserial primary key, customer_id bigint not null references customers,"
                    + " amount numeric(12,2) not null, note text)");
            s.execute("create table order_lines (order_id bigint references orders, line int, sku text, qty int,"
                    + " primary key (order_id, line))");
            s.execute("create schema inventory");
            s.execute("create table inventory.items (sku text primary key, payload jsonb, picture bytea)");
            s.execute("insert into customers (name, email) select 'customer ' || g, 'c' || g || '@example.org'"
                    + " from generate_series(1, 2000) g");
            s.execute(
                    "insert into orders (customer_id, amount, note) select 1 + g % 2000, (g * 7 % 10000) / 100.0,"
                            + " case when g % 3 = 0 then null else 'note ''quoted'' ' || g end from generate_series(1, 5000) g");
            s.execute("insert into order_lines select o, l, 'sku-' || (o * l % 300), l from generate_series(1, 5000) o,"
                    + " generate_series(1, 3) l");
            s.execute(
                    "insert into inventory.items select 'sku-' || g, jsonb_build_object('n', g, 'tags', jsonb_build_array('a', g)),"
                            + " decode(md5(g::text), 'hex') from generate_series(0, 299) g");
        }
        Files.writeString(files.resolve("state.json"), "{\"visits\": 42}");
        backupEvents = EventStream.watching(BACKUP_TOPIC);
    }

    @AfterAll
    static void cleanUp() throws SQLException {
        if (backupEvents != null) {
            backupEvents.close();
        }
        try (Connection c = DriverManager.getConnection(
                        Postgres.server().jdbcUrl("postgres"),
                        Postgres.server().username(),
                        Postgres.server().password());
                Statement s = c.createStatement()) {
            s.execute("drop database if exists \"" + sourceDatabase + "\" with (force)");
        }
    }

    @Test
    void backsUpDropsAndRestoresADatabaseRowForRow() throws Exception {
        Map<String, String> before = checksums();
        assertThat(before).hasSize(TABLES.size());

        HttpResponse<String> accepted = post("/api/backups", "{\"application\":\"shop-db\"}");
        assertThat(accepted.statusCode()).isEqualTo(202);
        String id = json(accepted.body()).path("id").asString();

        JsonNode backup =
                awaitBackup(id, b -> "PASSED".equals(b.path("verification").asString()));
        assertThat(backup.path("status").asString()).isEqualTo("COMPLETED");
        assertThat(backup.path("sha256").asString()).hasSize(64);
        assertThat(backup.path("sizeBytes").asLong()).isPositive();
        assertThat(backup.path("bytesDone").asLong())
                .isEqualTo(backup.path("sizeBytes").asLong());
        assertThat(backup.path("bytesTotal").asLong())
                .isEqualTo(backup.path("sizeBytes").asLong());
        assertThat(backup.path("location").asString()).startsWith("file:");
        assertThat(backup.path("evidence").path("public.order_lines").asLong()).isEqualTo(15000);
        assertThat(names(backup.path("verificationChecks")))
                .containsExactly("sha256", "pg_restore --list", "test restore");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(backupEvents.data(BackupCompleted.class)).anySatisfy(c -> {
                assertThat(c.backupId().toString()).isEqualTo(id);
                assertThat(c.sha256()).isEqualTo(backup.path("sha256").asString());
                assertThat(c.sizeBytes()).isEqualTo(backup.path("sizeBytes").asLong());
            });
            assertThat(backupEvents.data(BackupVerified.class)).anySatisfy(v -> {
                assertThat(v.backupId().toString()).isEqualTo(id);
                assertThat(v.checks()).allMatch(BackupVerified.Check::passed);
                assertThat(v.checks())
                        .extracting(BackupVerified.Check::detail)
                        .anyMatch(d -> d.contains("row counts of all 4 tables match"));
            });
        });

        assertThat(metrics.get("relops.backup.outcomes")
                        .tags("application", "shop-db", "outcome", "completed")
                        .counter()
                        .count())
                .isPositive();
        assertThat(metrics.get("relops.backup.duration")
                        .tags("application", "shop-db", "outcome", "completed")
                        .timer()
                        .count())
                .isPositive();
        assertThat(metrics.get("relops.backup.size")
                        .tags("application", "shop-db")
                        .summary()
                        .max())
                .isGreaterThanOrEqualTo(backup.path("sizeBytes").asDouble());
        assertThat(metrics.get("relops.backup.verifications")
                        .tags("application", "shop-db", "outcome", "passed")
                        .counter()
                        .count())
                .isPositive();
        assertThat(metrics.get("relops.backup.newest.verified.age")
                        .tags("application", "shop-db")
                        .gauge()
                        .value())
                .isBetween(0.0, 600.0);
        assertThat(metrics.get("relops.backup.newest.verified.age")
                        .tags("application", "locked-db")
                        .gauge()
                        .value())
                .as("no verified backup of locked-db")
                .isNaN();
        assertThat(metrics.get("relops.backup.rpo")
                        .tags("application", "shop-db")
                        .gauge()
                        .value())
                .as("shop-db's backup.rpo, 30m")
                .isEqualTo(1800.0);
        assertThat(metrics.find("relops.backup.rpo")
                        .tags("application", "files-app")
                        .gauge())
                .as("files-app has neither a schedule nor an rpo: no objective")
                .isNull();

        execute("drop database \"" + sourceDatabase + "\" with (force)");
        HttpResponse<String> restore = post("/api/backups/" + id + "/restore", "");
        assertThat(restore.statusCode()).isEqualTo(202);
        String restoreId = json(restore.body()).path("id").asString();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode restores = json(get("/api/backups/" + id + "/restores").body());
            assertThat(restores.get(0).path("status").asString()).isEqualTo("COMPLETED");
        });
        assertThat(checksums()).isEqualTo(before);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(backupEvents.data(RestoreCompleted.class))
                        .anySatisfy(r -> {
                            assertThat(r.restoreId().toString()).isEqualTo(restoreId);
                            assertThat(r.durationMs()).isPositive();
                        }));
    }

    @Test
    void failsVerificationOfAnArtifactWithOneFlippedByte() throws Exception {
        String id = json(post("/api/backups", "{\"application\":\"shop-db\"}").body())
                .path("id")
                .asString();
        JsonNode backup =
                awaitBackup(id, b -> "PASSED".equals(b.path("verification").asString()));
        Path artifact = Path.of(URI.create(backup.path("location").asString()));
        byte[] bytes = Files.readAllBytes(artifact);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(artifact, bytes);

        assertThat(post("/api/backups/" + id + "/verify", "").statusCode()).isEqualTo(202);
        JsonNode failed =
                awaitBackup(id, b -> "FAILED".equals(b.path("verification").asString()));
        JsonNode check = failed.path("verificationChecks").get(0);
        assertThat(check.path("name").asString()).isEqualTo("sha256");
        assertThat(check.path("passed").asBoolean()).isFalse();
        assertThat(check.path("detail").asString())
                .contains("differs from the recorded " + backup.path("sha256").asString())
                .contains("corrupted");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(backupEvents.data(BackupFailed.class))
                        .anySatisfy(f -> {
                            assertThat(f.backupId().toString()).isEqualTo(id);
                            assertThat(f.reason()).startsWith("verification failed: sha256: artifact sha256");
                        }));
        HttpResponse<String> refused = post("/api/backups/" + id + "/restore", "");
        assertThat(refused.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode restores = json(get("/api/backups/" + id + "/restores").body());
            assertThat(restores.get(0).path("status").asString()).isEqualTo("FAILED");
            assertThat(restores.get(0).path("reason").asString()).contains("refusing to restore");
        });
    }

    @Test
    void wrongCredentialsFailThePreDeployBackupNamingTheCause() {
        UUID releaseId = UUID.randomUUID();
        backupEvents.publish(
                RELEASE_TOPIC,
                RelopsEvent.of(
                        URI.create("/it"),
                        new ReleaseRequested(releaseId, "locked-db", "2.0.0", "local", null, "alice", null, null)));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(backupEvents.data(BackupFailed.class))
                        .anySatisfy(f -> {
                            assertThat(f.releaseId()).isEqualTo(releaseId);
                            assertThat(f.application()).isEqualTo("locked-db");
                            // trust auth answers "role … does not exist", password auth "authentication failed"
                            assertThat(f.reason())
                                    .startsWith("cannot connect to database")
                                    .contains("relops_no_such_role")
                                    .containsAnyOf("does not exist", "authentication failed");
                        }));
        assertThat(metrics.get("relops.backup.outcomes")
                        .tags("application", "locked-db", "outcome", "failed")
                        .counter()
                        .count())
                .isPositive();
    }

    @Test
    void aPreDeployBackupCarriesItsReleaseIdAndIsRestoredWhenTheReleaseIsRolledBack() throws IOException {
        UUID releaseId = UUID.randomUUID();
        backupEvents.publish(
                RELEASE_TOPIC,
                RelopsEvent.of(
                        URI.create("/it"),
                        new ReleaseRequested(releaseId, "files-app", "1.0.0", "local", null, "bob", null, null)));
        BackupCompleted[] completed = new BackupCompleted[1];
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(backupEvents.data(BackupCompleted.class))
                        .anySatisfy(c -> {
                            assertThat(c.releaseId()).isEqualTo(releaseId);
                            assertThat(c.application()).isEqualTo("files-app");
                            assertThat(c.artifactUri()).endsWith(".tar.gz");
                            completed[0] = c;
                        }));

        Files.writeString(files.resolve("state.json"), "{\"visits\": -1, \"migrated\": true}");
        backupEvents.publish(
                RELEASE_TOPIC,
                RelopsEvent.of(
                        URI.create("/it"),
                        new RollbackCompleted(
                                releaseId, "files-app", "local", "0.9.0", "1.0.0", "health failed", 120)));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(backupEvents.data(RestoreCompleted.class))
                        .anySatisfy(r -> assertThat(r.backupId()).isEqualTo(completed[0].backupId())));
        assertThat(Files.readString(files.resolve("state.json"))).isEqualTo("{\"visits\": 42}");
    }

    @Test
    void refusesAnApplicationWithoutABackupPolicy() throws Exception {
        HttpResponse<String> refused = post("/api/backups", "{\"application\":\"no-such-app\"}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).contains("application/problem+json"));
        assertThat(json(refused.body()).path("detail").asString()).contains("has no backup policy");
        assertThat(get("/api/backups/" + UUID.randomUUID()).statusCode()).isEqualTo(404);
    }

    private static Path tempDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private JsonNode awaitBackup(String id, java.util.function.Predicate<JsonNode> done) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    last[0] = json(get("/api/backups/" + id).body());
                    if ("FAILED".equals(last[0].path("status").asString())) {
                        throw new AssertionError(
                                "backup failed: " + last[0].path("reason").asString());
                    }
                    return done.test(last[0]);
                });
        return last[0];
    }

    private static List<String> names(JsonNode checks) {
        List<String> names = new java.util.ArrayList<>();
        checks.forEach(c -> names.add(c.path("name").asString()));
        return names;
    }

    /** Row count and an md5 over every row's text, per table. */
    private static Map<String, String> checksums() throws SQLException {
        Map<String, String> sums = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(
                        sourceUrl,
                        Postgres.server().username(),
                        Postgres.server().password());
                Statement s = c.createStatement()) {
            for (String table : TABLES) {
                try (ResultSet rs = s.executeQuery("select count(*) || ':' || md5(coalesce(string_agg(t::text, '|'"
                        + " order by t::text), '')) from " + table + " t")) {
                    rs.next();
                    sums.put(table, rs.getString(1));
                }
            }
        }
        return sums;
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(
                        Postgres.server().jdbcUrl("postgres"),
                        Postgres.server().username(),
                        Postgres.server().password());
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(url(path))
                        // restores are for admins only
                        .header("Authorization", TestCredentials.bearer("admin"))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(url(path))
                        .header("Authorization", TestCredentials.bearer("operator"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI url(String path) {
        return URI.create("http://localhost:" + environment.getProperty("local.server.port") + path);
    }

    private static JsonNode json(String body) {
        return EventJson.mapper().readTree(body);
    }
}
