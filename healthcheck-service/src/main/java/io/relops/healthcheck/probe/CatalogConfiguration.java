package io.relops.healthcheck.probe;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The application catalog, bound per application and environment once at start. */
@Configuration(proxyBeanMethods = false)
class CatalogConfiguration {

    @Bean
    HealthCatalog healthCatalog(Environment environment) {
        return HealthCatalog.of(environment);
    }
}
