package io.relops.platform.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * A Spring application that imports the catalog as the services do does not start on a bad one: the check runs
 * before the context (no bean, no broker, no database is touched), and the failure names the file and the key.
 */
class CatalogEnvironmentPostProcessorTest {

    static final String IMPORT = "--spring.config.import=optional:file:${RELOPS_CATALOG:config/catalog.yml}";

    @TempDir
    Path directory;

    /** Runs an empty application with the services' import of the catalog and these arguments. */
    static void start(String... arguments) {
        SpringApplication application = new SpringApplication(Empty.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        String[] all = new String[arguments.length + 2];
        all[0] = IMPORT;
        all[1] = "--spring.autoconfigure.exclude=*";
        System.arraycopy(arguments, 0, all, 2, arguments.length);
        application.run(all).close();
    }

    static class Empty {}

    @Test
    void anInvalidCatalogStopsTheStart() throws IOException {
        Path catalog = directory.resolve("catalog.yml");
        Files.writeString(catalog, """
                relops:
                  applications:
                    demo-app:
                      stratgey: canary
                """);

        assertThatThrownBy(() -> start("--RELOPS_CATALOG=" + catalog))
                .isInstanceOf(InvalidCatalogException.class)
                .hasMessageStartingWith(
                        "catalog " + catalog + ": application 'demo-app': key 'stratgey': not a catalog" + " key");
    }

    @Test
    void aCatalogNamedButMissingStopsTheStart() {
        Path catalog = directory.resolve("my-catalog.yml");

        assertThatThrownBy(() -> start("--RELOPS_CATALOG=" + catalog))
                .isInstanceOf(InvalidCatalogException.class)
                .hasMessage("catalog " + catalog + ": no such file");
    }

    @Test
    void aValidCatalogStarts() throws IOException {
        Path catalog = directory.resolve("catalog.yml");
        Files.writeString(catalog, """
                relops:
                  applications:
                    demo-app:
                      strategy: canary
                      canary:
                        steps: [{weight: 50}, {weight: 100}]
                """);

        start("--RELOPS_CATALOG=" + catalog);
    }

    @Test
    void theDefaultCatalogMayBeAbsentWhenNoneIsNamed() {
        // the tests run in platform/, which has no config/catalog.yml
        assertThat(Path.of("config/catalog.yml")).doesNotExist();

        start();
    }

    @Test
    void anApplicationThatDoesNotImportTheCatalogIsNotChecked() {
        SpringApplication application = new SpringApplication(Empty.class);
        application.setWebApplicationType(WebApplicationType.NONE);

        application
                .run("--spring.autoconfigure.exclude=*", "--RELOPS_CATALOG=" + directory.resolve("absent.yml"))
                .close();
    }

    @Test
    void theFailureReportNamesEachProblemAndTheFile() {
        Path catalog = directory.resolve("catalog.yml");
        InvalidCatalogException failure = new InvalidCatalogException(
                catalog,
                java.util.List.of(
                        "catalog " + catalog + ": application 'a': key 'x': not a catalog key",
                        "catalog " + catalog + ": application 'b': key 'y': is required"));

        FailureAnalysis analysis = new InvalidCatalogFailureAnalyzer().analyze(failure);

        assertThat(analysis.getDescription())
                .isEqualTo("catalog " + catalog + ": application 'a': key 'x': not a catalog key\n" + "catalog "
                        + catalog + ": application 'b': key 'y': is required");
        assertThat(analysis.getAction()).contains(catalog.toString(), "catalog.schema.json");
    }
}
