package io.relops.alert;

import io.relops.alert.lifecycle.AlertRules;
import io.relops.alert.notification.ConsoleLinks;
import io.relops.alert.routing.AlertCatalog;
import io.relops.alert.routing.AlertingProperties;
import io.relops.alert.routing.AlertmanagerConfig;
import io.relops.alert.routing.RoutingTree;
import io.relops.alert.silence.SilenceProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The routing tree and alert rules built from {@code relops.alerting}; the flush tick is scheduled. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableConfigurationProperties({AlertingProperties.class, SilenceProperties.class})
class AlertingConfiguration {

    @Bean
    AlertCatalog alertCatalog(Environment environment) {
        return AlertCatalog.of(environment);
    }

    @Bean
    RoutingTree routingTree(AlertingProperties properties, AlertCatalog catalog) {
        return new RoutingTree(properties, catalog.routes());
    }

    @Bean
    AlertmanagerConfig alertmanagerConfig(RoutingTree routing, AlertingProperties properties) {
        return new AlertmanagerConfig(routing, properties);
    }

    @Bean
    AlertRules alertRules(AlertingProperties properties) {
        return new AlertRules(new ConsoleLinks(properties.consoleUrl()), properties.resolveTimeout());
    }
}
