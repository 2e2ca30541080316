package io.relops.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
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
 * @param servicePorts the HTTP port of each service (of its first instance), by service name
 * @param tokens the API token of each role (operator, approver, auditor, admin)
 * @param extraEnvironment more environment for every service (e.g. catalog port overrides)
 * @param replicas how many instances of a service run (absent: one); see {@link #ports}
 * @param restartPolicy how the launcher restarts a service process that exited by itself
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
        Map<String, String> extraEnvironment,
        Map<String, Integer> replicas,
        RestartPolicy restartPolicy) {

    /** The services, in start order (audit first, gateway last), with their default ports. */
    public static final Map<String, Integer> DEFAULT_PORTS = defaultPorts();

    /** Instance n (from 1) of a service listens on its port + (n - 1) × this: deploy-service 8081, 8181, 8281. */
    public static final int REPLICA_PORT_STEP = 100;

    /** At most this many instances of a service: the ninth gateway listens on 8880, still below the demo's 9000. */
    public static final int MAX_REPLICAS = 9;

    public SuiteOptions {
        replicas = Map.copyOf(replicas);
        replicas.forEach((service, count) -> {
            if (!servicePorts.containsKey(service)) {
                throw new IllegalArgumentException(
                        "replicas of " + service + ": no such service; services: " + servicePorts.keySet());
            }
            if (count < 1 || count > MAX_REPLICAS) {
                throw new IllegalArgumentException(
                        "replicas of " + service + ": " + count + " (1 to " + MAX_REPLICAS + ")");
            }
        });
    }

    /** One instance of every service, restarted by {@link RestartPolicy#DEFAULT} when it exits by itself. */
    public SuiteOptions(
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
        this(
                home,
                dataDirectory,
                catalog,
                kafkaBootstrap,
                kafkaPort,
                jdbcUrl,
                jdbcUser,
                postgresPort,
                servicePorts,
                tokens,
                extraEnvironment,
                Map.of(),
                RestartPolicy.DEFAULT);
    }

    /** These options with {@code replicas} instances of the services named (the others keep one). */
    public SuiteOptions withReplicas(Map<String, Integer> replicas) {
        return new SuiteOptions(
                home,
                dataDirectory,
                catalog,
                kafkaBootstrap,
                kafkaPort,
                jdbcUrl,
                jdbcUser,
                postgresPort,
                servicePorts,
                tokens,
                extraEnvironment,
                replicas,
                restartPolicy);
    }

    /** How many instances of {@code service} run. */
    public int replicas(String service) {
        return replicas.getOrDefault(service, 1);
    }

    /** The HTTP port of each instance of {@code service}, the first instance's first. */
    public List<Integer> ports(String service) {
        Integer first = servicePorts.get(service);
        if (first == null) {
            throw new IllegalArgumentException("no service " + service + "; services: " + servicePorts.keySet());
        }
        List<Integer> ports = new ArrayList<>();
        for (int instance = 1; instance <= replicas(service); instance++) {
            ports.add(first + (instance - 1) * REPLICA_PORT_STEP);
        }
        return ports;
    }

    /**
     * {@code --replicas} of {@code relops up}: each value a {@code SERVICE=N} (or several, comma-separated); a
     * service named twice takes the last count. Refused, naming the value: an unknown service, a count that is
     * not a number, below 1 or above {@link #MAX_REPLICAS}.
     */
    public static Map<String, Integer> parseReplicas(List<String> values) {
        Map<String, Integer> replicas = new LinkedHashMap<>();
        for (String value : values) {
            for (String entry : value.split(",", -1)) {
                String item = entry.strip();
                int equals = item.indexOf('=');
                if (equals <= 0 || equals == item.length() - 1) {
                    throw new IllegalArgumentException(
                            "--replicas " + item + ": expected SERVICE=N, e.g. deploy-service=2");
                }
                String service = item.substring(0, equals).strip();
                String count = item.substring(equals + 1).strip();
                if (!DEFAULT_PORTS.containsKey(service)) {
                    throw new IllegalArgumentException("--replicas " + item + ": no service " + service + "; services: "
                            + String.join(", ", DEFAULT_PORTS.keySet()));
                }
                int n;
                try {
                    n = Integer.parseInt(count);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--replicas " + item + ": " + count + " is not a number");
                }
                if (n < 1 || n > MAX_REPLICAS) {
                    throw new IllegalArgumentException(
                            "--replicas " + item + ": the count must be 1 to " + MAX_REPLICAS + ", not " + n);
                }
                replicas.put(service, n);
            }
        }
        return Collections.unmodifiableMap(replicas);
    }

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
