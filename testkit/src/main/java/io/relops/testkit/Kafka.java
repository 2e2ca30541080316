package io.relops.testkit;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * One real Kafka broker per JVM, resolved in this order: {@code RELOPS_TEST_KAFKA_BOOTSTRAP} (an
 * existing cluster); Testcontainers ({@code apache/kafka}, KRaft) when a Docker engine answers; an
 * in-process KRaft broker (spring-kafka-test). Tests isolate themselves by topic and group names,
 * never by restarting the broker.
 */
public final class Kafka {

    private static final Logger log = LoggerFactory.getLogger(Kafka.class);
    static final String IMAGE = "apache/kafka:4.1.1";

    private static volatile String bootstrapServers;

    private Kafka() {}

    /** The bootstrap servers of the JVM's broker, starting it on first use. */
    public static synchronized String bootstrapServers() {
        if (bootstrapServers == null) {
            bootstrapServers = resolve();
        }
        return bootstrapServers;
    }

    private static String resolve() {
        String given = System.getenv("RELOPS_TEST_KAFKA_BOOTSTRAP");
        if (given != null && !given.isBlank()) {
            log.info("Kafka for tests: {} (RELOPS_TEST_KAFKA_BOOTSTRAP)", given);
            return given;
        }
        if (Docker.available()) {
            KafkaContainer container = new KafkaContainer(DockerImageName.parse(IMAGE));
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "kafka-container-stop"));
            log.info("Kafka for tests: Testcontainers {} at {}", IMAGE, container.getBootstrapServers());
            return container.getBootstrapServers();
        }
        EmbeddedKafkaKraftBroker broker = startEmbedded();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy, "embedded-kafka-stop"));
        log.info("Kafka for tests: in-process KRaft broker at {}", broker.getBrokersAsString());
        return broker.getBrokersAsString();
    }

    /**
     * Starts an in-process single-node KRaft broker on a free port ({@link
     * EmbeddedKafkaKraftBroker#getBrokersAsString()} tells which). spring-kafka-test 4 ignores a
     * fixed port for KRaft brokers, and its controller quorum is wired to the ports it allocates.
     */
    private static EmbeddedKafkaKraftBroker startEmbedded() {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(Map.of(
                "auto.create.topics.enable", "true",
                "num.partitions", "1",
                "group.initial.rebalance.delay.ms", "0",
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1",
                "offsets.topic.replication.factor", "1"));
        broker.afterPropertiesSet();
        return broker;
    }
}
