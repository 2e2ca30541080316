package io.relops.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.relops.common.codec.EventJson;
import io.relops.local.LocalSuite;
import io.relops.local.SuiteOptions;
import io.relops.testkit.Amtool;
import io.relops.testkit.Kafka;
import io.relops.testkit.Ports;
import io.relops.testkit.Postgres;
import io.relops.testkit.Promtool;
import io.relops.testkit.RealPrometheus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The walking skeleton: every service as its own process, over a real Kafka broker and a real
 * PostgreSQL (testkit), driven through the gateway API like an operator would.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WalkingSkeletonIT {

    private static final List<String> CONSUMER_GROUPS =
            List.of("deploy-service", "healthcheck-service", "backup-service", "alert-service", "audit-service");
    private static final Set<String> FLOW_TYPES = Set.of(
            "io.relops.release.requested",
            "io.relops.deployment.started",
            "io.relops.deployment.ready",
            "io.relops.deployment.failed",
            "io.relops.health.verified",
            "io.relops.health.failed",
            "io.relops.traffic.shifted",
            "io.relops.release.completed",
            "io.relops.rollback.completed");

    private static LocalSuite suite;
    private static GatewayClient operator;
    private static String operatorToken;
    private static String adminToken;
    private static String metricsToken;
    private static String releaseTopic;
    private static List<String> topics;
    private static SpanReceiver spans;
    private static int stablePort;
    /** demo-app's blue and green slots. */
    private static List<Integer> slotPorts;
    /** The stable URL of gated-app (catalog-metric-gate.yml). */
    private static int gatedStablePort;

    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startSuite() throws IOException {
        Path home = Path.of(System.getProperty("relops.home", ".."))
                .toAbsolutePath()
                .normalize();
        String run = UUID.randomUUID().toString().substring(0, 8);
        releaseTopic = "relops.release." + run;
        Map<String, Integer> ports = new LinkedHashMap<>();
        SuiteOptions.DEFAULT_PORTS.keySet().forEach(service -> ports.put(service, freePort()));
        stablePort = freePort();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DEMO_APP_PORT", Integer.toString(stablePort));
        slotPorts = List.of(freePort(), freePort());
        env.put("DEMO_APP_BLUE_PORT", Integer.toString(slotPorts.get(0)));
        env.put("DEMO_APP_GREEN_PORT", Integer.toString(slotPorts.get(1)));
        // a second application whose verification has a metric gate on a Prometheus that does not answer
        gatedStablePort = freePort();
        env.put("SPRING_CONFIG_ADDITIONAL_LOCATION", "file:" + testResource("catalog-metric-gate.yml"));
        env.put("GATED_APP_PORT", Integer.toString(gatedStablePort));
        env.put("GATED_APP_BLUE_PORT", Integer.toString(freePort()));
        env.put("GATED_APP_GREEN_PORT", Integer.toString(freePort()));
        env.put("RELOPS_TOPICS_RELEASE", releaseTopic);
        env.put("RELOPS_TOPICS_HEALTH", "relops.health." + run);
        env.put("RELOPS_TOPICS_BACKUP", "relops.backup." + run);
        env.put("RELOPS_TOPICS_ALERT", "relops.alert." + run);
        topics = List.of(releaseTopic, "relops.health." + run, "relops.backup." + run, "relops.alert." + run);
        // every service exports its spans over OTLP/HTTP to the test, at once rather than every 5 s
        spans = new SpanReceiver();
        env.put("MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT", spans.endpoint());
        env.put("MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_SCHEDULE_DELAY", "200ms");
        // every meter Micrometer fails to register is logged, not only the first (SuiteMonitoring)
        env.put("LOGGING_LEVEL_IO_MICROMETER_PROMETHEUSMETRICS", "DEBUG");
        Map<String, String> tokens = Map.of(
                "operator", "it-operator-" + run,
                "approver", "it-approver-" + run,
                "auditor", "it-auditor-" + run,
                "admin", "it-admin-" + run,
                "metrics", "it-metrics-" + run);
        Postgres.Server db = Postgres.server();
        SuiteOptions options = new SuiteOptions(
                home,
                Files.createTempDirectory("relops-it-"),
                home.resolve("config/catalog.yml"),
                Kafka.bootstrapServers(),
                0,
                Postgres.freshDatabase("relops_it"),
                db.username(),
                0,
                ports,
                tokens,
                env);
        suite = new LocalSuite(options, line -> System.out.println("[suite] " + line)).start();
        operatorToken = tokens.get("operator");
        adminToken = tokens.get("admin");
        metricsToken = tokens.get("metrics");
        operator = new GatewayClient(URI.create(suite.url("gateway-service")), operatorToken);
    }

    @AfterAll
    static void stopSuite() {
        if (suite != null) {
            suite.close();
        }
        if (spans != null) {
            spans.close();
        }
    }

    @Test
    @Order(1)
    void releasesTwoVersionsAndRollsBackABrokenOneThroughEveryService() throws Exception {
        JsonNode first = releaseAndAwait("1.0.0", "COMPLETED");
        // the last health.verified is healthcheck-service verifying the slot again at 100 % of traffic
        assertThat(flowTypes(first))
                .containsExactly(
                        "io.relops.release.requested",
                        "io.relops.deployment.started",
                        "io.relops.deployment.ready",
                        "io.relops.health.verified",
                        "io.relops.traffic.shifted",
                        "io.relops.release.completed",
                        "io.relops.health.verified");
        assertCorrelated(first);
        assertThat(stableVersion()).isEqualTo("1.0.0");

        JsonNode second = releaseAndAwait("1.1.0", "COMPLETED");
        assertThat(flowTypes(second)).containsExactlyElementsOf(flowTypes(first));
        assertCorrelated(second);
        assertThat(second.path("previousVersion").asString()).isEqualTo("1.0.0");
        assertThat(second.path("slot").asString())
                .isNotEqualTo(first.path("slot").asString());
        assertThat(stableVersion()).isEqualTo("1.1.0");

        JsonNode broken = releaseAndAwait("2.0.0-broken", "ROLLED_BACK");
        assertThat(flowTypes(broken))
                .containsExactly(
                        "io.relops.release.requested",
                        "io.relops.deployment.started",
                        "io.relops.deployment.ready",
                        "io.relops.health.failed",
                        "io.relops.rollback.completed");
        assertCorrelated(broken);
        JsonNode rollback = event(broken, "io.relops.rollback.completed");
        assertThat(rollback.path("data").path("restoredVersion").asString()).isEqualTo("1.1.0");
        assertThat(rollback.path("data").path("failedVersion").asString()).isEqualTo("2.0.0-broken");
        JsonNode healthFailed = event(broken, "io.relops.health.failed");
        assertThat(healthFailed.path("data").path("results")).isNotEmpty();
        assertThat(healthFailed.path("data").path("reason").asString()).contains("503");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(types(operator.release("/api/releases/"
                                        + broken.path("releaseId").asString())
                                .body()))
                        .contains("io.relops.alert.notified"));
        assertThat(stableVersion()).isEqualTo("1.1.0");
    }

    @Test
    @Order(2)
    void aReleaseWhoseSmokeTestFailsIsRolledBackBeforeAnyRequestReachedIt() throws Exception {
        assertThat(stableVersion()).isEqualTo("1.1.0");
        Map<String, Integer> served = new ConcurrentHashMap<>();
        // what demo-app's slots answer on /health, asked directly (the release's new slot is one of the two)
        Map<String, Integer> slotHealth = new ConcurrentHashMap<>();
        AtomicBoolean looping = new AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        clients.add(loop(looping, served, WalkingSkeletonIT::stableVersion));
        for (int port : slotPorts) {
            clients.add(loop(looping, slotHealth, () -> slotHealth(port)));
        }
        JsonNode bad;
        try {
            bad = releaseAndAwait("2.1.0-badcheckout", "ROLLED_BACK");
        } finally {
            looping.set(false);
            for (Thread client : clients) {
                client.join();
            }
        }

        assertThat(flowTypes(bad))
                .containsExactly(
                        "io.relops.release.requested",
                        "io.relops.deployment.started",
                        "io.relops.deployment.ready",
                        "io.relops.health.failed",
                        "io.relops.rollback.completed");
        JsonNode failed = event(bad, "io.relops.health.failed").path("data");
        assertThat(failed.path("reason").asString())
                .contains("smoke test 'checkout' failed")
                .contains("exit 1");
        // the smoke test runs before the probes: its result is the evidence, with the test's own output
        assertThat(failed.path("results")).singleElement().satisfies(result -> {
            assertThat(result.path("probe").asString()).isEqualTo("smoke-test:checkout");
            assertThat(result.path("passed").asBoolean()).isFalse();
            assertThat(result.path("error").asString()).contains("500");
        });
        System.out.println("[smoke] slots' /health answers during the release: " + slotHealth);
        assertThat(slotHealth)
                .as("answers of demo-app's slots' /health while 2.1.0-badcheckout was deployed, tested and rolled back:"
                        + " its health passes, only its checkout is broken")
                .containsKey("200 UP 2.1.0-badcheckout");
        assertThat(served)
                .as("answers of the stable URL while 2.1.0-badcheckout was deployed, tested and rolled back")
                .containsKey("1.1.0")
                .doesNotContainKey("2.1.0-badcheckout");
        assertThat(served.keySet())
                .as(
                        "failed requests to the stable URL while 2.1.0-badcheckout was deployed, tested and rolled back"
                                + " (answers %s)",
                        served)
                .noneMatch(answer -> answer.startsWith("error: "));
        System.out.println("[smoke] stable URL answers during the release: " + served);
        assertThat(stableVersion()).isEqualTo("1.1.0");
    }

    @Test
    @Order(3)
    void releasesACanaryStepByStepAndRollsItBackInOneEmergencyCall() throws Exception {
        HttpResponse<String> requested = post(
                "{\"application\":\"demo-app\",\"version\":\"1.2.0\",\"environment\":\"local\","
                        + "\"strategy\":\"canary\"}",
                true);
        assertThat(requested.statusCode()).as(requested.body()).isEqualTo(202);
        String location = requested.headers().firstValue("Location").orElseThrow();
        JsonNode canary = await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> operator.release(location).body(),
                        release -> "COMPLETED".equals(release.path("status").asString())
                                && flowTypes(release).contains("io.relops.release.completed"));
        List<Integer> weights = new ArrayList<>();
        List<Integer> verifiedSteps = new ArrayList<>();
        for (JsonNode e : canary.path("timeline")) {
            if (e.path("type").asString().equals("io.relops.traffic.shifted")) {
                weights.add(e.path("data").path("weight").asInt());
            }
            if (e.path("type").asString().equals("io.relops.health.verified")
                    && !e.path("data").path("step").isNull()) {
                verifiedSteps.add(e.path("data").path("step").asInt());
            }
        }
        assertThat(weights).containsExactly(25, 50, 100);
        assertThat(verifiedSteps).contains(1, 2, 3);
        assertCorrelated(canary);
        assertThat(stableVersion()).isEqualTo("1.2.0");

        HttpResponse<String> emergency = http.send(
                HttpRequest.newBuilder(URI.create(suite.url("gateway-service") + location + "/rollback"))
                        .header("Authorization", "Bearer " + operatorToken)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"reason\":\"checkout errors\",\"emergency\":true}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(emergency.statusCode()).as(emergency.body()).isEqualTo(200);
        assertThat(EventJson.mapper().readTree(emergency.body()).path("status").asString())
                .isEqualTo("ROLLED_BACK");
        assertThat(stableVersion()).isEqualTo("1.1.0");
    }

    @Test
    @Order(4)
    void refusesBadInputWithProblemDetailsAndPublishesNothing() throws Exception {
        long before = endOffset(releaseTopic);

        HttpResponse<String> malformed = post("{\"application\": \"demo-app\", \"version\": ", true);
        assertProblem(malformed, 400, "malformed JSON");

        HttpResponse<String> missing = post("{\"application\":\"demo-app\",\"environment\":\"local\"}", true);
        assertProblem(missing, 400, "version");
        assertThat(fields(missing)).contains("version");

        HttpResponse<String> unknown =
                post("{\"application\":\"no-such-app\",\"version\":\"1.0.0\",\"environment\":\"local\"}", true);
        assertProblem(unknown, 400, "not in the application catalog");
        assertThat(fields(unknown)).containsExactly("application");

        HttpResponse<String> shell =
                post("{\"application\":\"demo-app\",\"version\":\"1.0;rm -rf /\",\"environment\":\"local\"}", true);
        assertProblem(shell, 400, "version");
        assertThat(fields(shell)).containsExactly("version");

        HttpResponse<String> anonymous =
                post("{\"application\":\"demo-app\",\"version\":\"1.0.0\",\"environment\":\"local\"}", false);
        assertProblem(anonymous, 401, "bearer token");

        assertThat(endOffset(releaseTopic)).as("records published on bad input").isEqualTo(before);
    }

    @Test
    @Order(5)
    void sendsAPoisonRecordToEveryConsumerGroupsDeadLetterTopicAndMovesOn() throws Exception {
        byte[] poison = ("not a cloudevent " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, suite.kafkaBootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(new ProducerRecord<>(releaseTopic, "demo-app".getBytes(StandardCharsets.UTF_8), poison))
                    .get();
        }

        // the next valid event on the same partition (same key) is still processed by everyone
        releaseAndAwait("1.2.0", "COMPLETED");
        assertThat(stableVersion()).isEqualTo("1.2.0");

        for (String group : CONSUMER_GROUPS) {
            String dlq = "error." + releaseTopic + "." + group;
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                ConsumerRecord<byte[], byte[]> dead = deadLetter(dlq, poison);
                assertThat(dead).as("poison record in %s", dlq).isNotNull();
                Header reason = dead.headers().lastHeader("x-exception-message");
                assertThat(reason).as("reason header in %s", dlq).isNotNull();
                assertThat(new String(reason.value(), StandardCharsets.UTF_8)).contains("not a valid CloudEvent");
            });
        }
    }

    @Test
    @Order(6)
    void oneReleaseIsOneTraceAcrossEveryService() throws Exception {
        // a release that backs up, deploys, fails its health check, rolls back and alerts: every service takes part
        JsonNode broken = releaseAndAwait("2.1.0-broken", "ROLLED_BACK");
        String releaseId = broken.path("releaseId").asString();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(types(
                                operator.release("/api/releases/" + releaseId).body()))
                        .contains("io.relops.alert.notified"));

        // every event of the release went out with the W3C trace context of one trace: none started a trace of its own
        Map<String, String> traceparents = new LinkedHashMap<>();
        for (String topic : topics) {
            for (ConsumerRecord<byte[], byte[]> record : recordsOf(topic, releaseId)) {
                traceparents.put(
                        header(record, "ce_type") + " " + header(record, "ce_id"), header(record, "traceparent"));
            }
        }
        assertThat(traceparents.keySet())
                .anyMatch(event -> event.startsWith("io.relops.release.requested "))
                .anyMatch(event -> event.startsWith("io.relops.backup.completed "))
                .anyMatch(event -> event.startsWith("io.relops.deployment.ready "))
                .anyMatch(event -> event.startsWith("io.relops.health.failed "))
                .anyMatch(event -> event.startsWith("io.relops.rollback.completed "))
                .anyMatch(event -> event.startsWith("io.relops.alert.notified "));
        assertThat(traceparents)
                .allSatisfy((event, traceparent) -> assertThat(traceparent)
                        .as("traceparent of %s", event)
                        .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]"));
        Set<String> traceIds = new HashSet<>();
        traceparents.values().forEach(traceparent -> traceIds.add(traceparent.split("-")[1]));
        assertThat(traceIds)
                .as("trace ids of the release's events %s", traceparents)
                .hasSize(1);
        String traceId = traceIds.iterator().next();

        // and every service reported its part of that trace, whose only root is the gateway's request
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<SpanReceiver.ReceivedSpan> trace = spans.trace(traceId);
            assertThat(trace)
                    .extracting(SpanReceiver.ReceivedSpan::service)
                    .contains(
                            "gateway-service",
                            "deploy-service",
                            "backup-service",
                            "healthcheck-service",
                            "alert-service",
                            "audit-service");
            assertThat(trace.stream().filter(SpanReceiver.ReceivedSpan::isRoot))
                    .singleElement()
                    .satisfies(root -> {
                        assertThat(root.service()).isEqualTo("gateway-service");
                        assertThat(root.kind()).isEqualTo("SPAN_KIND_SERVER");
                    });
        });
    }

    @Test
    @Order(7)
    void everyServiceExposesMetricsPromtoolFindsNoProblemIn() throws Exception {
        // after the releases above, each service's scrape has its own meters, the binder's and the clients'
        assumeTrue(Promtool.find() != null, Promtool.ABSENT);
        for (String service : SuiteOptions.DEFAULT_PORTS.keySet()) {
            HttpResponse<String> scrape = http.send(
                    HttpRequest.newBuilder(URI.create(suite.url(service) + "/actuator/prometheus"))
                            .header("Authorization", "Bearer " + adminToken)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode())
                    .as("%s /actuator/prometheus", service)
                    .isEqualTo(200);
            assertThat(scrape.body()).as("%s /actuator/prometheus", service).contains("relops_");
            Promtool.Result check = Promtool.run(scrape.body(), "check", "metrics");
            assertThat(check.output())
                    .as("promtool check metrics on %s", service)
                    .isBlank();
            assertThat(check.exitCode())
                    .as("promtool check metrics on %s", service)
                    .isZero();
        }
    }

    /**
     * gated-app (catalog-metric-gate.yml) verifies each new slot with a metric gate on a Prometheus that does not
     * answer, every limit at its documented default: its five measurements all err, more than consecutive-error-limit
     * 4, so the metric is inconclusive and the release pauses for a human instead of rolling back; the stable URL
     * keeps the version before. An operator's promote then completes it; on another release, an abort brings
     * nothing of it live.
     */
    @Test
    @Order(8)
    void aMetricGateWithoutPrometheusPausesTheReleaseUntilAnOperatorPromotesOrAbortsIt() throws Exception {
        JsonNode first = awaitPaused(requestGated("1.0.0"));
        assertPausedByTheMetricGate(first);
        promote(first);

        String second = requestGated("1.1.0");
        JsonNode paused = awaitPaused(second);
        assertPausedByTheMetricGate(paused);
        assertThat(gatedStableVersion())
                .as("gated-app's stable URL while 1.1.0 is paused")
                .isEqualTo("1.0.0");
        JsonNode promoted = promote(paused);
        assertThat(promoted.path("previousVersion").asString()).isEqualTo("1.0.0");

        JsonNode third = awaitPaused(requestGated("1.2.0"));
        assertPausedByTheMetricGate(third);
        assertThat(gatedStableVersion())
                .as("gated-app's stable URL while 1.2.0 is paused")
                .isEqualTo("1.1.0");
        HttpResponse<String> abort = action(third, "abort", "{\"reason\":\"no latency data to judge it by\"}");
        assertThat(abort.statusCode()).as(abort.body()).isEqualTo(202);
        JsonNode aborted = await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> gatedRelease(third),
                        release -> "ABORTED".equals(release.path("status").asString())
                                && types(release).contains("io.relops.release.abort.requested"));
        assertThat(history(aborted, "ABORTED"))
                .singleElement()
                .asString()
                .contains("aborted by", "no latency data to judge it by");
        assertThat(types(aborted))
                .contains("io.relops.release.abort.requested")
                .doesNotContain("io.relops.traffic.shifted", "io.relops.release.completed", "io.relops.health.failed");
        assertThat(gatedStableVersion())
                .as("gated-app's stable URL after 1.2.0 was aborted")
                .isEqualTo("1.1.0");
    }

    private static String requestGated(String version) {
        GatewayClient.Answer answer = operator.requestRelease("gated-app", version, "local");
        assertThat(answer.status()).as("%s", answer.body()).isEqualTo(202);
        return answer.location();
    }

    private static JsonNode gatedRelease(JsonNode release) {
        return gatedRelease("/api/releases/" + release.path("releaseId").asString());
    }

    private static JsonNode gatedRelease(String location) {
        return operator.release(location).body();
    }

    /** The release once paused: PROMOTING, {@code paused}, a health.inconclusive in its timeline. */
    private static JsonNode awaitPaused(String location) {
        return await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> gatedRelease(location),
                        release -> release.path("status").asString().equals("PROMOTING")
                                        && release.path("paused").asBoolean()
                                        && types(release).contains("io.relops.health.inconclusive")
                                || release.path("status").asString().matches("COMPLETED|ROLLED_BACK|FAILED|ABORTED"));
    }

    /** Paused by the metric gate, the limit it passed named, nothing rolled back, no traffic on the new slot. */
    private static void assertPausedByTheMetricGate(JsonNode release) {
        assertThat(release.path("status").asString()).as("%s", release).isEqualTo("PROMOTING");
        assertThat(release.path("paused").asBoolean()).as("paused").isTrue();
        // deploy-service's history of the release says why it paused
        assertThat(history(release, "PROMOTING"))
                .last()
                .asString()
                .contains("health inconclusive at slot " + release.path("slot").asString())
                .contains("metric 'p95': 5 consecutive errors > consecutive-error-limit 4")
                .contains("Prometheus at http://127.0.0.1")
                .contains("unreachable")
                .contains("paused until an operator promotes or aborts it")
                .doesNotContain("inconclusive-limit", "failure-limit");
        assertThat(types(release))
                .containsSubsequence(
                        "io.relops.release.requested", "io.relops.deployment.ready", "io.relops.health.inconclusive")
                .doesNotContain(
                        "io.relops.health.verified",
                        "io.relops.health.failed",
                        "io.relops.traffic.shifted",
                        "io.relops.rollback.completed");
        JsonNode inconclusive = event(release, "io.relops.health.inconclusive").path("data");
        assertThat(inconclusive.path("reason").asString())
                .contains("metric 'p95': 5 consecutive errors > consecutive-error-limit 4");
        // the evidence: each of the five measurements, inconclusive, naming the Prometheus it could not reach
        List<JsonNode> measurements = new ArrayList<>();
        inconclusive.path("results").forEach(result -> {
            if (result.path("probe").asString().equals("metric:p95")) {
                measurements.add(result);
            }
        });
        assertThat(measurements).hasSize(5).allSatisfy(measurement -> {
            assertThat(measurement.path("passed").asBoolean()).isFalse();
            assertThat(measurement.path("inconclusive").asBoolean()).isTrue();
            assertThat(measurement.path("error").asString()).contains("Prometheus at http://127.0.0.1", "unreachable");
        });
    }

    /** An operator's promote of the paused release: it switches traffic and completes. */
    private static JsonNode promote(JsonNode paused) throws Exception {
        HttpResponse<String> promote = action(paused, "promote", null);
        assertThat(promote.statusCode()).as(promote.body()).isEqualTo(202);
        JsonNode completed = await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> gatedRelease(paused),
                        release -> "COMPLETED".equals(release.path("status").asString())
                                && types(release).contains("io.relops.release.completed"));
        assertThat(types(completed))
                .containsSubsequence(
                        "io.relops.health.inconclusive",
                        "io.relops.release.promotion.requested",
                        "io.relops.traffic.shifted",
                        "io.relops.release.completed")
                .doesNotContain("io.relops.health.failed", "io.relops.rollback.completed");
        assertThat(gatedStableVersion())
                .as("gated-app's stable URL once promoted")
                .isEqualTo(paused.path("version").asString());
        return completed;
    }

    private static HttpResponse<String> action(JsonNode release, String action, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(suite.url("gateway-service") + "/api/releases/"
                                + release.path("releaseId").asString() + "/" + action))
                        .header("Authorization", "Bearer " + operatorToken)
                        .header("Content-Type", "application/json")
                        .POST(
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The messages of deploy-service's history of the release with {@code status}, oldest first. */
    private static List<String> history(JsonNode release, String status) {
        List<String> messages = new ArrayList<>();
        release.path("history").forEach(step -> {
            if (step.path("status").asString().equals(status)) {
                messages.add(step.path("message").asString());
            }
        });
        return messages;
    }

    private static String gatedStableVersion() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatedStablePort + "/"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return EventJson.mapper().readTree(response.body()).path("version").asString();
    }

    @Test
    @Order(60)
    void debiansPrometheusScrapesEveryServiceWithTheMetricsToken() throws Exception {
        // Prometheus 2.x negotiates OpenMetrics and refuses a whole scrape for one exemplar where OpenMetrics 1.0
        // allows none (e.g. on a summary's _count): the target is then down, with that as its last error
        Map<String, String> urls = new LinkedHashMap<>();
        SuiteOptions.DEFAULT_PORTS.keySet().forEach(service -> urls.put(service, suite.url(service)));
        try (RealPrometheus prometheus =
                RealPrometheus.startWithConfig(workDir -> SuiteMonitoring.scrapeConfig(workDir, urls, metricsToken))) {
            // the point is the 2.x scraper (Debian stable's 2.42): a 3.x, which may tolerate what 2.x refuses, proves
            // nothing here
            RealPrometheus.Version version = prometheus.version();
            System.out.println("[monitoring] Prometheus " + version + " scrapes the suite");
            assertThat(version.major())
                    .as("the major of Prometheus %s: this test is about 2.x, Debian's package", version)
                    .isEqualTo(2);
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        assertThat(SuiteMonitoring.targets(prometheus))
                                .as("Prometheus' targets (service, health, last error)")
                                .hasSize(urls.size())
                                .allSatisfy(target -> assertThat(target.health())
                                        .as("%s", target)
                                        .isEqualTo("up"));
                        Map<String, String> up = SuiteMonitoring.up(prometheus);
                        System.out.println("[monitoring] up: " + up);
                        assertThat(up)
                                .containsOnlyKeys(urls.keySet())
                                .allSatisfy((service, value) -> assertThat(value)
                                        .as("up{service=%s}", service)
                                        .isEqualTo("1"));
                    });
            // no meter lost: every service has sent to Kafka by now (the releases, the alerts, the dead letters), and
            // its sends are timed and exported, under one set of tag keys, the observation's (every template's); the
            // legacy timer's keys registered first would make the registry refuse the observed sends'
            // (docs/observability.md)
            Map<String, Set<Set<String>>> tagKeys =
                    SuiteMonitoring.tagKeys(prometheus, SuiteMonitoring.KAFKA_SEND_TIMER + "_count");
            System.out.println("[monitoring] " + SuiteMonitoring.KAFKA_SEND_TIMER + " tag keys: " + tagKeys);
            assertThat(tagKeys)
                    .as("the tag keys of %s_count by service", SuiteMonitoring.KAFKA_SEND_TIMER)
                    .containsOnlyKeys(urls.keySet())
                    .allSatisfy((service, keys) -> assertThat(keys)
                            .as("%s's sets of tag keys of %s", service, SuiteMonitoring.KAFKA_SEND_TIMER)
                            .hasSize(1)
                            .allSatisfy(set -> assertThat(set)
                                    .containsAll(SuiteMonitoring.KAFKA_SEND_TIMER_OBSERVATION_KEYS)
                                    .doesNotContain("result", "exception")));
            assertThat(tagKeys.values().stream().distinct())
                    .as("the sets of tag keys of %s across the services", SuiteMonitoring.KAFKA_SEND_TIMER)
                    .hasSize(1);
            Map<String, String> sends = SuiteMonitoring.byService(
                    prometheus, "sum by (target_service) (" + SuiteMonitoring.KAFKA_SEND_TIMER + "_count)");
            System.out.println("[monitoring] timed Kafka sends: " + sends);
            assertThat(sends)
                    .as("the Kafka sends %s timed, by service", SuiteMonitoring.KAFKA_SEND_TIMER)
                    .containsOnlyKeys(urls.keySet())
                    .allSatisfy((service, count) -> assertThat(Double.parseDouble(count))
                            .as("%s's timed Kafka sends", service)
                            .isPositive());
        }
    }

    @Test
    @Order(61)
    void everyServicesOpenMetricsOutputPassesAStrictParser() throws Exception {
        String python = SuiteMonitoring.pythonWithParser();
        assumeTrue(python != null, SuiteMonitoring.PARSER_ABSENT);
        int exemplars = 0;
        for (String service : SuiteOptions.DEFAULT_PORTS.keySet()) {
            HttpResponse<String> scrape = http.send(
                    HttpRequest.newBuilder(URI.create(suite.url(service) + "/actuator/prometheus"))
                            .header("Authorization", "Bearer " + metricsToken)
                            .header("Accept", "application/openmetrics-text;version=1.0.0")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode())
                    .as("%s /actuator/prometheus", service)
                    .isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type").orElse(""))
                    .as("%s /actuator/prometheus", service)
                    .startsWith("application/openmetrics-text");
            SuiteMonitoring.Parsed parsed = SuiteMonitoring.parseOpenMetrics(python, scrape.body());
            assertThat(parsed.exitCode())
                    .as("prometheus_client's OpenMetrics parser on %s: %s", service, parsed.output())
                    .isZero();
            System.out.println("[monitoring] " + service + " OpenMetrics: " + parsed.output());
            exemplars += parsed.exemplars();
        }
        // exemplars stay where OpenMetrics allows them (counters' _total, histogram buckets): the releases above ran
        // in traces, so some counter carries a trace id
        assertThat(exemplars)
                .as("exemplars in the six services' OpenMetrics output")
                .isPositive();
    }

    @Test
    @Order(62)
    void noServiceFailedToRegisterAMeter() throws Exception {
        // Micrometer drops a meter whose name another meter has with other tag keys (or another type), and says so
        // only in the log: after the flows above every instrumentation has registered its meters
        Map<String, List<String>> failures = new LinkedHashMap<>();
        for (String service : SuiteOptions.DEFAULT_PORTS.keySet()) {
            List<String> found = SuiteMonitoring.meterRegistrationFailures(suite.logFile(service));
            if (!found.isEmpty()) {
                failures.put(service, found);
            }
        }
        assertThat(failures)
                .as("meters that could not be registered, by service")
                .isEmpty();
    }

    private static List<ConsumerRecord<byte[], byte[]>> recordsOf(String topic, String releaseId) {
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (releaseId.equals(header(record, "ce_releaseid"))) {
                        found.add(record);
                    }
                }
            }
        }
        return found;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static JsonNode releaseAndAwait(String version, String finalStatus) {
        GatewayClient.Answer answer = operator.requestRelease("demo-app", version, "local");
        assertThat(answer.status()).isEqualTo(202);
        String releaseId = answer.body().path("releaseId").asString();
        assertThat(answer.location()).isEqualTo("/api/releases/" + releaseId);
        return await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> operator.release(answer.location()).body(),
                        release -> finalStatus.equals(release.path("status").asString())
                                && flowTypes(release).size() >= (finalStatus.equals("COMPLETED") ? 7 : 5));
    }

    private static List<String> types(JsonNode release) {
        List<String> types = new ArrayList<>();
        release.path("timeline").forEach(e -> types.add(e.path("type").asString()));
        return types;
    }

    private static List<String> flowTypes(JsonNode release) {
        return types(release).stream().filter(FLOW_TYPES::contains).toList();
    }

    private static JsonNode event(JsonNode release, String type) {
        for (JsonNode e : release.path("timeline")) {
            if (type.equals(e.path("type").asString())) {
                return e;
            }
        }
        throw new AssertionError("no " + type + " in " + release);
    }

    private static void assertCorrelated(JsonNode release) {
        String releaseId = release.path("releaseId").asString();
        Set<String> ids = new HashSet<>();
        for (JsonNode e : release.path("timeline")) {
            assertThat(e.path("data").path("releaseId").asString()).isEqualTo(releaseId);
            assertThat(ids.add(e.path("id").asString())).as("unique event id").isTrue();
        }
    }

    private static String stableVersion() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stablePort + "/"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return EventJson.mapper().readTree(response.body()).path("version").asString();
    }

    private static HttpResponse<String> post(String body, boolean authenticated) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(suite.url("gateway-service") + "/api/releases"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authenticated) {
            request.header("Authorization", "Bearer " + operatorToken);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> response, int status, String detailContains) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(EventJson.mapper().readTree(response.body()).path("detail").asString())
                .contains(detailContains);
    }

    private static List<String> fields(HttpResponse<String> response) {
        List<String> fields = new ArrayList<>();
        EventJson.mapper()
                .readTree(response.body())
                .path("errors")
                .forEach(e -> fields.add(e.path("field").asString()));
        return fields;
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, suite.kafkaBootstrap());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(props);
    }

    private static long endOffset(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            return consumer.endOffsets(partitions).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }

    private static ConsumerRecord<byte[], byte[]> deadLetter(String topic, byte[] value) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            if (partitions.isEmpty()) {
                return null;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (java.util.Arrays.equals(record.value(), value)) {
                        return record;
                    }
                }
            }
            return null;
        }
    }

    /**
     * Debian's Alertmanager, configured as a user would (docs/gateway-routes.md), delivers its webhook through the
     * gateway to alert-service with an operator token and with an admin token: the alerts and their resolution arrive.
     */
    @Test
    @Order(50)
    void debiansAlertmanagerDeliversItsWebhookThroughTheGatewayWithAnOperatorAndAnAdminToken() throws Exception {
        try (AlertmanagerWebhook alertmanager = AlertmanagerWebhook.start(
                URI.create(suite.url("gateway-service")), Map.of("operator", operatorToken, "admin", adminToken))) {
            alertmanager.fire();
            awaitAlertsDelivered(alertmanager, "firing");
            alertmanager.resolve();
            awaitAlertsDelivered(alertmanager, "resolved");
        }
    }

    /**
     * Debian's amtool works against the gateway's Alertmanager API v2 as against an Alertmanager: {@code alert add}
     * raises an alert that alert-service has, {@code alert query} finds it, {@code silence add} silences it (hidden
     * from {@code alert query}), {@code silence query} lists the silence and {@code silence expire} ends it.
     */
    @Test
    @Order(51)
    void amtoolWorksThroughTheGatewaysAlertmanagerApi(@TempDir Path workDir) throws Exception {
        assumeTrue(Amtool.find() != null, Amtool.ABSENT);
        Amtool amtool = Amtool.against(suite.url("gateway-service"), operatorToken, workDir);
        String application = "amtool-" + UUID.randomUUID().toString().substring(0, 8);
        amtool.ok(
                "alert",
                "add",
                "alertname=RelopsAmtoolViaGateway",
                "application=" + application,
                "severity=warning",
                "--annotation=summary=raised with amtool through the gateway");

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(operator.get("/api/alerts", Map.of("application", application))
                                .valueStream()
                                .toList())
                        .singleElement()
                        .satisfies(alert -> {
                            assertThat(alert.path("labels").path("alertname").asString())
                                    .isEqualTo("RelopsAmtoolViaGateway");
                            assertThat(alert.path("state").asString()).isEqualTo("firing");
                            assertThat(alert.path("annotations").path("summary").asString())
                                    .isEqualTo("raised with amtool through the gateway");
                        }));
        String matcher = "application=" + application;
        assertThat(amtool.ok("alert", "query", matcher)).contains("RelopsAmtoolViaGateway");

        String silence = amtool.ok("silence", "add", matcher, "--comment=through the gateway", "--duration=10m")
                .strip();
        assertThat(amtool.ok("silence", "query", matcher)).contains(silence, "through the gateway");
        assertThat(amtool.ok("alert", "query", matcher)).doesNotContain("RelopsAmtoolViaGateway");
        assertThat(amtool.ok("alert", "query", "--silenced", matcher)).contains("RelopsAmtoolViaGateway");

        amtool.ok("silence", "expire", silence);
        assertThat(amtool.ok("silence", "query", matcher)).doesNotContain(silence);
        assertThat(amtool.ok("alert", "query", matcher)).contains("RelopsAmtoolViaGateway");
    }

    /** Both receivers' alerts are in alert-service (read through the gateway), in {@code state}. */
    private static void awaitAlertsDelivered(AlertmanagerWebhook alertmanager, String state) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Map<String, String> states = new LinkedHashMap<>();
            operator.get("/api/alerts", Map.of("application", alertmanager.application()))
                    .valueStream()
                    .forEach(alert -> states.put(
                            alert.path("labels").path("alertname").asString(),
                            alert.path("state").asString()));
            assertThat(states)
                    .as(alertmanager::diagnostics)
                    .isEqualTo(Map.of(
                            AlertmanagerWebhook.alertname("operator"), state,
                            AlertmanagerWebhook.alertname("admin"), state));
        });
    }

    /**
     * A client on a thread of its own, asking {@code call} at a client's pace until {@code looping} is cleared and
     * counting its answers (an exception is the answer {@code error: <message>}).
     */
    private static Thread loop(AtomicBoolean looping, Map<String, Integer> answers, Callable<String> call) {
        Thread client = new Thread(() -> {
            while (looping.get()) {
                String answer;
                try {
                    answer = call.call();
                } catch (Exception | AssertionError e) {
                    answer = "error: " + e.getMessage();
                }
                answers.merge(answer, 1, Integer::sum);
                LockSupport.parkNanos(Duration.ofMillis(5).toNanos()); // a client's pace, not a wait for a state
            }
        });
        client.start();
        return client;
    }

    /** What the demo-app slot on {@code port} answers on /health: status, its status and version, or unreachable. */
    private static String slotHealth(int port) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode health = EventJson.mapper().readTree(response.body());
            return response.statusCode() + " " + health.path("status").asString() + " "
                    + health.path("version").asString();
        } catch (IOException e) {
            return "unreachable";
        }
    }

    private static Path testResource(String name) {
        try {
            return Path.of(WalkingSkeletonIT.class.getResource("/" + name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        return Ports.free();
    }

    @Test
    @Order(70)
    void servesOneOpenApiDocumentForTheWholeOperatorApiThatLintsCleanAndGeneratesAClient() throws Exception {
        OperatorApiDocument.check(URI.create(suite.url("gateway-service")));
    }
}
