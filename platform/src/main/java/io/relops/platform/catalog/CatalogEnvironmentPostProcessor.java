package io.relops.platform.catalog;

import java.nio.file.Path;
import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Checks the application catalog before anything else starts, in every service whose configuration imports it
 * ({@code spring.config.import: optional:file:${RELOPS_CATALOG:config/catalog.yml}}). A catalog named by
 * {@code RELOPS_CATALOG} (environment, system property or command line) must exist; the default one, when
 * {@code RELOPS_CATALOG} is not set, may be absent (the service then knows no application: a warning says so). A
 * catalog that is there must be valid ({@link CatalogValidator}): else the service stops with {@link
 * InvalidCatalogException}, whose message names the file, the application and the key.
 */
public final class CatalogEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    /** The variable that names the catalog, in the import and in the environment. */
    public static final String VARIABLE = "RELOPS_CATALOG";

    private final Log log;

    public CatalogEnvironmentPostProcessor(DeferredLogFactory logs) {
        this.log = logs.getLog(CatalogEnvironmentPostProcessor.class);
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE; // after the config data (ConfigDataEnvironmentPostProcessor) is loaded
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String location = catalogImport(environment);
        if (location == null) {
            return; // this service does not read the catalog (audit-service)
        }
        String resolved = environment.resolvePlaceholders(location).strip();
        resolved = resolved.startsWith("optional:") ? resolved.substring("optional:".length()) : resolved;
        resolved = resolved.startsWith("file:") ? resolved.substring("file:".length()) : resolved;
        Path file = Path.of(resolved).toAbsolutePath().normalize();
        if (!environment.containsProperty(VARIABLE) && !file.toFile().exists()) {
            log.warn("no application catalog: " + file + " does not exist and " + VARIABLE
                    + " is not set; this service knows no application");
            return;
        }
        new CatalogValidator().check(file, environment::resolvePlaceholders);
        log.info("application catalog " + file + " is valid");
    }

    /** The raw {@code spring.config.import} entry that names {@code RELOPS_CATALOG}, or null when none does. */
    private static @Nullable String catalogImport(ConfigurableEnvironment environment) {
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (source instanceof EnumerablePropertySource<?> enumerable) {
                for (String name : enumerable.getPropertyNames()) {
                    if (name.startsWith("spring.config.import")) {
                        Object value = enumerable.getProperty(name);
                        if (value != null && value.toString().contains("${" + VARIABLE)) {
                            return value.toString();
                        }
                    }
                }
            }
        }
        return null;
    }
}
