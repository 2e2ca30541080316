package io.relops.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Which catalog {@code relops up} gives the services: --catalog, else RELOPS_CATALOG, else config/catalog.yml. */
class UpCommandTest {

    @TempDir
    Path home;

    Path file(String name) throws IOException {
        Path file = home.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "relops:\n  applications: {}\n");
        return file;
    }

    UpCommand up(Map<String, String> environment, String... arguments) {
        UpCommand up = new UpCommand(environment);
        new CommandLine(up).parseArgs(arguments);
        return up;
    }

    @Test
    void theDefaultIsTheCheckoutsCatalog() throws IOException {
        Path catalog = file("config/catalog.yml");

        assertThat(up(Map.of()).catalog(home)).isEqualTo(catalog);
    }

    @Test
    void relopsCatalogReplacesTheDefault() throws IOException {
        file("config/catalog.yml");
        Path mine = file("mine/my-catalog.yml");

        assertThat(up(Map.of("RELOPS_CATALOG", mine.toString())).catalog(home)).isEqualTo(mine);
    }

    @Test
    void theOptionWinsOverTheVariable() throws IOException {
        Path variable = file("variable.yml");
        Path option = file("option.yml");

        assertThat(up(Map.of("RELOPS_CATALOG", variable.toString()), "--catalog", option.toString())
                        .catalog(home))
                .isEqualTo(option);
    }

    @Test
    void aMissingCatalogIsRefusedByName() {
        Path missing = home.resolve("my-catalog.yml");

        assertThatThrownBy(
                        () -> up(Map.of("RELOPS_CATALOG", missing.toString())).catalog(home))
                .hasMessage("catalog " + missing + " (RELOPS_CATALOG): no such file");
        assertThatThrownBy(() -> up(Map.of(), "--catalog", missing.toString()).catalog(home))
                .hasMessage("catalog " + missing + " (--catalog): no such file");
        assertThatThrownBy(() -> up(Map.of()).catalog(home))
                .hasMessage("catalog " + home.resolve("config/catalog.yml") + " (the default): no such file");
    }

    @Test
    void aDirectoryIsNoCatalog() throws IOException {
        Files.createDirectories(home.resolve("config/catalog.yml"));

        assertThatThrownBy(() -> up(Map.of()).catalog(home)).hasMessageEndingWith("(the default): not a file");
    }

    @Test
    void refusesAMissingCatalogBeforeStartingAnything() {
        Path missing = home.resolve("my-catalog.yml");
        UpCommand up = new UpCommand(Map.of("RELOPS_HOME", home.toString()));

        int exit = new CommandLine(up).execute("--catalog", missing.toString(), "--data-dir", "data");

        assertThat(exit).isEqualTo(2);
        assertThat(home.resolve("data")).as("nothing started, nothing written").doesNotExist();
    }

    @Test
    void refusesTheDemoWithoutTheCliBeforeStartingAnything() throws IOException {
        file("config/catalog.yml");
        UpCommand up = new UpCommand(Map.of("RELOPS_HOME", home.toString()));

        int exit = new CommandLine(up).execute("--demo", "--data-dir", "data");

        assertThat(exit).isEqualTo(2);
        assertThat(home.resolve("data")).as("nothing started, nothing written").doesNotExist();
    }

    @Test
    void refusesBadReplicasBeforeStartingAnything() throws IOException {
        file("config/catalog.yml");
        for (String value : List.of("deploy=2", "deploy-service=0")) {
            UpCommand up = new UpCommand(Map.of("RELOPS_HOME", home.toString()));
            CommandLine commandLine = new CommandLine(up);
            PrintStream before = System.err;
            java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
            System.setErr(new PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
            int exit;
            try {
                exit = commandLine.execute("--replicas", value, "--data-dir", "data");
            } finally {
                System.setErr(before);
            }

            assertThat(exit).as(value).isEqualTo(2);
            assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8))
                    .as(value)
                    .startsWith("relops up: --replicas " + value + ": ");
            assertThat(home.resolve("data"))
                    .as("nothing started, nothing written")
                    .doesNotExist();
        }
    }

    @Test
    void takesRepeatedAndCommaSeparatedReplicas() {
        UpCommand up =
                up(Map.of(), "--replicas", "deploy-service=2,alert-service=2", "--replicas", "gateway-service=3");

        assertThat(SuiteOptions.parseReplicas(up.replicas))
                .containsExactly(
                        Map.entry("deploy-service", 2), Map.entry("alert-service", 2), Map.entry("gateway-service", 3));
    }
}
