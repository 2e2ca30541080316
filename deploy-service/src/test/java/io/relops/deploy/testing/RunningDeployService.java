package io.relops.deploy.testing;

import io.relops.deploy.DeployServiceApplication;
import io.relops.testkit.EventStream;
import io.relops.testkit.Postgres;
import io.relops.testkit.ReleaseDriver;
import io.relops.testkit.RelopsTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A deploy-service of a test: its own topics and database, the catalog {@code catalog} (with {@code args} for its
 * placeholders), data under {@code target/<name>-data}, and a {@link ReleaseDriver} of the environment {@code local}
 * watching its release and health topics.
 */
public final class RunningDeployService implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(60);

    private final EventStream events;
    private final ReleaseDriver releases;
    private final ConfigurableApplicationContext context;

    private RunningDeployService(String name, String catalog, String... args) {
        RelopsTopics topics = RelopsTopics.unique(name);
        this.events = EventStream.watching(topics.release(), topics.health());
        this.releases = new ReleaseDriver(events, topics, "local", WAIT);
        List<String> all =
                new ArrayList<>(List.of("--RELOPS_CATALOG=" + catalog, "--RELOPS_DATA_DIR=target/" + name + "-data"));
        all.addAll(List.of(args));
        try {
            this.context = new SpringApplicationBuilder(DeployServiceApplication.class)
                    .run(topics.serviceArgs(Postgres.freshDatabase("deploy_" + name), all.toArray(String[]::new)));
        } catch (RuntimeException e) {
            events.close();
            throw e;
        }
    }

    /** Starts it: {@code name} names its topics, database and data directory. */
    public static RunningDeployService start(String name, String catalog, String... args) {
        return new RunningDeployService(name, catalog, args);
    }

    public ReleaseDriver releases() {
        return releases;
    }

    public EventStream events() {
        return events;
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    @Override
    public void close() {
        context.close();
        events.close();
    }
}
