package io.relops.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.relops.common.event.ReleaseCompleted;
import io.relops.common.event.RelopsEvent;
import io.relops.testkit.EventStream;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The outbox relay of real services (the platform's auto-configuration, Flyway, a schema each) against the testkit's
 * PostgreSQL and Kafka broker: a lock per service's outbox, batches sent asynchronously and deleted once acknowledged,
 * no wait for the sweep while another instance publishes, and a refused batch sent again in order.
 */
class OutboxRelayIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** So long that nothing in these tests is published by the sweep: only by a commit's wake-up. */
    private static final String NO_SWEEP = "1h";

    private static final String DATABASE = Postgres.freshDatabase("outbox_relay");
    private static final List<ConfigurableApplicationContext> SERVICES = new ArrayList<>();

    @AfterAll
    static void stopServices() {
        SERVICES.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void relaysOfDifferentServicesNeverWaitForEachOther() throws Exception {
        String topicA = topic("a");
        String topicB = topic("b");
        ConfigurableApplicationContext a = service("svc-a", "svc_a", topicA, Map.of("relops.outbox.lock-wait", "60s"));
        ConfigurableApplicationContext b = service("svc-b", "svc_b", topicB, Map.of());
        try (EventStream stream = EventStream.watching(topicA, topicB);
                Connection holder = connection("svc_a");
                Statement lock = holder.createStatement()) {
            lock.execute("select pg_advisory_lock(" + OutboxRelay.LOCK_ARGUMENTS + ")"); // svc-a's outbox only
            List<RelopsEvent<ReleaseCompleted>> ofA = append(a, "app-a", 20);
            List<RelopsEvent<ReleaseCompleted>> ofB = append(b, "app-b", 20);

            await().atMost(WAIT).until(() -> idsOn(stream, topicB).size() == ofB.size());
            assertThat(idsOn(stream, topicB)).containsExactlyElementsOf(ids(ofB));
            assertThat(idsOn(stream, topicA)).as("svc-a's outbox is locked").isEmpty();
            assertThat(backlog(a)).isEqualTo(ofA.size());

            // svc-a's relay was woken by the commits and waits for the lock: it publishes as soon as it is free
            lock.execute("select pg_advisory_unlock(" + OutboxRelay.LOCK_ARGUMENTS + ")");
            await().atMost(WAIT).until(() -> idsOn(stream, topicA).size() == ofA.size());
            assertThat(idsOn(stream, topicA)).containsExactlyElementsOf(ids(ofA));
            assertThat(backlog(a)).isZero();
            assertThat(backlog(b)).isZero();
        }
    }

    @Test
    void instancesOfOneServiceNeverBothSendAndNeitherWaitsForTheSweep() throws Exception {
        String topic = topic("same");
        Map<String, Object> smallBatches = Map.of("relops.outbox.batch-size", "50");
        ConfigurableApplicationContext first = service("svc-same", "svc_same", topic, smallBatches);
        ConfigurableApplicationContext second = service("svc-same", "svc_same", topic, smallBatches);
        int applications = 6;
        int perApplication = 200;
        try (EventStream stream = EventStream.watching(topic)) {
            ExecutorService writers = Executors.newFixedThreadPool(applications);
            List<Future<List<RelopsEvent<ReleaseCompleted>>>> written = new ArrayList<>();
            for (int i = 0; i < applications; i++) {
                ConfigurableApplicationContext instance = i % 2 == 0 ? first : second;
                String application = "app-" + i;
                written.add(writers.submit(() -> append(instance, application, perApplication)));
            }
            Map<String, List<String>> expected = new HashMap<>();
            for (Future<List<RelopsEvent<ReleaseCompleted>>> events : written) {
                List<RelopsEvent<ReleaseCompleted>> list = events.get();
                expected.put(list.get(0).subject(), ids(list));
            }
            writers.shutdown();

            int total = applications * perApplication;
            await().atMost(WAIT).until(() -> idsOn(stream, topic).size() >= total);
            List<String> received = idsOn(stream, topic);
            assertThat(received)
                    .as("each event once: no row was sent by both instances")
                    .doesNotHaveDuplicates();
            assertThat(received).hasSize(total);
            assertThat(bySubject(stream, topic))
                    .as("each application's events in the order written")
                    .isEqualTo(expected);
            assertThat(backlog(first)).isZero();
        }
    }

    @Test
    void aRefusedBatchIsSentAgainInOrderWithoutLoss() throws Exception {
        String topic = topic("refused");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Kafka.bootstrapServers()))) {
            // records larger than the topic takes: the broker refuses each (RECORD_TOO_LARGE), appending nothing; one
            // record per producer batch (batch.size=1), so that the producer reports the refusal instead of splitting
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                            .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "64"))))
                    .all()
                    .get();
            ConfigurableApplicationContext service = service(
                    "svc-refused",
                    "svc_refused",
                    topic,
                    Map.of(
                            "relops.outbox.sweep-interval", "300ms",
                            "relops.outbox.batch-size", "7",
                            "spring.cloud.stream.kafka.binder.producer-properties.batch.size", "1"));
            MeterRegistry meters = service.getBean(MeterRegistry.class);
            try (EventStream stream = EventStream.watching(topic)) {
                List<RelopsEvent<ReleaseCompleted>> first = append(service, "app-x", 15);
                List<RelopsEvent<ReleaseCompleted>> second = append(service, "app-y", 15);
                await().atMost(WAIT)
                        .until(() ->
                                meters.counter("relops.outbox.publish.failures").count() >= 2);
                assertThat(backlog(service)).as("nothing deleted").isEqualTo(30);

                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                admin.incrementalAlterConfigs(Map.of(
                                resource,
                                List.of(new AlterConfigOp(
                                        new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1048588"),
                                        AlterConfigOp.OpType.SET))))
                        .all()
                        .get();

                await().atMost(WAIT).until(() -> idsOn(stream, topic).size() >= 30);
                await().atMost(WAIT).until(() -> backlog(service) == 0);
                // the refused attempts appended nothing, so every event is there exactly once, each application's
                // in the order written
                assertThat(idsOn(stream, topic)).doesNotHaveDuplicates().hasSize(30);
                assertThat(bySubject(stream, topic)).isEqualTo(Map.of("app-x", ids(first), "app-y", ids(second)));
                assertThat(meters.counter("relops.events.published", "type", "io.relops.release.completed")
                                .count())
                        .isEqualTo(30);
            }
        }
    }

    /** A service with the platform's auto-configuration, its outbox in {@code schema}, its release events to {@code topic}. */
    private static ConfigurableApplicationContext service(
            String name, String schema, String topic, Map<String, Object> extra) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("spring.application.name", name);
        properties.put("spring.config.import", "classpath:relops-platform.yml");
        properties.put("relops.database.url", DATABASE);
        properties.put("relops.database.username", Postgres.server().username());
        properties.put("relops.database.password", Postgres.server().password());
        properties.put("spring.flyway.schemas", schema);
        properties.put("spring.datasource.hikari.schema", schema);
        properties.put("relops.kafka.bootstrap-servers", Kafka.bootstrapServers());
        properties.put("relops.topics.release", topic);
        properties.put("relops.outbox.sweep-interval", NO_SWEEP);
        properties.put("management.tracing.enabled", "false");
        properties.putAll(extra);
        // as command-line arguments: above relops-platform.yml, which the service imports
        ConfigurableApplicationContext context = new SpringApplicationBuilder(Service.class)
                .web(WebApplicationType.NONE)
                .run(properties.entrySet().stream()
                        .map(p -> "--" + p.getKey() + "=" + p.getValue())
                        .toArray(String[]::new));
        SERVICES.add(context);
        return context;
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Service {}

    /** Appends {@code count} events of {@code application}, one transaction each, as a service does. */
    private static List<RelopsEvent<ReleaseCompleted>> append(
            ConfigurableApplicationContext service, String application, int count) {
        Outbox outbox = service.getBean(Outbox.class);
        TransactionTemplate tx = new TransactionTemplate(service.getBean(PlatformTransactionManager.class));
        List<RelopsEvent<ReleaseCompleted>> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            RelopsEvent<ReleaseCompleted> event = RelopsEvent.of(
                    URI.create("/relops/test"),
                    new ReleaseCompleted(UUID.randomUUID(), application, "test", "1.0." + i, null, i));
            tx.executeWithoutResult(status -> outbox.append(event));
            events.add(event);
        }
        return events;
    }

    private static long backlog(ConfigurableApplicationContext service) {
        Long rows = service.getBean(JdbcClient.class)
                .sql("select count(*) from outbox_event")
                .query(Long.class)
                .single();
        return rows == null ? 0 : rows;
    }

    private static Connection connection(String schema) throws Exception {
        Connection connection = DriverManager.getConnection(
                DATABASE, Postgres.server().username(), Postgres.server().password());
        connection.setSchema(schema);
        return connection;
    }

    private static String topic(String name) {
        return "outbox-relay-it-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static List<String> ids(Collection<? extends RelopsEvent<?>> events) {
        return events.stream().map(RelopsEvent::id).toList();
    }

    private static List<String> idsOn(EventStream stream, String topic) {
        return stream.received().stream()
                .filter(r -> r.topic().equals(topic))
                .map(r -> r.event().id())
                .toList();
    }

    private static Map<String, List<String>> bySubject(EventStream stream, String topic) {
        return stream.received().stream()
                .filter(r -> r.topic().equals(topic))
                .map(EventStream.Received::event)
                .collect(Collectors.groupingBy(
                        RelopsEvent::subject, Collectors.mapping(RelopsEvent::id, Collectors.toList())));
    }
}
