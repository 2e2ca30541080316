package io.relops.audit.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relops.audit.AuditServiceApplication;
import io.relops.common.event.AlertNotified;
import io.relops.common.event.BackupCompleted;
import io.relops.common.event.DeploymentReady;
import io.relops.common.event.DeploymentStarted;
import io.relops.common.event.ReleaseApproved;
import io.relops.common.event.ReleaseCompleted;
import io.relops.common.event.TrafficShifted;
import io.relops.testkit.EventStream;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import io.relops.testkit.ReleaseDriver;
import io.relops.testkit.RelopsTopics;
import io.relops.testkit.TestCredentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A whole release played through the real topics (requested by alice, approved by bob, backup with its
 * SHA-256, deployment, health verified at every step, traffic shifted, completed, an alert notified):
 * every field of its evidence, as JSON and on the printable HTML page.
 */
@SpringBootTest(classes = AuditServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReleaseEvidenceIT {

    static final RelopsTopics TOPICS = RelopsTopics.unique("it-evidence");
    static final String DB_URL = Postgres.freshDatabase("audit_evidence_it");
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final EventStream EVENTS = EventStream.watching(TOPICS.all());

    @TempDir
    static Path keyDirectory;

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
        registry.add("relops.topics.release", TOPICS::release);
        registry.add("relops.topics.health", TOPICS::health);
        registry.add("relops.topics.backup", TOPICS::backup);
        registry.add("relops.topics.alert", TOPICS::alert);
        registry.add("relops.audit.anchor.topic", () -> TOPICS.release() + ".audit-checkpoints");
        registry.add("relops.audit.checkpoint.interval", () -> "300ms");
        registry.add(
                "relops.audit.signing.key-file",
                () -> keyDirectory.resolve("signing.pem").toString());
        registry.add("relops.audit.signing.generate-if-missing", () -> "true");
        registry.add("spring.cloud.stream.kafka.default.consumer.configuration.auto.offset.reset", () -> "earliest");
    }

    @AfterAll
    static void close() {
        EVENTS.close();
    }

    @Test
    void theEvidenceOfAWholeReleaseShowsEveryStepAsJsonAndOnItsPage() throws Exception {
        ReleaseDriver driver = new ReleaseDriver(EVENTS, TOPICS, "prod", Duration.ofSeconds(60));
        UUID release = driver.request("shop", "2.4.0");
        driver.publish(TOPICS.release(), new ReleaseApproved(release, "shop", "bob", "CAB-1234 ok"));
        UUID backup = UUID.randomUUID();
        String sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        driver.publish(
                TOPICS.backup(),
                new BackupCompleted(backup, "shop", release, "s3://backups/shop/" + backup, 1_048_576, sha256, 900));
        driver.publish(
                TOPICS.release(), new DeploymentStarted(release, "shop", "prod", "2.4.0", "green", "canary", null));
        DeploymentReady ready =
                new DeploymentReady(release, "shop", "prod", "2.4.0", "green", "http://green.shop:8080");
        driver.publish(TOPICS.release(), ready);
        driver.verify(ready);
        List<TrafficShifted> steps = new ArrayList<>();
        int[] weights = {10, 50, 100};
        for (int step = 1; step <= weights.length; step++) {
            TrafficShifted shifted = new TrafficShifted(
                    release, "shop", "prod", "2.4.0", "green", "http://green.shop:8080", weights[step - 1], step);
            steps.add(shifted);
            driver.publish(TOPICS.release(), shifted);
            driver.verify(shifted);
        }
        driver.publish(TOPICS.release(), new ReleaseCompleted(release, "shop", "prod", "2.4.0", "2.3.1", 42_000));
        driver.publish(
                TOPICS.alert(),
                new AlertNotified(
                        UUID.randomUUID(),
                        "fp-shop-release",
                        "shop",
                        release,
                        "info",
                        "shop 2.4.0 serves prod",
                        "team-shop-slack"));
        int published = 2 + 1 + 2 + 1 + 2 * weights.length + 1 + 1;

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            JsonNode evidence = evidence(release);
            assertThat(evidence.path("records").size()).isEqualTo(published);
            assertThat(evidence.path("coveringCheckpoint").isObject()).isTrue();
        });
        JsonNode evidence = evidence(release);
        assertThat(evidence.path("releaseId").asString()).isEqualTo(release.toString());
        assertThat(evidence.path("application").asString()).isEqualTo("shop");
        assertThat(evidence.path("environment").asString()).isEqualTo("prod");
        assertThat(evidence.path("version").asString()).isEqualTo("2.4.0");
        assertThat(evidence.path("requestedBy").asString()).isEqualTo("alice");
        assertThat(evidence.path("requestedAt").asString()).isNotBlank();
        assertThat(evidence.path("approvals").size()).isEqualTo(1);
        JsonNode approval = evidence.path("approvals").get(0);
        assertThat(approval.path("approvedBy").asString())
                .isEqualTo("bob")
                .isNotEqualTo(evidence.path("requestedBy").asString());
        assertThat(approval.path("comment").asString()).isEqualTo("CAB-1234 ok");
        assertThat(approval.path("at").asString()).isNotBlank();
        JsonNode backupEvidence = evidence.path("backup");
        assertThat(backupEvidence.path("backupId").asString()).isEqualTo(backup.toString());
        assertThat(backupEvidence.path("sha256").asString()).isEqualTo(sha256);
        assertThat(backupEvidence.path("artifactUri").asString()).isEqualTo("s3://backups/shop/" + backup);
        assertThat(evidence.path("deployed").path("version").asString()).isEqualTo("2.4.0");
        assertThat(evidence.path("deployed").path("slot").asString()).isEqualTo("green");
        assertThat(evidence.path("health").size()).isEqualTo(1 + weights.length);
        evidence.path("health").forEach(check -> {
            assertThat(check.path("passed").asBoolean()).isTrue();
            assertThat(check.path("results").get(0).path("passed").asBoolean()).isTrue();
        });
        assertThat(evidence.path("traffic").size()).isEqualTo(weights.length);
        for (int i = 0; i < weights.length; i++) {
            assertThat(evidence.path("traffic").get(i).path("step").asInt()).isEqualTo(i + 1);
            assertThat(evidence.path("traffic").get(i).path("weight").asInt()).isEqualTo(weights[i]);
        }
        assertThat(evidence.path("outcome").path("status").asString()).isEqualTo("COMPLETED");
        assertThat(evidence.path("outcome").path("detail").asString()).isEqualTo("version 2.4.0 serves prod");
        assertThat(evidence.path("notifications").size()).isEqualTo(1);
        JsonNode notification = evidence.path("notifications").get(0);
        assertThat(notification.path("receiver").asString()).isEqualTo("team-shop-slack");
        assertThat(notification.path("severity").asString()).isEqualTo("info");
        assertThat(notification.path("summary").asString()).isEqualTo("shop 2.4.0 serves prod");
        List<String> types = new ArrayList<>();
        long previousSeq = 0;
        for (JsonNode record : evidence.path("records")) {
            assertThat(record.path("seq").asLong()).isGreaterThan(previousSeq);
            assertThat(record.path("hash").asString()).hasSize(64);
            previousSeq = record.path("seq").asLong();
            types.add(record.path("type").asString());
        }
        assertThat(types)
                .contains(
                        "io.relops.release.requested",
                        "io.relops.release.approved",
                        "io.relops.backup.completed",
                        "io.relops.deployment.started",
                        "io.relops.deployment.ready",
                        "io.relops.health.verified",
                        "io.relops.traffic.shifted",
                        "io.relops.release.completed",
                        "io.relops.alert.notified");
        assertThat(evidence.path("verification").path("valid").asBoolean()).isTrue();
        assertThat(evidence.path("coveringCheckpoint").path("seq").asLong()).isGreaterThanOrEqualTo(previousSeq);

        HttpResponse<String> page = http.send(
                HttpRequest.newBuilder(
                                URI.create("http://localhost:" + port + "/api/audit/releases/" + release + "/evidence"))
                        .header("Authorization", TestCredentials.bearer("auditor"))
                        .header("Accept", "text/html")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).contains("text/html");
        assertThat(page.body())
                .contains(
                        release.toString(),
                        "Release shop 2.4.0",
                        "<th>requested by</th><td>alice</td>",
                        "<th>approved by</th><td>bob</td>",
                        "<th>backup id</th><td>" + backup + "</td>",
                        "<th>backup SHA-256</th><td>" + sha256 + "</td>",
                        "<th>version deployed</th><td>2.4.0</td>",
                        "<th>outcome</th><td>COMPLETED</td>",
                        "<td>10%</td>",
                        "<td>50%</td>",
                        "<td>100%</td>",
                        "team-shop-slack",
                        "shop 2.4.0 serves prod",
                        "The chain verifies",
                        evidence.path("records").get(0).path("hash").asString());
    }

    @Test
    void theEvidenceOfAPromotedReleaseShowsTheReleaseItWasPromotedFrom() throws Exception {
        ReleaseDriver staging = new ReleaseDriver(EVENTS, TOPICS, "staging", Duration.ofSeconds(60));
        ReleaseDriver production = new ReleaseDriver(EVENTS, TOPICS, "production", Duration.ofSeconds(60));
        UUID staged = staging.request("shelf", "3.0.0");
        staging.publish(
                TOPICS.release(),
                new DeploymentStarted(staged, "shelf", "staging", "3.0.0", "blue", "blue-green", null));
        staging.publish(TOPICS.release(), new ReleaseCompleted(staged, "shelf", "staging", "3.0.0", null, 9_000));
        UUID promoted = production.request("shelf", "3.0.0");
        production.publish(TOPICS.release(), new ReleaseApproved(promoted, "shelf", "bob", "staged"));
        production.publish(
                TOPICS.release(),
                new DeploymentStarted(promoted, "shelf", "production", "3.0.0", "green", "blue-green", staged));
        production.publish(
                TOPICS.release(), new ReleaseCompleted(promoted, "shelf", "production", "3.0.0", "2.9.0", 12_000));

        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() ->
                        assertThat(evidence(promoted).path("records").size()).isEqualTo(4));
        JsonNode source = evidence(promoted).path("promotedFrom");
        assertThat(source.path("releaseId").asString()).isEqualTo(staged.toString());
        assertThat(source.path("environment").asString()).isEqualTo("staging");
        assertThat(source.path("version").asString()).isEqualTo("3.0.0");
        assertThat(source.path("requestedBy").asString()).isEqualTo("alice");
        assertThat(source.path("outcome").path("status").asString()).isEqualTo("COMPLETED");
        assertThat(source.path("outcome").path("detail").asString()).isEqualTo("version 3.0.0 serves staging");
        assertThat(source.path("records").size()).isEqualTo(3);
        source.path("records")
                .forEach(record -> assertThat(record.path("hash").asString()).hasSize(64));
        assertThat(evidence(staged).has("promotedFrom"))
                .as("the staging release was promoted from nothing")
                .isFalse();

        HttpResponse<String> page = http.send(
                HttpRequest.newBuilder(URI.create(
                                "http://localhost:" + port + "/api/audit/releases/" + promoted + "/evidence"))
                        .header("Authorization", TestCredentials.bearer("auditor"))
                        .header("Accept", "text/html")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.body())
                .contains(
                        "<th>promoted from release</th><td>" + staged + "</td>",
                        "<h2>Promoted from</h2>",
                        "<th>environment</th><td>staging</td>",
                        source.path("records").get(0).path("hash").asString());
    }

    private JsonNode evidence(UUID release) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(
                                URI.create("http://localhost:" + port + "/api/audit/releases/" + release + "/evidence"))
                        .header("Authorization", TestCredentials.bearer("auditor"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
