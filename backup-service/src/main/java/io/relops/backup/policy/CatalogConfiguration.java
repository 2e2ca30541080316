package io.relops.backup.policy;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The application catalog, bound per application and environment once at start. */
@Configuration(proxyBeanMethods = false)
class CatalogConfiguration {

    @Bean
    BackupCatalog backupCatalog(Environment environment) {
        return BackupCatalog.of(environment);
    }
}
