package io.relops.local;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How to run the local suite.
 *
 * @param home the relops checkout (service jars under {@code <module>/target/})
 * @param dataDirectory where the PostgreSQL and Kafka data and the service logs live
 * @param catalog the application catalog file
 * @param kafkaBootstrap an existing Kafka cluster, or null to start an in-process KRaft broker
 * @param kafkaPort the in-process broker's port (0: a free one)
 * @param jdbcUrl an existing PostgreSQL database, or null to start an embedded PostgreSQL
 * @param postgresPort the embedded PostgreSQL's port
 * @param servicePorts the HTTP port of each service, by service name
 * @param tokens the API token of each role (operator, approver, auditor, admin)
 * @param extraEnvironment more environment for every service (e.g. catalog port overrides)
 */
public record SuiteOptions(
        Path home,
        Path dataDirectory,
        Path catalog,
        @Nullable String kafkaBootstrap,
        int kafkaPort,
        @Nullable String jdbcUrl,
        @Nullable String jdbcUser,
        int postgresPort,
        Map<String, Integer> servicePorts,
        Map<String, String> tokens,
        Map<String, String> extraEnvironment) {

    /** The services, in start order (audit first, gateway last), with their default ports. */
    public static final Map<String, Integer> DEFAULT_PORTS = defaultPorts();

    private static Map<String, Integer> defaultPorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("audit-service", 8085);
        ports.put("deploy-service", 8081);
        ports.put("healthcheck-service", 8082);
        ports.put("backup-service", 8083);
        ports.put("alert-service", 8084);
        ports.put("gateway-service", 8080);
        return Collections.unmodifiableMap(ports);
    }
}
