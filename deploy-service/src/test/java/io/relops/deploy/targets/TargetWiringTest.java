package io.relops.deploy.targets;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.relops.deploy.catalog.DeployCatalog;
import io.relops.deploy.targets.compose.ComposeTarget;
import io.relops.deploy.targets.kubernetes.KubernetesTarget;
import io.relops.deploy.targets.webhook.WebhookTarget;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The kubernetes, webhook and compose targets wire from deploy-service's auto-configuration, without a cluster. */
class TargetWiringTest {

    @Configuration(proxyBeanMethods = false)
    @ComponentScan(
            basePackageClasses = {KubernetesTarget.class, WebhookTarget.class, ComposeTarget.class},
            excludeFilters = @ComponentScan.Filter(type = FilterType.REGEX, pattern = ".*Test.*"))
    static class Targets {

        /** The webhook target keeps its deploy requests in PostgreSQL: a client that connects only when used. */
        @Bean
        JdbcClient jdbcClient() {
            return JdbcClient.create(new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:9/none"));
        }

        @Bean
        DeployCatalog deployCatalog() {
            return DeployCatalog.of(new MapConfigurationPropertySource(Map.of()));
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    JacksonAutoConfiguration.class,
                    HttpMessageConvertersAutoConfiguration.class,
                    RestClientAutoConfiguration.class))
            .withUserConfiguration(Targets.class)
            .withPropertyValues("relops.deploy.log-dir=target/wiring-logs")
            // "10m" and the like as Duration, as in the application
            .withInitializer(context ->
                    context.getBeanFactory().setConversionService(ApplicationConversionService.getSharedInstance()));

    @Test
    void providesTheTargetsAndBuildsNoKubernetesClientUntilOneIsUsed() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBeansOfType(DeploymentTarget.class).values())
                    .extracting(DeploymentTarget::type)
                    .containsExactlyInAnyOrder("kubernetes", "webhook", "compose");
            assertThat(context.getBeanFactory().containsSingleton("kubernetesClient"))
                    .isFalse();
            assertThat(context.getBeanNamesForType(KubernetesClient.class)).containsExactly("kubernetesClient");
        });
    }
}
