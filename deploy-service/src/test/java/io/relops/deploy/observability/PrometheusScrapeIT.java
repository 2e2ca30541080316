package io.relops.deploy.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.relops.deploy.DeployServiceApplication;
import io.relops.testkit.EventStream;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import io.relops.testkit.Promtool;
import io.relops.testkit.ReleaseDriver;
import io.relops.testkit.RelopsTopics;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * deploy-service's {@code /actuator/prometheus} after a release, as Prometheus reads it: {@code promtool check
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
                        "--relops.deploy.task-poll-interval=100ms"));
        http = RestClient.create("http://localhost:" + deploy.getEnvironment().getProperty("local.server.port"));
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
