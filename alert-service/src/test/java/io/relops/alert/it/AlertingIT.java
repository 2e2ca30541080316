package io.relops.alert.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import io.relops.alert.AlertServiceApplication;
import io.relops.alert.channel.EmailChannel;
import io.relops.alert.channel.PagerDutyChannel;
import io.relops.alert.channel.WebhookChannel;
import io.relops.alert.lifecycle.AlertStore;
import io.relops.alert.lifecycle.StoredAlert;
import io.relops.alert.lifecycle.Suppressions;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.EncodedEvent;
import io.relops.common.codec.EventJson;
import io.relops.common.event.AlertAcknowledged;
import io.relops.common.event.DeploymentFailed;
import io.relops.common.event.EventData;
import io.relops.common.event.HealthFailed;
import io.relops.common.event.HealthVerified;
import io.relops.common.event.ProbeResult;
import io.relops.common.event.RelopsEvent;
import io.relops.common.event.RollbackFailed;
import io.relops.common.event.SilenceCreated;
import io.relops.common.event.SilenceExpired;
import io.relops.common.event.SilenceUpdated;
import io.relops.testkit.EventStream;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import io.relops.testkit.RealPrometheus;
import io.relops.testkit.TestCredentials;
import jakarta.mail.internet.MimeMessage;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * alert-service end to end over a real Kafka broker and a real PostgreSQL (testkit), with real
 * local HTTP receivers for Slack, PagerDuty and webhooks and a real SMTP server (GreenMail) in the
 * test JVM. Every test uses its own application names, so the tests share one running service.
 */
class AlertingIT {

    private static final String SECRET = "it-webhook-secret";

    @RegisterExtension
    static final GreenMailExtension smtp = new GreenMailExtension(
                    new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort())
            .withPerMethodLifecycle(false);

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String HEALTH_TOPIC = "relops.health." + RUN;
    private static final String ALERT_TOPIC = "relops.alert." + RUN;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final Duration FLOW_GROUP_INTERVAL = Duration.ofSeconds(1);
    private static final Duration REPEAT = Duration.ofSeconds(3);

    private static Receivers receivers;
    private static String jdbcUrl;
    private static ConfigurableApplicationContext service;
    private static String baseUrl;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start() {
        receivers = new Receivers();
        jdbcUrl = Postgres.freshDatabase("alert_it");
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        service = replica();
        baseUrl = url(service);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (receivers != null) {
            receivers.close();
        }
    }

    /** One alert-service instance on the shared database, broker and topics. */
    static ConfigurableApplicationContext replica() {
        Map<String, Object> p = new HashMap<>();
        p.put("server.port", 0);
        p.putAll(TestCredentials.properties());
        p.put("relops.kafka.bootstrap-servers", Kafka.bootstrapServers());
        p.put("relops.database.url", jdbcUrl);
        p.put("relops.database.username", Postgres.server().username());
        p.put("relops.database.password", Postgres.server().password());
        p.put("relops.topics.release", "relops.release." + RUN);
        p.put("relops.topics.health", HEALTH_TOPIC);
        p.put("relops.topics.backup", "relops.backup." + RUN);
        p.put("relops.topics.alert", ALERT_TOPIC);
        p.put("spring.mail.host", "127.0.0.1");
        p.put("spring.mail.port", smtp.getSmtp().getPort());
        p.put("relops.alerting.tick", "200ms");
        p.put("relops.alerting.console-url", "http://console.test");
        p.put("relops.alerting.delivery.retry-backoff", "200ms");
        p.put("relops.alerting.delivery.open-state-wait", "5s");
        p.put("relops.alerting.delivery.redelivery-backoff", "1s");
        p.put("relops.alerting.delivery.max-redelivery-backoff", "4s");
        p.put("relops.alerting.delivery.timeout", "3s");
        // the tree: by default to "team"; outage-* to "oncall"; esc-* to a quiet log receiver that escalates
        p.put("relops.alerting.route.receiver", "team");
        p.put("relops.alerting.route.group-by[0]", "application");
        p.put("relops.alerting.route.group-wait", "3s");
        p.put("relops.alerting.route.group-interval", "2s");
        p.put("relops.alerting.route.repeat-interval", "1h");
        p.put("relops.alerting.route.routes[0].matchers[0]", "application=~\"outage-.*\"");
        p.put("relops.alerting.route.routes[0].receiver", "oncall");
        p.put("relops.alerting.route.routes[1].matchers[0]", "application=~\"esc-.*\"");
        p.put("relops.alerting.route.routes[1].receiver", "quiet");
        p.put("relops.alerting.route.routes[1].escalate-to", "managers");
        p.put("relops.alerting.route.routes[1].escalate-after", "10s");
        p.put("relops.alerting.route.routes[1].group-wait", "1s");
        // regex-* at once to the team: how long the flush (which matches every active silence) takes is what shows
        p.put("relops.alerting.route.routes[2].matchers[0]", "application=~\"regex-.*\"");
        // (a label no alert has: a quote and a backslash that /api/v2/status must escape for amtool check-config)
        p.put("relops.alerting.route.routes[2].matchers[1]", "note!=\"say \\\"hi\\\" C:\\\\dir\"");
        p.put("relops.alerting.route.routes[2].receiver", "team");
        p.put("relops.alerting.route.routes[2].group-wait", "200ms");
        // flow-*: quick groups to the "flow" webhook alone (Prometheus' own deliveries, inhibition); flow-repeat-*
        // repeats every REPEAT
        p.put("relops.alerting.route.routes[3].matchers[0]", "application=~\"flow-.*\"");
        p.put("relops.alerting.route.routes[3].receiver", "flow");
        p.put("relops.alerting.route.routes[3].group-wait", "200ms");
        p.put("relops.alerting.route.routes[3].group-interval", FLOW_GROUP_INTERVAL.toMillis() + "ms");
        p.put("relops.alerting.route.routes[3].routes[0].matchers[0]", "application=~\"flow-repeat-.*\"");
        p.put("relops.alerting.route.routes[3].routes[0].repeat-interval", REPEAT.toMillis() + "ms");
        p.put("relops.alerting.receivers.flow.webhook[0].url", receivers.url("/webhook/flow"));
        p.put("relops.alerting.receivers.flow.webhook[1].url", receivers.url("/webhook/flow-text"));
        p.put("relops.alerting.receivers.flow.webhook[1].template", "{\"text\":\"{{text}}\"}");
        // a critical flow-* alert inhibits the warnings of its application; and the service's own rule
        p.put("relops.alerting.inhibit-rules[0].source-matchers[0]", "severity=\"critical\"");
        p.put("relops.alerting.inhibit-rules[0].target-matchers[0]", "severity=\"warning\"");
        p.put("relops.alerting.inhibit-rules[0].target-matchers[1]", "application=~\"flow-.*\"");
        p.put("relops.alerting.inhibit-rules[0].equal[0]", "application");
        p.put("relops.alerting.inhibit-rules[1].source-matchers[0]", "alertname=\"RollbackFailed\"");
        p.put("relops.alerting.inhibit-rules[1].target-matchers[0]", "alertname=\"RolledBack\"");
        p.put("relops.alerting.inhibit-rules[1].equal[0]", "application");
        p.put("relops.alerting.inhibit-rules[1].equal[1]", "environment");
        p.put("relops.alerting.receivers.team.slack[0].url", receivers.url("/slack/team"));
        p.put("relops.alerting.receivers.team.slack[0].send-resolved", "true");
        p.put("relops.alerting.receivers.team.pagerduty[0].url", receivers.url("/pagerduty/team"));
        p.put("relops.alerting.receivers.team.pagerduty[0].routing-key", "team-key");
        p.put("relops.alerting.receivers.team.email[0].to[0]", "team@example.org");
        p.put("relops.alerting.receivers.team.email[0].from", "relops@example.org");
        p.put("relops.alerting.receivers.team.webhook[0].url", receivers.url("/webhook/team"));
        p.put("relops.alerting.receivers.team.webhook[0].secret", SECRET);
        p.put("relops.alerting.receivers.oncall.slack[0].url", receivers.url("/slack/oncall"));
        p.put("relops.alerting.receivers.oncall.pagerduty[0].url", receivers.url("/pagerduty/oncall"));
        p.put("relops.alerting.receivers.oncall.pagerduty[0].routing-key", "oncall-key");
        p.put("relops.alerting.receivers.quiet.log[0].send-resolved", "true");
        p.put("relops.alerting.receivers.managers.webhook[0].url", receivers.url("/webhook/managers"));
        p.put(
                "relops.alerting.receivers.managers.webhook[0].template",
                "{\"text\":\"{{title}}\",\"app\":\"{{commonLabels.application}}\",\"kind\":\"{{kind}}\"}");
        // as command-line arguments: they take precedence over the service's own configuration
        return new SpringApplicationBuilder(AlertServiceApplication.class)
                .run(p.entrySet().stream()
                        .map(e -> "--" + e.getKey() + "=" + e.getValue())
                        .toArray(String[]::new));
    }

    static String url(ConfigurableApplicationContext context) {
        return "http://127.0.0.1:"
                + ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** Alertmanager's API v2 and Debian's amtool, on this running service. */
    @Nested
    class AlertmanagerApiV2 extends AlertmanagerApiChecks {

        AlertmanagerApiV2() {
            super(baseUrl, RUN);
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    void aHundredHealthFailuresWithinGroupWaitMakeExactlyOneNotificationPerIntegration() throws Exception {
        String app = "storm-" + RUN;
        UUID release = UUID.randomUUID();
        for (int i = 0; i < 100; i++) {
            send(HEALTH_TOPIC, healthFailed(app, release, "2.0." + i));
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(receivers.delivered("/slack/team", app)).hasSize(1);
            assertThat(receivers.delivered("/pagerduty/team", app)).hasSize(1);
            assertThat(receivers.delivered("/webhook/team", app)).hasSize(1);
            assertThat(mailsAbout(app)).hasSize(1);
        });
        // nothing more comes: no second notification over several group_interval ticks
        await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(12)).untilAsserted(() -> {
            assertThat(receivers.to("/slack/team", r -> r.body().contains(app))).hasSize(1);
            assertThat(receivers.to("/pagerduty/team", r -> r.body().contains(app)))
                    .hasSize(1);
            assertThat(receivers.to("/webhook/team", r -> r.body().contains(app)))
                    .hasSize(1);
            assertThat(mailsAbout(app)).hasSize(1);
        });

        // a message a person can act on
        String slack = EventJson.mapper()
                .readTree(receivers.delivered("/slack/team", app).get(0).body())
                .path("text")
                .asString();
        assertThat(slack)
                .contains("[FIRING:1] " + app + " HealthFailed (critical)")
                .contains("version: 2.0.")
                .contains("release: " + release)
                .contains("what failed: health returned 503")
                .contains("FAIL health: 503 (expected [200])")
                .contains("timeline: <http://console.test/console/releases/" + release + ">");
        MimeMessage mail = mailsAbout(app).get(0);
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("team@example.org");
        assertThat(GreenMailUtil.getBody(mail)).contains("FAIL health: 503");
        assertThat(mailText(mail))
                .as("the e-mail's text")
                .contains("release: " + release)
                .contains("timeline: http://console.test/console/releases/" + release);

        // PagerDuty: a trigger with the stable dedup key of the group
        JsonNode pd = EventJson.mapper()
                .readTree(receivers.delivered("/pagerduty/team", app).get(0).body());
        assertThat(pd.path("event_action").asString()).isEqualTo("trigger");
        assertThat(pd.path("routing_key").asString()).isEqualTo("team-key");
        assertThat(pd.path("dedup_key").asString())
                .isEqualTo(PagerDutyChannel.dedupKey("team", "0:{application=\"" + app + "\"}"));
        assertThat(pd.path("payload").path("severity").asString()).isEqualTo("critical");

        // the webhook: Alertmanager's shape, signed with HMAC-SHA256 over the exact body
        Receivers.Request hook = receivers.delivered("/webhook/team", app).get(0);
        assertThat(hook.header("X-Relops-Signature"))
                .isEqualTo(WebhookChannel.signature(SECRET, hook.body().getBytes(StandardCharsets.UTF_8)));
        JsonNode hookBody = EventJson.mapper().readTree(hook.body());
        assertThat(hookBody.path("version").asString()).isEqualTo("4");
        assertThat(hookBody.path("alerts")).hasSize(1);

        // delivery is at least once: the webhook's Idempotency-Key and the e-mail's Message-ID are the
        // notification's id, what a repeat after a crash carries again
        assertThat(hook.header(WebhookChannel.IDEMPOTENCY_KEY))
                .isEqualTo(deliveredNotification("team/webhook[0]", app).toString());
        assertThat(mail.getMessageID())
                .isEqualTo(EmailChannel.messageId(deliveredNotification("team/email[0]", app), "relops@example.org"));

        // audited: one alert.notified per delivered notification (4 integrations, 1 alert)
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() ->
                        assertThat(alertEvents(app, "io.relops.alert.notified")).hasSize(4));

        JsonNode alerts = getJson("/api/alerts?state=firing&application=" + app);
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).path("labels").path("alertname").asString()).isEqualTo("HealthFailed");
    }

    @Test
    void slackAndEmailNameTheReleaseItsTimelineAndTheRunbookOfAnAlertPushedThroughApiV2() throws Exception {
        // relops' Prometheus rules annotate every alert with its runbook (ops/prometheus/relops-rules.yml): the
        // team's Slack message and e-mail say where to look, as the webhook template's text does (flow tests below).
        // The runbook annotation's value is in the message, however the link is written around it.
        String app = "runbook-" + RUN;
        UUID release = UUID.randomUUID();
        String runbook = "https://runbooks.example.org/relops/" + app;
        OffsetDateTime startsAt = OffsetDateTime.now().minusSeconds(1);
        String alert = EventJson.mapper()
                .writeValueAsString(Map.of(
                        "labels",
                        Map.of("alertname", "RelopsApiErrorBudgetBurn", "application", app, "severity", "critical"),
                        "annotations",
                        Map.of(
                                "summary",
                                "the API burns its error budget",
                                "runbook_url",
                                runbook,
                                "releaseId",
                                release.toString()),
                        "startsAt",
                        startsAt.toString(),
                        "endsAt",
                        startsAt.plusHours(1).toString()));
        assertThat(postV2(alert).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(receivers.delivered("/slack/team", app)).hasSize(1);
            assertThat(mailsAbout(app)).hasSize(1);
        });
        String slack = EventJson.mapper()
                .readTree(receivers.delivered("/slack/team", app).get(0).body())
                .path("text")
                .asString();
        assertThat(slack)
                .as("the Slack message")
                .contains("[FIRING:1] " + app + " RelopsApiErrorBudgetBurn (critical)")
                .contains("release: " + release)
                .contains("timeline: <http://console.test/console/releases/" + release + ">")
                .contains(runbook);
        assertThat(mailText(mailsAbout(app).get(0)))
                .as("the e-mail's text")
                .contains("FIRING RelopsApiErrorBudgetBurn (critical): the API burns its error budget")
                .contains("release: " + release)
                .contains("timeline: http://console.test/console/releases/" + release)
                .contains(runbook);
    }

    @Test
    void aWebhookThatTookANotificationButAnsweredTooLateGetsTheSameNotificationAgainUnderTheSameKey() throws Exception {
        // the send succeeded at the receiving end but alert-service could not know (as when it, or its database,
        // stops between the send and the commit): delivery is at least once, and the repeat is recognisable
        String app = "late-" + RUN;
        receivers.answerLateUntil(
                "/webhook/team", app, Duration.ofSeconds(4), Instant.now().plusSeconds(10));
        send(HEALTH_TOPIC, healthFailed(app, UUID.randomUUID(), "9.0.0"));

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(service.getBean(JdbcClient.class)
                                .sql("select status from notification where integration = 'team/webhook[0]'"
                                        + " and payload -> 'commonLabels' ->> 'application' = ?")
                                .param(app)
                                .query(String.class)
                                .list())
                        .containsExactly("delivered"));
        List<Receivers.Request> received =
                receivers.to("/webhook/team", r -> r.body().contains(app));
        assertThat(received)
                .as("the webhook got the notification again after answering too late")
                .hasSizeGreaterThan(1);
        UUID notification = deliveredNotification("team/webhook[0]", app);
        assertThat(received).allSatisfy(r -> {
            assertThat(r.header(WebhookChannel.IDEMPOTENCY_KEY)).isEqualTo(notification.toString());
            assertThat(r.body()).isEqualTo(received.get(0).body());
            assertThat(r.header("X-Relops-Signature")).isEqualTo(received.get(0).header("X-Relops-Signature"));
        });
        // the audit log has it once per integration, however many times it was sent
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() ->
                        assertThat(alertEvents(app, "io.relops.alert.notified")).hasSize(4));
    }

    @Test
    void aSilenceSuppressesNotificationsUntilItIsExpired() throws Exception {
        String app = "silenced-" + RUN;
        HttpResponse<String> created = post("/api/silences", """
                {"matchers":[{"name":"application","value":"%s","isRegex":false,"isEqual":true}],
                 "startsAt":"%s","endsAt":"%s","createdBy":"it","comment":"maintenance window"}
                """.formatted(
                app, OffsetDateTime.now().minusMinutes(1), OffsetDateTime.now().plusHours(1)));
        assertThat(created.statusCode()).isEqualTo(200);
        String silenceId =
                EventJson.mapper().readTree(created.body()).path("silenceID").asString();
        assertThat(getJson("/api/silences/" + silenceId)
                        .path("status")
                        .path("state")
                        .asString())
                .isEqualTo("active");

        send(HEALTH_TOPIC, healthFailed(app, UUID.randomUUID(), "3.0.0"));

        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        getJson("/api/alerts?state=firing&application=" + app).size() == 1);
        await().during(Duration.ofSeconds(8))
                .atMost(Duration.ofSeconds(12))
                .untilAsserted(() -> assertThat(
                                receivers.to("/slack/team", r -> r.body().contains(app)))
                        .isEmpty());

        HttpResponse<String> expired = http.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/api/silences/" + silenceId))
                        .header("Authorization", TestCredentials.bearer("operator"))
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(expired.statusCode()).isEqualTo(200);
        assertThat(EventJson.mapper()
                        .readTree(expired.body())
                        .path("status")
                        .path("state")
                        .asString())
                .isEqualTo("expired");

        // once the silence is over, the still-firing alert is notified on the group's next tick
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() ->
                        assertThat(receivers.delivered("/slack/team", app)).hasSize(1));
    }

    @Test
    void aRefusedPromotionIsNotAFailedDeploymentAndPagesNobody() throws Exception {
        String app = "refused-" + RUN;
        String releaseTopic = "relops.release." + RUN;
        send(
                releaseTopic,
                new DeploymentFailed(
                        UUID.randomUUID(),
                        app,
                        "production",
                        "3.0.0",
                        null,
                        "promotion to production refused: " + app + " 3.0.0 was rolled back in staging",
                        true));
        // then an alerting event of the same application on the same topic (same key, same partition): once its
        // alert is there, the refusal before it has been consumed
        send(releaseTopic, new RollbackFailed(UUID.randomUUID(), app, "production", "router down"));

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(getJson("/api/alerts?application=" + app))
                        .extracting(
                                alert -> alert.path("labels").path("alertname").asString())
                        .contains("RollbackFailed"));
        assertThat(getJson("/api/alerts?application=" + app))
                .as("the refusal raised no DeploymentFailed alert")
                .extracting(alert -> alert.path("labels").path("alertname").asString())
                .containsExactly("RollbackFailed");
    }

    @Test
    void aRecoveryResolvesTheAlertAndSendResolvedReceiversHearItOnce() throws Exception {
        String app = "recovers-" + RUN;
        UUID release = UUID.randomUUID();
        send(HEALTH_TOPIC, healthFailed(app, release, "4.0.0"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(receivers.delivered("/slack/team", app)).hasSize(1);
            assertThat(receivers.delivered("/pagerduty/team", app)).hasSize(1);
        });

        send(HEALTH_TOPIC, new HealthVerified(release, app, "local", "4.0.0", "blue", null, List.of()));

        String dedupKey = PagerDutyChannel.dedupKey("team", "0:{application=\"" + app + "\"}");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(receivers.delivered("/slack/team", "[RESOLVED] " + app)).hasSize(1);
            assertThat(receivers.delivered("/pagerduty/team", dedupKey)).hasSize(2);
        });
        await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(receivers.to("/slack/team", r -> r.body().contains(app))).hasSize(2);
            assertThat(receivers.to("/pagerduty/team", r -> r.body().contains(dedupKey)))
                    .hasSize(2);
            assertThat(mailsAbout(app)).as("email does not send resolved").hasSize(1);
        });
        JsonNode resolve = EventJson.mapper()
                .readTree(
                        receivers.delivered("/pagerduty/team", dedupKey).get(1).body());
        assertThat(resolve.path("event_action").asString()).isEqualTo("resolve");
        assertThat(getJson("/api/alerts?state=resolved&application=" + app)).hasSize(1);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(alertEvents(app, "io.relops.alert.resolved"))
                        .hasSize(3)); // slack, pagerduty and the webhook send resolved; email does not
    }

    @Test
    void anUnreachableSlackIsNamedByItsSchemeAndHostOnlyInTheNotificationsLastError() {
        // Slack takes the request but answers after the read timeout: the client's I/O error names the URL, which
        // for a Slack webhook is the secret itself
        String app = "outage-late-" + RUN;
        receivers.answerLateUntil(
                "/slack/oncall", app, Duration.ofSeconds(4), Instant.now().plusSeconds(20));

        send(HEALTH_TOPIC, healthFailed(app, UUID.randomUUID(), "5.1.0"));

        String lastError = await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> service.getBean(JdbcClient.class)
                                .sql("select last_error from notification where integration = 'oncall/slack[0]'"
                                        + " and payload -> 'commonLabels' ->> 'application' = ?"
                                        + " and last_error is not null")
                                .param(app)
                                .query(String.class)
                                .optional(),
                        java.util.Optional::isPresent)
                .orElseThrow();
        assertThat(lastError).contains("http://127.0.0.1:").doesNotContain("/slack/oncall");
    }

    @Test
    void slackAnswering500For30SecondsThenRecoveringIsDeliveredOnceAndPagerDutyIsUnaffected() {
        String app = "outage-" + RUN;
        Instant recovery = Instant.now().plusSeconds(30);
        receivers.failUntil("/slack/oncall", recovery);

        send(HEALTH_TOPIC, healthFailed(app, UUID.randomUUID(), "5.0.0"));

        // PagerDuty gets its trigger right away, once, while Slack is down
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(receivers.delivered("/pagerduty/oncall", app))
                        .hasSize(1));
        assertThat(receivers.delivered("/pagerduty/oncall", app).get(0).at()).isBefore(recovery);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(receivers.to(
                                "/slack/oncall",
                                r -> r.answered() == 500 && r.body().contains(app)))
                        .isNotEmpty());

        // Slack recovers after 30 s: delivered exactly once, after the recovery
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() ->
                        assertThat(receivers.delivered("/slack/oncall", app)).hasSize(1));
        assertThat(receivers.delivered("/slack/oncall", app).get(0).at()).isAfterOrEqualTo(recovery);
        await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(receivers.delivered("/slack/oncall", app)).hasSize(1);
            assertThat(receivers.to("/pagerduty/oncall", r -> r.body().contains(app)))
                    .as("Slack's retries never re-send to PagerDuty")
                    .hasSize(1);
        });
    }

    @Test
    void twoReplicasOnOneDatabaseAndBrokerNeverNotifyTwice() throws Exception {
        List<String> apps = new ArrayList<>();
        try (ConfigurableApplicationContext second = replica()) {
            String secondUrl = url(second);
            for (int i = 0; i < 10; i++) {
                String app = "replicated-" + i + "-" + RUN;
                apps.add(app);
                String alert = """
                        [{"labels":{"alertname":"ReplicaCheck","application":"%s","severity":"critical"},
                          "annotations":{"summary":"%s is down"}}]
                        """.formatted(app, app);
                // the same alert pushed to both replicas, and a relops event for the same application
                assertThat(post(baseUrl, "/api/alerts", alert).statusCode()).isEqualTo(200);
                assertThat(post(secondUrl, "/api/alerts", alert).statusCode()).isEqualTo(200);
                send(HEALTH_TOPIC, healthFailed(app, UUID.randomUUID(), "6.0." + i));
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (String app : apps) {
                    assertThat(receivers.delivered("/slack/team", app)).as(app).hasSize(1);
                }
            });
            await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(12)).untilAsserted(() -> {
                for (String app : apps) {
                    assertThat(receivers.to("/slack/team", r -> r.body().contains(app)))
                            .as(app)
                            .hasSize(1);
                    assertThat(receivers.to("/pagerduty/team", r -> r.body().contains(app)))
                            .as(app)
                            .hasSize(1);
                    assertThat(receivers.to("/webhook/team", r -> r.body().contains(app)))
                            .as(app)
                            .hasSize(1);
                }
            });
            // both alerts of each application are in its one notification
            for (String app : apps) {
                JsonNode hook = EventJson.mapper()
                        .readTree(
                                receivers.delivered("/webhook/team", app).get(0).body());
                assertThat(hook.path("alerts")).as(app).hasSize(2);
            }
        }
    }

    @Test
    void escalatesAnUnacknowledgedCriticalAlertButNotAnAcknowledgedOne() throws Exception {
        String ignored = "esc-ignored-" + RUN;
        String acknowledged = "esc-acked-" + RUN;
        send(HEALTH_TOPIC, healthFailed(ignored, UUID.randomUUID(), "7.0.0"));
        send(HEALTH_TOPIC, healthFailed(acknowledged, UUID.randomUUID(), "7.0.0"));
        JsonNode alert = await().atMost(Duration.ofSeconds(20))
                .until(() -> getJson("/api/alerts?state=firing&application=" + acknowledged), a -> a.size() == 1)
                .get(0);
        HttpResponse<String> ack = post(
                "/api/alerts/" + alert.path("fingerprint").asString() + "/acknowledge",
                "{\"by\":\"alice\",\"comment\":\"looking\"}");
        assertThat(ack.statusCode()).isEqualTo(200);
        // the body's "by" is ignored: who acknowledged is the caller
        assertThat(EventJson.mapper()
                        .readTree(ack.body())
                        .path("acknowledgedBy")
                        .asString())
                .isEqualTo(TestCredentials.name("operator"));

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(receivers.delivered("/webhook/managers", ignored))
                        .hasSize(1));
        JsonNode escalation = EventJson.mapper()
                .readTree(
                        receivers.delivered("/webhook/managers", ignored).get(0).body());
        assertThat(escalation.path("kind").asString()).isEqualTo("escalation");
        assertThat(escalation.path("text").asString()).startsWith("[ESCALATED, unacknowledged] " + ignored);
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(8)).untilAsserted(() -> {
            assertThat(receivers.to("/webhook/managers", r -> r.body().contains(acknowledged)))
                    .isEmpty();
            assertThat(receivers.to("/webhook/managers", r -> r.body().contains(ignored)))
                    .hasSize(1);
        });
    }

    @Test
    void acceptsTheAlertmanagerWebhookPayloadOfItsDocumentation() throws Exception {
        // The webhook_config payload as Alertmanager documents it (version 4), with concrete values.
        String job = "http_checks_" + RUN;
        String payload = """
                {
                  "version": "4",
                  "groupKey": "{}/{severity=\\"critical\\"}:{alertname=\\"ProbeFailure\\"}",
                  "truncatedAlerts": 0,
                  "status": "%s",
                  "receiver": "relops",
                  "groupLabels": {"alertname": "ProbeFailure"},
                  "commonLabels": {"alertname": "ProbeFailure", "instance": "https://server.example.org",
                                   "job": "%s", "monitor": "master", "severity": "critical"},
                  "commonAnnotations": {"summary": "BlackBox Probe Failure: https://server.example.org"},
                  "externalURL": "http://alertmanager.example.org:9093",
                  "alerts": [
                    {
                      "status": "%s",
                      "labels": {"alertname": "ProbeFailure", "instance": "https://server.example.org",
                                 "job": "%s", "monitor": "master", "severity": "critical"},
                      "annotations": {
                        "description": "Instance https://server.example.org has been down for over 5m. Job: http_checks",
                        "summary": "BlackBox Probe Failure: https://server.example.org"
                      },
                      "startsAt": "2026-02-06T13:08:45.828Z",
                      "endsAt": "%s",
                      "generatorURL": "http://prometheus.example.org:9090/graph?g0.expr=probe_success+%%3D%%3D+0&g0.tab=1",
                      "fingerprint": "1a30ba71cca2921f"
                    }
                  ]
                }
                """;
        HttpResponse<String> firing = post(
                "/api/alerts/alertmanager", payload.formatted("firing", job, "firing", job, "0001-01-01T00:00:00Z"));
        assertThat(firing.statusCode()).isEqualTo(200);
        assertThat(EventJson.mapper().readTree(firing.body()).path("accepted").asInt())
                .isEqualTo(1);
        JsonNode alerts = getJson("/api/alerts?state=firing&application=" + job);
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).path("severity").asString()).isEqualTo("critical");
        assertThat(alerts.get(0).path("generatorURL").asString()).startsWith("http://prometheus.example.org:9090");

        HttpResponse<String> resolved = post(
                "/api/alerts/alertmanager",
                payload.formatted(
                        "resolved", job, "resolved", job, OffsetDateTime.now().toString()));
        assertThat(resolved.statusCode()).isEqualTo(200);
        assertThat(getJson("/api/alerts?state=resolved&application=" + job)).hasSize(1);
    }

    @Test
    void refusesMalformedInputWithProblemDetails() throws Exception {
        assertProblem(post("/api/alerts/alertmanager", "{\"version\": \"4\", "), "malformed JSON");
        assertProblem(post("/api/alerts/alertmanager", "{\"version\":\"3\",\"alerts\":[]}"), "version");
        assertProblem(
                post(
                        "/api/alerts/alertmanager",
                        "{\"version\":\"4\",\"alerts\":[{\"status\":\"burning\",\"labels\":{}}]}"),
                "alerts[0].status");
        assertProblem(post("/api/alerts", "[{\"labels\":{\"severity\":\"critical\"}}]"), "alertname");
        assertProblem(post("/api/alerts", "[{\"labels\":{\"alertname\":\"x\",\"bad-name\":\"y\"}}]"), "bad-name");
        assertProblem(post("/api/alerts", "{}"), "malformed JSON");
        assertProblem(post("/api/silences", "{\"matchers\":[],\"createdBy\":\"it\",\"comment\":\"c\"}"), "matchers");
        assertProblem(post("/api/silences", """
                        {"matchers":[{"name":"a","value":"(","isRegex":true}],"startsAt":"2026-01-01T00:00:00Z",
                         "endsAt":"2999-01-01T00:00:00Z","createdBy":"it","comment":"c"}"""), "invalid regular expression");
        OffsetDateTime now = OffsetDateTime.now();
        assertProblem(
                post("/api/silences", silence("a", "x".repeat(1001), false, now, now.plusHours(1))), "matchers[0]");
        assertProblem(
                post("/api/silences", silence("a", "x".repeat(1001), false, now, now.plusHours(1))), "at most 1000");
        // RE2 has no backreferences
        assertProblem(
                post("/api/silences", silence("a", "(a)\\1", true, now, now.plusHours(1))),
                "invalid regular expression");
        assertProblem(
                post(
                        "/api/silences",
                        silence("a", "b", false, now, now.plusDays(30).plusMinutes(5))),
                "relops.alert.silence.max-duration");
        assertProblem(
                post(
                        "/api/silences",
                        silence("a", "b", false, now, now.plusDays(30).plusMinutes(5))),
                "30 days");
        HttpResponse<String> badState = http.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/api/alerts?state=burning"))
                        .header("Authorization", TestCredentials.bearer("operator"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertProblem(badState, "state");
    }

    /**
     * A silence's {@code createdBy} and an acknowledgement's {@code by} name mallory: both are recorded as the
     * authenticated caller, and each change is an event on relops.alert (the audit log's input) with that actor.
     */
    @Test
    void silencesAndAcknowledgementsRecordTheCallerNotTheBodyAndAreEventsOnTheAlertTopic() throws Exception {
        String app = "actor-" + RUN;
        String operator = TestCredentials.name("operator");
        String admin = TestCredentials.name("admin");
        try (EventStream alertTopic = EventStream.watching(ALERT_TOPIC)) {
            OffsetDateTime now = OffsetDateTime.now();
            String body = silence("application", app, false, now.minusMinutes(1), now.plusHours(1))
                    .replace("\"createdBy\":\"it\"", "\"createdBy\":\"mallory\"");
            assertThat(body).contains("mallory");
            HttpResponse<String> created = post("/api/silences", body);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            String id = EventJson.mapper()
                    .readTree(created.body())
                    .path("silenceID")
                    .asString();
            assertThat(getJson("/api/silences/" + id).path("createdBy").asString())
                    .isEqualTo(operator);

            // an update by someone else keeps the creator; the event names who changed it
            HttpResponse<String> updated = post(
                    "admin",
                    baseUrl,
                    "/api/silences",
                    "{\"id\":\"" + id + "\"," + body.substring(1).replace("maintenance", "longer maintenance"));
            assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
            assertThat(getJson("/api/silences/" + id).path("createdBy").asString())
                    .isEqualTo(operator);
            HttpResponse<String> expired = http.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + "/api/silences/" + id))
                            .header("Authorization", TestCredentials.bearer("admin"))
                            .DELETE()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(expired.statusCode()).isEqualTo(200);

            SilenceCreated silenceCreated = alertTopic
                    .await(SilenceCreated.class, e -> e.silenceId().toString().equals(id), Duration.ofSeconds(30))
                    .data();
            assertThat(silenceCreated.createdBy()).isEqualTo(operator);
            assertThat(silenceCreated.application()).isEqualTo(app);
            assertThat(silenceCreated.matchers()).containsExactly("application=\"" + app + "\"");
            SilenceUpdated silenceUpdated = alertTopic
                    .await(SilenceUpdated.class, e -> e.silenceId().toString().equals(id), Duration.ofSeconds(30))
                    .data();
            assertThat(silenceUpdated.updatedBy()).isEqualTo(admin);
            assertThat(silenceUpdated.comment()).isEqualTo("longer maintenance window");
            RelopsEvent<SilenceExpired> silenceExpired = alertTopic.await(
                    SilenceExpired.class, e -> e.silenceId().toString().equals(id), Duration.ofSeconds(30));
            assertThat(silenceExpired.data().expiredBy()).isEqualTo(admin);
            assertThat(silenceExpired.subject()).isEqualTo(app);

            String acked = "actor-ack-" + RUN;
            send(HEALTH_TOPIC, healthFailed(acked, UUID.randomUUID(), "8.0.0"));
            String fingerprint = await().atMost(Duration.ofSeconds(20))
                    .until(() -> getJson("/api/alerts?state=firing&application=" + acked), a -> a.size() == 1)
                    .get(0)
                    .path("fingerprint")
                    .asString();
            HttpResponse<String> ack =
                    post("/api/alerts/" + fingerprint + "/acknowledge", "{\"by\":\"mallory\",\"comment\":\"mine\"}");
            assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
            assertThat(EventJson.mapper()
                            .readTree(ack.body())
                            .path("acknowledgedBy")
                            .asString())
                    .isEqualTo(operator);
            AlertAcknowledged acknowledged = alertTopic
                    .await(AlertAcknowledged.class, e -> e.fingerprint().equals(fingerprint), Duration.ofSeconds(30))
                    .data();
            assertThat(acknowledged.acknowledgedBy()).isEqualTo(operator);
            assertThat(acknowledged.application()).isEqualTo(acked);
            assertThat(acknowledged.comment()).isEqualTo("mine");

            assertThat(alertTopic.received())
                    .as("no event names mallory")
                    .noneMatch(r -> r.event().data().toString().contains("mallory"));
        }
    }

    /**
     * A silence with a regex that backtracks catastrophically in java.util.regex is matched against a producer's label
     * on every flush: {@code (.*a){12}$} against forty a's and a b takes the JDK's engine minutes (about n^12 steps:
     * 2 s at 26 characters, 3.7 s at 28, measured). The textbook {@code (a+)+$} is no test: the JDK's engine
     * memoizes that loop and answers at once. With RE2/J matching is linear, so the alert is notified as fast as its
     * route allows: group_wait 200 ms plus a 200 ms tick and one local HTTP delivery, well under a second; the bound
     * of 5 s only leaves room for a slow build machine, and is minutes below what backtracking would take.
     */
    @Test
    void aCatastrophicRegexInASilenceDoesNotStallAlertService() throws Exception {
        String app = "regex-" + RUN;
        OffsetDateTime now = OffsetDateTime.now();
        HttpResponse<String> created = post("/api/silences", """
                {"matchers":[{"name":"payload","value":"(.*a){12}$","isRegex":true,"isEqual":true},
                             {"name":"application","value":"%s","isRegex":false,"isEqual":true}],
                 "startsAt":"%s","endsAt":"%s","comment":"evil"}
                """.formatted(app, now.minusMinutes(1), now.plusHours(1)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);

        long start = System.nanoTime();
        HttpResponse<String> pushed = post("/api/alerts", """
                [{"labels":{"alertname":"Catastrophic","application":"%s","severity":"warning","payload":"%s"}}]
                """.formatted(app, "a".repeat(40) + "b"));
        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() ->
                        assertThat(receivers.delivered("/slack/team", app)).hasSize(1));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("from the push to the notification").isLessThan(Duration.ofSeconds(5));
    }

    /** The ingest credential (Alertmanager's) raises alerts, and may do nothing else. */
    @Test
    void theIngestTokenRaisesAlertsAndMayDoNothingElse() throws Exception {
        String app = "ingest-" + RUN;
        HttpResponse<String> pushed = post(
                "ingest",
                baseUrl,
                "/api/alerts",
                "[{\"labels\":{\"alertname\":\"Pushed\",\"application\":\"" + app + "\"}}]");
        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(200);
        HttpResponse<String> webhook = post("ingest", baseUrl, "/api/alerts/alertmanager", """
                {"version":"4","status":"firing","receiver":"relops","externalURL":"http://alertmanager.example.org",
                 "alerts":[{"status":"firing","labels":{"alertname":"FromAlertmanager","application":"%s"}}]}
                """.formatted(app));
        assertThat(webhook.statusCode()).as(webhook.body()).isEqualTo(200);
        JsonNode raised = getJson("/api/alerts?state=firing&application=" + app);
        assertThat(raised).hasSize(2);

        String fingerprint = raised.get(0).path("fingerprint").asString();
        OffsetDateTime now = OffsetDateTime.now();
        assertThat(post("ingest", baseUrl, "/api/silences", silence("application", app, false, now, now.plusHours(1)))
                        .statusCode())
                .isEqualTo(403);
        assertThat(post("ingest", baseUrl, "/api/alerts/" + fingerprint + "/acknowledge", "{}")
                        .statusCode())
                .isEqualTo(403);
        for (String path : List.of("/api/alerts", "/api/alerts/" + fingerprint, "/api/silences")) {
            HttpResponse<String> read = http.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + path))
                            .header("Authorization", TestCredentials.bearer("ingest"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(read.statusCode()).as("GET " + path).isEqualTo(403);
        }
    }

    private static String silence(
            String name, String value, boolean regex, OffsetDateTime startsAt, OffsetDateTime endsAt) {
        Map<String, Object> silence = new java.util.LinkedHashMap<>();
        silence.put("matchers", List.of(Map.of("name", name, "value", value, "isRegex", regex, "isEqual", true)));
        silence.put("startsAt", startsAt.toString());
        silence.put("endsAt", endsAt.toString());
        silence.put("createdBy", "it");
        silence.put("comment", "maintenance window");
        return EventJson.mapper().writeValueAsString(silence);
    }

    @Test
    void sendsAMalformedEventToTheDeadLetterTopic() throws Exception {
        byte[] poison = ("not a cloudevent " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(HEALTH_TOPIC, "poison".getBytes(StandardCharsets.UTF_8), poison))
                .get();
        String dlq = "error." + HEALTH_TOPIC + ".alert-service";
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.subscribe(List.of(dlq));
            List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(seen::add);
                ConsumerRecord<byte[], byte[]> dead = seen.stream()
                        .filter(r -> java.util.Arrays.equals(r.value(), poison))
                        .findFirst()
                        .orElse(null);
                assertThat(dead).isNotNull();
                Header reason = dead.headers().lastHeader("x-exception-message");
                assertThat(new String(reason.value(), StandardCharsets.UTF_8)).contains("not a valid CloudEvent");
            });
        }
        // and the partition moved on: a valid event after it is still handled
        String app = "after-poison-" + RUN;
        send(HEALTH_TOPIC, healthFailed(app, UUID.randomUUID(), "8.0.0"));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> getJson("/api/alerts?application=" + app).size() == 1);
    }

    // --- Prometheus as the producer, inhibition and repeat_interval end to end (the "flow" webhook) --------------

    /**
     * Debian's Prometheus evaluates a rule on a metric this test controls and delivers the alert itself through
     * {@code POST /api/v2/alerts} with the ingest token; it re-sends the firing alert every second, and the receiver
     * still hears of it once; when the metric recovers, Prometheus sends the resolution (its {@code endsAt}) and the
     * receiver hears that once too.
     */
    @Test
    void prometheusDeliversItsFiringAlertThroughApiV2AndTheReceiverHearsOfItOnceAndOfItsResolutionOnce()
            throws Exception {
        String app = "flow-prometheus-" + RUN;
        UUID release = UUID.randomUUID();
        AtomicInteger broken = new AtomicInteger(1);
        HttpServer exporter = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        exporter.createContext("/metrics", exchange -> {
            byte[] body = ("# TYPE relops_it_broken gauge\nrelops_it_broken " + broken.get() + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        exporter.start();
        String alertService = baseUrl.substring("http://".length());
        String sentTo = "alertmanager=\"" + baseUrl + "/api/v2/alerts\"";
        try (RealPrometheus prometheus = RealPrometheus.startWithConfig(
                workDir -> {
                    Files.writeString(workDir.resolve("rules.yml"), """
                            groups:
                              - name: relops-it
                                interval: 1s
                                rules:
                                  - alert: RelopsItBroken
                                    expr: relops_it_broken == 1
                                    labels:
                                      severity: critical
                                      application: %s
                                    annotations:
                                      summary: the test's service is broken
                                      runbook_url: https://runbooks.example.org/broken
                                      releaseId: %s
                            """.formatted(app, release));
                    Files.writeString(workDir.resolve("token"), TestCredentials.token("ingest"));
                    return """
                            global:
                              scrape_interval: 1s
                              evaluation_interval: 1s
                            rule_files: ["%s"]
                            alerting:
                              alertmanagers:
                                - api_version: v2
                                  authorization:
                                    type: Bearer
                                    credentials_file: "%s"
                                  static_configs:
                                    - targets: ["%s"]
                            scrape_configs:
                              - job_name: relops-it
                                static_configs:
                                  - targets: ["127.0.0.1:%d"]
                            """.formatted(
                                    workDir.resolve("rules.yml"),
                                    workDir.resolve("token"),
                                    alertService,
                                    exporter.getAddress().getPort());
                },
                // re-send a firing alert every second (the default is a minute)
                "--rules.alert.resend-delay=1s")) {
            await().atMost(Duration.ofSeconds(40))
                    .untilAsserted(() -> assertThat(flowNotifications(app, "firing"))
                            .as(() -> "the firing notification; Prometheus' log:\n" + prometheus.log())
                            .hasSize(1));
            JsonNode firing = flowNotifications(app, "firing").get(0);
            JsonNode alert = firing.path("alerts").get(0);
            assertThat(alert.path("labels").path("alertname").asString()).isEqualTo("RelopsItBroken");
            assertThat(alert.path("labels").path("job").asString())
                    .as("labelled by Prometheus with the scrape job")
                    .isEqualTo("relops-it");
            assertThat(alert.path("generatorURL").asString())
                    .as("Prometheus links its own rule")
                    .contains("/graph?g0.expr=");
            assertThat(alert.path("releaseId").asString()).isEqualTo(release.toString());
            // the words a person reads (as Slack and e-mail have them): the release, its timeline, the runbook
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(receivers.delivered("/webhook/flow-text", app))
                            .isNotEmpty());
            assertThat(EventJson.mapper()
                            .readTree(receivers
                                    .delivered("/webhook/flow-text", app)
                                    .get(0)
                                    .body())
                            .path("text")
                            .asString())
                    .startsWith("FIRING RelopsItBroken (critical): the test's service is broken\napplication: " + app)
                    .contains("\nrelease: " + release + "\n")
                    .contains("\ntimeline: http://console.test/console/releases/" + release + "\n")
                    .contains("\nrunbook: https://runbooks.example.org/broken\n")
                    .contains("\nsource: " + alert.path("generatorURL").asString());

            // Prometheus keeps re-sending the firing alert, every send accepted; the receiver heard of it once
            double sentWhenNotified = counter(prometheus.ownMetrics(), "prometheus_notifications_sent_total", sentTo);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> counter(prometheus.ownMetrics(), "prometheus_notifications_sent_total", sentTo)
                            >= sentWhenNotified + 3);
            assertThat(counter(prometheus.ownMetrics(), "prometheus_notifications_errors_total", sentTo))
                    .as("alert-service accepted every send: " + prometheus.log())
                    .isZero();
            assertThat(flowNotifications(app, null)).hasSize(1);

            broken.set(0);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(flowNotifications(app, "resolved"))
                            .as(() -> "the resolved notification; Prometheus' log:\n" + prometheus.log())
                            .hasSize(1));
            assertThat(flowNotifications(app, "resolved")
                            .get(0)
                            .path("alerts")
                            .get(0)
                            .path("status")
                            .asString())
                    .isEqualTo("resolved");
            assertThat(getJson("/api/alerts?state=resolved&application=" + app)).hasSize(1);
            // Prometheus re-sends the resolution too (for 15 minutes): nothing more reaches the receiver
            double sentWhenResolved = counter(prometheus.ownMetrics(), "prometheus_notifications_sent_total", sentTo);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> counter(prometheus.ownMetrics(), "prometheus_notifications_sent_total", sentTo)
                            >= sentWhenResolved + 2);
            assertThat(counter(prometheus.ownMetrics(), "prometheus_notifications_errors_total", sentTo))
                    .isZero();
            assertThat(flowNotifications(app, "firing")).hasSize(1);
            assertThat(flowNotifications(app, "resolved")).hasSize(1);
        } finally {
            exporter.stop(0);
        }
    }

    /**
     * An alert whose {@code endsAt} has passed inhibits nothing, even while the tick has not resolved it yet (as
     * Alertmanager ignores resolved sources): here its row is locked by the transaction that moved its end into the
     * past, so the tick's {@code skip locked} leaves it firing while the suppressions are computed.
     */
    @Test
    void anAlertWhoseEndPassedInhibitsNothingBeforeTheTickResolvesIt() throws Exception {
        String app = "flow-ended-" + RUN;
        OffsetDateTime startsAt = OffsetDateTime.now().minusSeconds(1);
        assertThat(postV2(postableAlert("Outage", app, "critical", startsAt, startsAt.plusHours(1)) + ","
                                + postableAlert("Slow", app, "warning", startsAt, startsAt.plusHours(1)))
                        .statusCode())
                .isEqualTo(200);
        JdbcClient jdbc = service.getBean(JdbcClient.class);
        AlertStore store = service.getBean(AlertStore.class);
        Suppressions suppressions = service.getBean(Suppressions.class);
        String fingerprints =
                "select fingerprint from alert where labels ->> 'application' = ? and labels ->> 'alertname' = ?";
        String source =
                jdbc.sql(fingerprints).params(app, "Outage").query(String.class).single();
        StoredAlert warning = store.find(jdbc.sql(fingerprints)
                        .params(app, "Slow")
                        .query(String.class)
                        .single())
                .orElseThrow();
        assertThat(suppressions.of(warning, List.of(), OffsetDateTime.now()).inhibitedBy())
                .containsExactly(source);

        service.getBean(TransactionTemplate.class).executeWithoutResult(tx -> {
            jdbc.sql("update alert set ends_at = now() - interval '1 second' where fingerprint = ?")
                    .param(source)
                    .update();
            assertThat(store.find(source).orElseThrow().firing()).isTrue();
            assertThat(suppressions.of(warning, List.of(), OffsetDateTime.now()).inhibitedBy())
                    .as("inhibited by an alert whose end passed")
                    .isEmpty();
            tx.setRollbackOnly();
        });
    }

    /**
     * A firing critical alert inhibits the warnings of its application (inhibit rule 0: {@code equal:
     * [application]}), not those of another; once it is resolved, the warning is notified, once.
     */
    @Test
    void aCriticalAlertInhibitsTheWarningsOfItsApplicationUntilItIsResolved() throws Exception {
        String app = "flow-inhibit-" + RUN;
        String other = "flow-neighbour-" + RUN;
        OffsetDateTime startsAt = OffsetDateTime.now().minusSeconds(1);
        String critical = postableAlert("Outage", app, "critical", startsAt, startsAt.plusHours(1));
        assertThat(postV2(critical + "," + postableAlert("Slow", app, "warning", startsAt, startsAt.plusHours(1)) + ","
                                + postableAlert("Slow", other, "warning", startsAt, startsAt.plusHours(1)))
                        .statusCode())
                .isEqualTo(200);

        // the other application's warning is not inhibited (its application differs) and arrives at once
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(flowNotifications(other, "firing")).hasSize(1);
            assertThat(flowNotifications(app, "firing")).hasSize(1);
        });
        assertThat(alertnames(flowNotifications(app, "firing").get(0), "firing"))
                .containsExactly("Outage");
        // while the critical alert fires, its warning stays muted over several group_interval ticks
        await().during(FLOW_GROUP_INTERVAL.multipliedBy(3))
                .atMost(FLOW_GROUP_INTERVAL.multipliedBy(5))
                .untilAsserted(() -> assertThat(flowNotifications(app, null)).hasSize(1));

        OffsetDateTime resolvedAt = OffsetDateTime.now();
        assertThat(postV2(postableAlert("Outage", app, "critical", startsAt, resolvedAt))
                        .statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(flowNotifications(app, null)).hasSize(2));
        JsonNode after = flowNotifications(app, null).get(1);
        assertThat(alertnames(after, "firing"))
                .as("the warning, no longer inhibited")
                .containsExactly("Slow");
        assertThat(alertnames(after, "resolved")).containsExactly("Outage");
        await().during(FLOW_GROUP_INTERVAL.multipliedBy(2))
                .atMost(FLOW_GROUP_INTERVAL.multipliedBy(4))
                .untilAsserted(() -> assertThat(flowNotifications(app, null)).hasSize(2));
    }

    /**
     * A group still firing and unacknowledged is notified again {@code repeat_interval} after its last notification
     * (at the next {@code group_interval} tick), never before.
     */
    @Test
    void aFiringGroupIsNotifiedAgainAfterRepeatIntervalAndNotBefore() throws Exception {
        String app = "flow-repeat-" + RUN;
        OffsetDateTime startsAt = OffsetDateTime.now();
        assertThat(postV2(postableAlert("Stuck", app, "critical", startsAt, startsAt.plusHours(1)))
                        .statusCode())
                .isEqualTo(200);

        await().atMost(REPEAT.multipliedBy(2).plusSeconds(20))
                .untilAsserted(() ->
                        assertThat(receivers.delivered("/webhook/flow", app)).hasSizeGreaterThanOrEqualTo(3));
        List<Instant> received = receivers.delivered("/webhook/flow", app).stream()
                .map(Receivers.Request::at)
                .toList();
        // when alert-service decided each notification (the outbox row, written with the group's notified_at)
        List<OffsetDateTime> decided = service.getBean(JdbcClient.class)
                .sql("select created_at from notification where integration = 'flow/webhook[0]'"
                        + " and payload -> 'commonLabels' ->> 'application' = ? order by created_at")
                .param(app)
                .query(OffsetDateTime.class)
                .list();
        // not before repeat_interval; after it, at the next group_interval tick (slack for a loaded CI machine)
        Duration latest = REPEAT.plus(FLOW_GROUP_INTERVAL).plusSeconds(5);
        for (int i = 1; i < 3; i++) {
            assertThat(Duration.between(decided.get(i - 1), decided.get(i)))
                    .as("decision %d after %d", i, i - 1)
                    .isGreaterThanOrEqualTo(REPEAT)
                    .isLessThanOrEqualTo(latest);
        }
        // the receiver got what was decided, nothing more (its clock's gaps depend on delivery delays)
        assertThat(received).hasSizeLessThanOrEqualTo(decided.size());
        assertThat(receivers.delivered("/webhook/flow", app))
                .allSatisfy(r -> assertThat(EventJson.mapper()
                                .readTree(r.body())
                                .path("status")
                                .asString())
                        .isEqualTo("firing"));
    }

    /** The notifications the flow webhook received for {@code app}'s group, of {@code status} (any when null). */
    private static List<JsonNode> flowNotifications(String app, @Nullable String status) {
        return receivers.delivered("/webhook/flow", app).stream()
                .map(r -> EventJson.mapper().readTree(r.body()))
                .filter(n ->
                        app.equals(n.path("groupLabels").path("application").asString()))
                .filter(n -> status == null || status.equals(n.path("status").asString()))
                .toList();
    }

    private static List<String> alertnames(JsonNode notification, String status) {
        List<String> names = new ArrayList<>();
        notification.path("alerts").forEach(a -> {
            if (status.equals(a.path("status").asString())) {
                names.add(a.path("labels").path("alertname").asString());
            }
        });
        return names;
    }

    private static String postableAlert(
            String name, String app, String severity, OffsetDateTime startsAt, OffsetDateTime endsAt) {
        return EventJson.mapper()
                .writeValueAsString(Map.of(
                        "labels", Map.of("alertname", name, "application", app, "severity", severity),
                        "startsAt", startsAt.toString(),
                        "endsAt", endsAt.toString()));
    }

    /** Alertmanager API v2's push, as Prometheus makes it: with the ingest token. */
    private static HttpResponse<String> postV2(String alerts) throws Exception {
        return post("ingest", baseUrl, "/api/v2/alerts", "[" + alerts + "]");
    }

    /** The value of {@code name}'s sample whose labels include {@code label} in Prometheus' text format. */
    private static double counter(String exposition, String name, String label) {
        return exposition
                .lines()
                .filter(line -> line.startsWith(name + "{") && line.contains(label))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElse(0);
    }

    // ---------------------------------------------------------------------------------------------

    private static HealthFailed healthFailed(String app, UUID release, String version) {
        return new HealthFailed(
                release,
                app,
                "local",
                version,
                "blue",
                null,
                "health returned 503",
                List.of(new ProbeResult("health", false, "503", "[200]", 4, "503")));
    }

    /** The id of the one delivered notification of {@code application} through {@code integration}. */
    private static UUID deliveredNotification(String integration, String application) {
        return service.getBean(JdbcClient.class)
                .sql("select id from notification where integration = ? and status = 'delivered'"
                        + " and payload -> 'commonLabels' ->> 'application' = ?")
                .params(integration, application)
                .query(UUID.class)
                .single();
    }

    private static void send(String topic, EventData data) {
        EncodedEvent encoded = CloudEventCodec.encode(RelopsEvent.of(URI.create("/relops/it"), data));
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, encoded.key(), encoded.value());
        encoded.headers().forEach((k, v) -> record.headers().add(k, v));
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                Kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class));
    }

    /** The events of {@code type} about {@code app} on the alert topic. */
    private static List<ConsumerRecord<byte[], byte[]>> alertEvents(String app, String type) {
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.subscribe(List.of(ALERT_TOPIC));
            long deadline = System.currentTimeMillis() + 3000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                    Header t = r.headers().lastHeader("ce_type");
                    if (t != null
                            && type.equals(new String(t.value(), StandardCharsets.UTF_8))
                            && app.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                        found.add(r);
                    }
                }
            }
        }
        return found;
    }

    private static List<MimeMessage> mailsAbout(String app) throws Exception {
        List<MimeMessage> found = new ArrayList<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
            if (m.getSubject().contains(app)) {
                found.add(m);
            }
        }
        return found;
    }

    /** The e-mail's text as its reader sees it (decoded from its transfer encoding). */
    private static String mailText(MimeMessage mail) throws Exception {
        return String.valueOf(mail.getContent());
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return post(baseUrl, path, body);
    }

    private static HttpResponse<String> post(String base, String path, String body) throws Exception {
        return post("operator", base, path, body);
    }

    static HttpResponse<String> post(String role, String base, String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Authorization", TestCredentials.bearer(role))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode getJson(String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(baseUrl + path))
                        .header("Authorization", TestCredentials.bearer("operator"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return EventJson.mapper().readTree(response.body());
    }

    static void assertProblem(HttpResponse<String> response, String mentions) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(response.body()).contains(mentions);
    }
}
