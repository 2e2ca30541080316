package io.relops.testkit;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Every relops service a test starts runs as local use ({@code relops.local=true}), as under {@code relops up}:
 * the example passwords of the services' {@code application.yml} are accepted there. The lowest-precedence
 * setting: a test that proves a service refuses them outside local use sets {@code relops.local=false}.
 */
public final class LocalUseInTests implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment
                .getPropertySources()
                .addLast(new MapPropertySource("relopsTestkitLocalUse", Map.of("relops.local", "true")));
    }
}
