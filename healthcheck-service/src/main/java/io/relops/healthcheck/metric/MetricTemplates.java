package io.relops.healthcheck.metric;

import java.util.Map;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The named metric templates, {@code relops.health.metric-templates.<name>}: the ones healthcheck-service ships
 * ({@code p95-latency-below}, {@code error-rate-below}, in its application.yml) and any the catalog file or the
 * service's configuration adds. A template is a {@link MetricSpec} without a name whose {@code args} are the
 * defaults of its {@code {{args.NAME}}} placeholders.
 */
@Component
public class MetricTemplates {

    public static final String PREFIX = "relops.health.metric-templates";

    private final Map<String, MetricSpec> templates;

    public MetricTemplates(Environment environment) {
        this.templates = Map.copyOf(Binder.get(environment)
                .bind(PREFIX, Bindable.mapOf(String.class, MetricSpec.class))
                .orElse(Map.of()));
    }

    /** Every template by name. */
    public Map<String, MetricSpec> all() {
        return templates;
    }
}
