package io.relops.gateway.release;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The application catalog, bound per application and environment once at start. */
@Configuration(proxyBeanMethods = false)
class CatalogConfiguration {

    @Bean
    GatewayCatalog gatewayCatalog(Environment environment) {
        return GatewayCatalog.of(environment);
    }
}
