package io.relops.audit.log;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The connection settings of the anchor's own Kafka clients (its producer, the verifier's reader, the topic's
 * admin): the broker ({@code relops.kafka.bootstrap-servers}) and every client setting the binder is given ({@code
 * spring.cloud.stream.kafka.binder.configuration.*}: the production overlay's SASL_SSL, SCRAM credential and trust
 * store), so that the anchor connects wherever the service's events do.
 */
record AnchorKafkaSettings(Map<String, Object> common) {

    static AnchorKafkaSettings of(Environment environment) {
        Map<String, Object> common = new HashMap<>(Binder.get(environment)
                .bind("spring.cloud.stream.kafka.binder.configuration", Bindable.mapOf(String.class, String.class))
                .orElse(Map.of()));
        common.put(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                environment.getRequiredProperty("relops.kafka.bootstrap-servers"));
        return new AnchorKafkaSettings(Map.copyOf(common));
    }

    /** The common settings with {@code specific} on top. */
    Map<String, Object> with(Map<String, Object> specific) {
        Map<String, Object> all = new HashMap<>(common);
        all.putAll(specific);
        return all;
    }
}
