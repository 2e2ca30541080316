package io.relops.deploy.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.relops.deploy.DeployServiceApplication;
import io.relops.platform.events.OutboxRelay;
import io.relops.testkit.EventStream;
import io.relops.testkit.Kafka;
import io.relops.testkit.LibraryMetrics;
import io.relops.testkit.Postgres;
import io.relops.testkit.Promtool;
import io.relops.testkit.ReleaseDriver;
import io.relops.testkit.RelopsTopics;
import io.relops.testkit.TestCredentials;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.client.RestClient;

/**
 * deploy-service's observability after a release: the DORA keys at {@code /api/dora} and as gauges, the
 * dead-letter counter, and {@code /actuator/prometheus}, as Prometheus reads it: {@code promtool check
 * metrics} finds no problem, and the metrics the alert rules and the dashboard use are there.
 */
class PrometheusScrapeIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final RelopsTopics TOPICS = RelopsTopics.unique("scrape");

    private static ConfigurableApplicationContext deploy;
    private static EventStream events;
    private static RestClient http;

    @BeforeAll
    static void start() {
        events = EventStream.watching(TOPICS.release(), TOPICS.health(), TOPICS.backup());
        deploy = new SpringApplicationBuilder(DeployServiceApplication.class)
                .run(TOPICS.serviceArgs(
                        Postgres.freshDatabase("deploy_scrape"),
                        "--RELOPS_CATALOG=src/test/resources/observability-catalog.yml",
                        "--RELOPS_DATA_DIR=target/it-data",
                        "--relops.deploy.task-poll-interval=100ms",
                        "--relops.dora.refresh=200ms"));
        http = RestClient.builder()
                .baseUrl("http://localhost:" + deploy.getEnvironment().getProperty("local.server.port"))
                .defaultHeader("Authorization", TestCredentials.bearer("admin"))
                .build();
        new ReleaseDriver(events, TOPICS, "prod", WAIT).establish("observed", "1.0.0");
    }

    @AfterAll
    static void stop() {
        if (deploy != null) {
            deploy.close();
        }
        if (events != null) {
            events.close();
        }
    }

    @Test
    void exposesMetricsPromtoolFindsNoProblemIn() {
        String scrape = scrape();
        assumeTrue(Promtool.find() != null, Promtool.ABSENT);
        Promtool.Result check = Promtool.run(scrape, "check", "metrics");
        assertThat(check.output()).as("promtool check metrics").isBlank();
        assertThat(check.exitCode()).isZero();
    }

    @Test
    void exposesTheReleaseMetricsTheRulesAndTheDashboardUse() {
        assertThat(scrape())
                .contains("relops_release_outcomes_total{application=\"observed\",outcome=\"completed\"")
                .contains("relops_release_duration_seconds_count{application=\"observed\"")
                .contains("relops_events_consumed_total{")
                .contains("spring_cloud_stream_binder_kafka_offset{group=\"deploy-service\"");
    }

    /**
     * The release meters exist at 0 from the start, so that the rules' increase() sees the first observation: no
     * rollback happened, yet its timer and the rollback_failed counter are there; and the age of the oldest release in
     * progress is 0 once the release ended.
     */
    @Test
    void exposesTheReleaseMetersAtZeroBeforeTheirFirstObservation() {
        String scrape = scrape();
        assertThat(scrape)
                .containsPattern(
                        "(?m)^relops_release_rollback_duration_seconds_count\\{application=\"observed\"[^}]*} 0(\\.0)?$")
                .containsPattern(
                        "(?m)^relops_release_rollback_duration_seconds_bucket\\{application=\"observed\",[^}]*le=\"300.0\"} 0(\\.0)?$")
                .containsPattern(
                        "(?m)^relops_release_outcomes_total\\{application=\"observed\",outcome=\"rollback_failed\"[^}]*} 0(\\.0)?$");
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(scrape())
                        .containsPattern("(?m)^relops_release_in_flight_oldest_age_seconds"
                                + "\\{application=\"observed\",environment=\"prod\"[^}]*} 0(\\.0)?$"));
    }

    @Test
    void exposesTheSloBucketsAndEveryLibraryMetricTheDashboardUses() {
        http.get().uri("/api/dora?window=1d").retrieve().toBodilessEntity(); // an API request, timed
        String scrape = scrape();
        assertThat(scrape)
                .as("release duration buckets at the 10 min target (RelopsReleaseSlow)")
                .containsPattern("relops_release_duration_seconds_bucket\\{application=\"observed\",[^}]*le=\"600.0\"}")
                .as("HTTP latency buckets at the 500 ms target (RelopsApiLatencyHigh)")
                .containsPattern("http_server_requests_seconds_bucket\\{[^}]*uri=\"/api/dora\",le=\"0.5\"}")
                .as("the outbox backlog (RelopsOutboxBacklogGrowing)")
                .containsPattern("(?m)^relops_outbox_backlog\\{");
        for (String name : LibraryMetrics.NAMES) {
            assertThat(scrape).as(name).containsPattern("(?m)^" + name + "[{ ]");
        }
    }

    @Test
    void countsTheOutboxBacklogUntilTheRelayDrainsIt() throws SQLException {
        DataSource database = deploy.getBean(DataSource.class);
        JdbcClient jdbc = JdbcClient.create(database);
        try (Connection relay = database.getConnection();
                Statement lock = relay.createStatement()) {
            lock.execute("select pg_advisory_lock(" + OutboxRelay.LOCK_ARGUMENTS + ")"); // the relay waits
            try {
                for (int i = 0; i < 3; i++) {
                    jdbc.sql("insert into outbox_event (event_id, event_type, subject, event) values (?, ?, ?, ?)")
                            .params(
                                    "backlog-" + UUID.randomUUID(),
                                    "io.relops.release.completed",
                                    "observed",
                                    "{\"specversion\":".getBytes(StandardCharsets.UTF_8))
                            .update();
                }
                await().atMost(WAIT)
                        .untilAsserted(() -> assertThat(outboxBacklog()).isGreaterThanOrEqualTo(3.0));
            } finally {
                lock.execute("select pg_advisory_unlock(" + OutboxRelay.LOCK_ARGUMENTS + ")");
            }
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(outboxBacklog()).isZero());
    }

    private static double outboxBacklog() {
        Matcher sample =
                Pattern.compile("(?m)^relops_outbox_backlog\\{[^}]*} (\\S+)$").matcher(scrape());
        assertThat(sample.find()).as("relops_outbox_backlog in the scrape").isTrue();
        return Double.parseDouble(sample.group(1));
    }

    @Test
    void isReadyWithItsDatabaseAndTheKafkaBinder() {
        assertThat(http.get().uri("/actuator/health/readiness").retrieve().body(String.class))
                .contains("\"db\"", "\"binders\"", "\"readinessState\"");
        assertThat(http.get().uri("/actuator/health/liveness").retrieve().body(String.class))
                .doesNotContain("\"db\"");
    }

    @Test
    void answersTheDoraKeysOfTheReleaseHistory() {
        List<Map<String, Object>> keys = http.get()
                .uri("/api/dora?application=observed&environment=prod&window=1d")
                .retrieve()
                .body(new ParameterizedTypeReference<>() {});

        assertThat(keys).hasSize(1);
        Map<String, Object> shop = keys.get(0);
        assertThat(shop)
                .containsEntry("application", "observed")
                .containsEntry("environment", "prod")
                .containsEntry("deployments", 1)
                .containsEntry("deploymentsPerDay", 1.0)
                .containsEntry("changes", 1)
                .containsEntry("failedChanges", 0)
                .containsEntry("changeFailureRate", 0.0)
                .containsEntry("timeToRestoreSeconds", null);
        assertThat(((Number) shop.get("leadTimeSeconds")).doubleValue())
                .isPositive()
                .isLessThan(WAIT.toSeconds());
    }

    @Test
    void refusesAWindowThatIsNoDuration() {
        ResponseEntity<String> refused = http.get()
                .uri("/api/dora?window=soon")
                .retrieve()
                .onStatus(status -> true, (request, response) -> {})
                .toEntity(String.class);

        assertThat(refused.getStatusCode().value()).isEqualTo(400);
        assertThat(refused.getHeaders().getContentType()).hasToString("application/problem+json");
        assertThat(refused.getBody()).contains("window must be a duration");
    }

    @Test
    void exposesTheDoraKeysAsGauges() {
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(scrape())
                        .contains("relops_dora_deployment_frequency{application=\"observed\",environment=\"prod\"")
                        .contains("relops_dora_lead_time_seconds{application=\"observed\",environment=\"prod\"")
                        .contains("relops_dora_change_failure_rate{application=\"observed\",environment=\"prod\"")
                        .doesNotContain("relops_dora_time_to_restore_seconds{application=\"observed\""));
    }

    @Test
    void countsARecordSentToTheDeadLetterTopic() throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Kafka.bootstrapServers()),
                new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(TOPICS.release(), "observed", "not a cloud event"))
                    .get();
        }
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(scrape())
                        .contains(
                                "relops_events_dead_lettered_total{group=\"deploy-service\",service=\"deploy-service\",topic=\""
                                        + TOPICS.release() + "\"} 1.0"));
    }

    private static String scrape() {
        return http.get().uri("/actuator/prometheus").retrieve().body(String.class);
    }
}
