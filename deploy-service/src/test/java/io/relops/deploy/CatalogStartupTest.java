package io.relops.deploy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relops.platform.catalog.InvalidCatalogException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * deploy-service, as configured (its application.yml imports RELOPS_CATALOG), stops at start on a catalog whose
 * webhook target lacks its secret and has a malformed deadline: before any bean, so no broker or database is
 * needed to see it.
 */
class CatalogStartupTest {

    @TempDir
    Path directory;

    @Test
    void refusesToStartOnAnInvalidCatalog() throws IOException {
        Path catalog = directory.resolve("catalog.yml");
        Files.writeString(catalog, """
                relops:
                  applications:
                    demo-app:
                      target:
                        type: webhook
                        webhook:
                          url: https://deployer.example.com/hooks
                          deadline: 10 minutes
                """);

        assertThatThrownBy(() -> new SpringApplicationBuilder(DeployServiceApplication.class)
                        .run("--RELOPS_CATALOG=" + catalog)
                        .close())
                .isInstanceOf(InvalidCatalogException.class)
                .hasMessageContaining("catalog " + catalog + ": application 'demo-app': key 'target.webhook.secret':"
                        + " is required")
                .hasMessageContaining("catalog " + catalog + ": application 'demo-app': key 'target.webhook.deadline':"
                        + " '10 minutes' is not a duration (e.g. 30s, 5m, PT1M)");
    }

    @Test
    void refusesToStartOnACatalogThatIsNotThere() {
        Path catalog = directory.resolve("my-catalog.yml");

        assertThatThrownBy(() -> new SpringApplicationBuilder(DeployServiceApplication.class)
                        .run("--RELOPS_CATALOG=" + catalog)
                        .close())
                .isInstanceOf(InvalidCatalogException.class)
                .hasMessage("catalog " + catalog + ": no such file");
    }
}
