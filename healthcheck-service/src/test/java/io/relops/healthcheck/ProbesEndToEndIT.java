package io.relops.healthcheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.common.codec.CloudEventCodec;
import io.relops.common.event.DeploymentReady;
import io.relops.common.event.HealthFailed;
import io.relops.common.event.HealthVerified;
import io.relops.common.event.ProbeResult;
import io.relops.demo.DemoApp;
import io.relops.testkit.EventStream;
import io.relops.testkit.Postgres;
import io.relops.testkit.RealPrometheus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The tcp and PromQL probes end to end: a {@code deployment.ready} in over Kafka, healthcheck-service (real
 * PostgreSQL) probing two demo-app slots, a real Prometheus scraping their request metrics, the verdict out over
 * Kafka: a good version is verified; a version whose checkout answers 500 fails on its server errors while its port
 * and Prometheus' scrape of it are fine.
 */
class ProbesEndToEndIT {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String RELEASE = "it.release.e2e." + SUFFIX;
    private static final String HEALTH = "it.health.e2e." + SUFFIX;
    private static final URI DEPLOY = CloudEventCodec.sourceOf("deploy");
    private static final HttpClient http = HttpClient.newHttpClient();

    private static DemoApp good;
    private static DemoApp bad;
    private static RealPrometheus prometheus;
    private static EventStream events;
    private static ConfigurableApplicationContext service;

    @BeforeAll
    static void start() throws Exception {
        good = DemoApp.start("1.0.0", 0);
        bad = DemoApp.start("1.1.0-badcheckout", 0);
        prometheus = RealPrometheus.start(List.of(instance(good), instance(bad)));
        // the bad version's checkout fails: its own metrics say so once Prometheus scraped them
        for (int i = 0; i < 3; i++) {
            checkout(good);
            checkout(bad);
        }
        prometheus.awaitAnswer(
                "http_server_requests_seconds_count{instance=\"" + instance(bad) + "\",status=\"500\"}", "\"3\"");
        events = EventStream.watching(HEALTH);
        service = HealthcheckServiceIT.startWithCatalog(
                "src/test/resources/it-probes-e2e-catalog.yml",
                Postgres.freshDatabase("healthcheck_e2e"),
                RELEASE,
                HEALTH,
                "e2e",
                "--relops.health.prometheus-url=" + prometheus.url());
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (events != null) {
            events.close();
        }
        for (AutoCloseable closeable : new AutoCloseable[] {prometheus, good, bad}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                // stopping what the test started; the next one starts its own
            }
        }
    }

    @Test
    void aGoodVersionIsVerifiedByItsPortAndByWhatPrometheusScrapedFromIt() {
        UUID release = UUID.randomUUID();
        events.publish(RELEASE, DEPLOY, ready(release, "1.0.0", good));

        HealthVerified verified = events.await(HealthVerified.class, e -> release.equals(e.releaseId()), WAIT)
                .data();
        assertThat(verified.results()).extracting(ProbeResult::probe).contains("port", "server-errors", "scraped");
        assertThat(verified.results())
                .filteredOn(r -> r.probe().equals("port"))
                .allSatisfy(r -> assertThat(r.value()).isEqualTo("connected"));
        assertThat(verified.results())
                .filteredOn(r -> r.probe().equals("server-errors"))
                .allSatisfy(r -> {
                    assertThat(r.passed()).isTrue();
                    assertThat(r.value()).isEqualTo("0");
                });
    }

    @Test
    void aVersionWhoseCheckoutFailsFailsOnItsServerErrorsWhileItsPortAnswers() {
        UUID release = UUID.randomUUID();
        events.publish(RELEASE, DEPLOY, ready(release, "1.1.0-badcheckout", bad));

        HealthFailed failed = events.await(HealthFailed.class, e -> release.equals(e.releaseId()), WAIT)
                .data();
        assertThat(failed.reason()).contains("server-errors");
        assertThat(failed.results())
                .filteredOn(r -> r.probe().equals("port"))
                .allSatisfy(r -> assertThat(r.passed()).isTrue());
        assertThat(failed.results())
                .filteredOn(r -> r.probe().equals("server-errors"))
                .allSatisfy(r -> {
                    assertThat(r.passed()).isFalse();
                    assertThat(r.conclusive()).isTrue();
                    assertThat(Double.parseDouble(r.value())).isGreaterThanOrEqualTo(1);
                });
    }

    private static DeploymentReady ready(UUID release, String version, DemoApp app) {
        return new DeploymentReady(release, "shop", "e2e", version, "green", "http://" + instance(app));
    }

    private static String instance(DemoApp app) {
        return "127.0.0.1:" + app.port();
    }

    private static void checkout(DemoApp app) throws Exception {
        http.send(
                HttpRequest.newBuilder(URI.create("http://" + instance(app) + "/checkout"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.discarding());
    }
}
