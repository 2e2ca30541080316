package io.relops.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * The local suite's Kafka: one KRaft node (broker and controller) in this JVM, on a fixed port (9092 by
 * default, as README.md says), with its log directory under the suite's data directory: the topics and the
 * consumer groups' offsets outlive a restart of {@code relops up}, as its PostgreSQL data does. The directory
 * is formatted on the first start ({@code kafka-storage format}); its {@code server.properties} is what the
 * node runs with.
 */
public final class LocalKafka implements AutoCloseable {

    private final KafkaRaftServer server;
    private final String bootstrap;

    private LocalKafka(KafkaRaftServer server, String bootstrap) {
        this.server = server;
        this.bootstrap = bootstrap;
    }

    /** Formats {@code directory} unless it is already, and starts the node on {@code port} (0: a free one). */
    static LocalKafka start(Path directory, int requestedPort) {
        int port = requestedPort == 0 ? freePort() : requireFree(requestedPort);
        Properties properties = properties(directory, port, freePort());
        Path config = directory.resolve("server.properties");
        try {
            Files.createDirectories(directory);
            try (Writer writer = Files.newBufferedWriter(config)) {
                properties.store(writer, "the local suite's Kafka node (written at each start: relops up)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
        format(directory, config);
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(properties, false), Time.SYSTEM);
        server.startup();
        return new LocalKafka(server, "127.0.0.1:" + port);
    }

    String bootstrap() {
        return bootstrap;
    }

    /**
     * The configuration of a single-node KRaft cluster (broker and controller) on 127.0.0.1: {@code port} for
     * clients, {@code controllerPort} for its quorum, its log directory {@code directory/data}. The fault-injection
     * suite runs its broker process with the same.
     */
    public static Properties properties(Path directory, int port, int controllerPort) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        // a static quorum of this node: its controller port may change from one start to the next
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", directory.resolve("data").toString());
        p.setProperty("num.partitions", "1");
        p.setProperty("auto.create.topics.enable", "true");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // sized for one machine's few clients and small topics (docs/cli.md, Memory and start time): the log cleaner
        // (which compacts the consumer offsets) would take a 128 MiB buffer on the heap, and the request and
        // background pools are sized for a server's many connections and disks
        p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        p.setProperty("num.network.threads", "1");
        p.setProperty("num.io.threads", "2");
        p.setProperty("background.threads", "2");
        p.setProperty("num.recovery.threads.per.data.dir", "1");
        p.setProperty("log.index.size.max.bytes", Integer.toString(1024 * 1024));
        return p;
    }

    private static void format(Path directory, Path config) {
        if (Files.exists(directory.resolve("data").resolve("meta.properties"))) {
            return; // formatted on an earlier start: its cluster id stays
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int status;
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            status = StorageTool.execute(
                    new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()}, print);
        }
        if (status != 0) {
            throw new IllegalStateException("cannot format Kafka's log directory under " + directory + ": "
                    + output.toString(StandardCharsets.UTF_8).strip());
        }
    }

    private static int requireFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return port;
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " is taken, so Kafka cannot start on it: stop what uses"
                    + " it, or pass --kafka-port (another port) or --kafka-bootstrap (a running Kafka)");
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for Kafka", e);
        }
    }

    /** A controlled shutdown, waited for. */
    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
