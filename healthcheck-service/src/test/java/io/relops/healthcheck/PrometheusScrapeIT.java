package io.relops.healthcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import io.relops.testkit.Promtool;
import io.relops.testkit.RelopsTopics;
import io.relops.testkit.TestCredentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** healthcheck-service as Prometheus and Kubernetes see it: a promtool-clean scrape, a readiness group. */
class PrometheusScrapeIT {

    private static final RelopsTopics TOPICS = RelopsTopics.unique("hcscrape");

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static ConfigurableApplicationContext service;

    @BeforeAll
    static void start() {
        service = new SpringApplicationBuilder(HealthcheckServiceApplication.class)
                .run(TOPICS.serviceArgs(
                        Postgres.freshDatabase("healthcheck_scrape"),
                        "--RELOPS_CATALOG=src/test/resources/it-catalog.yml",
                        "--relops.health.monitor.instance-id=scrape"));
        assertThat(Kafka.bootstrapServers()).isNotBlank();
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void exposesMetricsPromtoolFindsNoProblemIn() throws Exception {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(get("/actuator/prometheus").body())
                        .contains("spring_cloud_stream_binder_kafka_offset{group=\"healthcheck-service\""));
        String scrape = get("/actuator/prometheus").body();
        assumeTrue(Promtool.find() != null, Promtool.ABSENT);
        Promtool.Result check = Promtool.run(scrape, "check", "metrics");
        assertThat(check.output()).as("promtool check metrics").isBlank();
        assertThat(check.exitCode()).isZero();
    }

    @Test
    void isReadyWithItsDatabaseAndTheKafkaBinder() throws Exception {
        HttpResponse<String> readiness = get("/actuator/health/readiness");

        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(readiness.body()).contains("\"db\"", "\"binders\"", "\"readinessState\"");
        assertThat(get("/actuator/health/liveness").body()).doesNotContain("\"db\"");
    }

    private static HttpResponse<String> get(String path) throws Exception {
        String port = service.getEnvironment().getProperty("local.server.port");
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Authorization", TestCredentials.bearer("admin"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
