package io.relops.faults;

import static org.awaitility.Awaitility.await;

import io.relops.local.LocalKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.jspecify.annotations.Nullable;

/**
 * A single-node KRaft Kafka broker (broker and controller) in its own JVM, from the Kafka server jar
 * on the test classpath ({@code kafka.Kafka}), with a fixed port and log directory and the local suite's
 * configuration ({@link LocalKafka#properties}): it can be stopped and started again with its data, and a
 * {@code kill} of it is a crash of a process, not of the test's JVM.
 */
final class KafkaBrokerProcess implements AutoCloseable {

    private final Path directory;
    private final int port;
    private final Path config;
    private @Nullable Process process;

    KafkaBrokerProcess(Path directory, int port, int controllerPort) {
        this.directory = directory;
        this.port = port;
        this.config = directory.resolve("server.properties");
        Properties properties = LocalKafka.properties(directory, port, controllerPort);
        try {
            Files.createDirectories(directory);
            try (Writer writer = Files.newBufferedWriter(config)) {
                properties.store(writer, "the fault-injection suite's Kafka broker");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run(
                "format",
                "kafka.tools.StorageTool",
                "format",
                "-t",
                Uuid.randomUuid().toString(),
                "-c",
                config.toString());
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** Starts the broker and returns once it accepts connections. */
    synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the broker is already running (pid " + process.pid() + ")");
        }
        process = spawn("broker", "kafka.Kafka", config.toString());
        await("Kafka broker on " + bootstrap())
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(
                                "the Kafka broker exited with " + process.exitValue() + "; see " + log("broker"));
                    }
                    return accepts();
                });
    }

    /** Stops the broker as an operator would (SIGTERM: controlled shutdown) and waits for it to be gone. */
    synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        process = null;
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Path log(String what) {
        return directory.resolve(what + ".log");
    }

    private Process spawn(String what, String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(
                java(),
                "-Xmx384m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
        command.addAll(List.of(args));
        try {
            return new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log(what).toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Kafka " + what, e);
        }
    }

    private void run(String what, String mainClass, String... args) {
        Process format = spawn(what, mainClass, args);
        try {
            if (!format.waitFor(2, TimeUnit.MINUTES) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IllegalStateException(
                        "Kafka storage " + what + " failed; see " + log(what) + ": " + Files.readString(log(what)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Override
    public void close() {
        stop();
    }
}
