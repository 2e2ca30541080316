package io.relops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The operator's CLI as built ({@code target/relops.jar}, after {@code package}): at most 20 MB, no test library,
 * no local suite, one flat jar that answers {@code --help} on its own.
 */
class CliJarIT {

    static final Path JAR = Path.of("target", "relops.jar");

    @Test
    void isSmallAndFreeOfTestLibraries() throws IOException {
        assertThat(JAR).as("built by package").isRegularFile();

        assertThat(CliJar.problems(JAR, CliJar.MAX_BYTES)).isEmpty();
    }

    @Test
    void answersHelpFromTheJarAlone() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(
                        java.toString(), "-XX:TieredStopAtLevel=1", "-jar", JAR.toString(), "--help")
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("Usage: relops", "release", "audit", "backup", "Exit codes:", "./relops up");
    }
}
