package io.relops.testkit;

import java.util.List;

/**
 * The metrics from libraries (Micrometer's JVM binders, HikariCP, Spring MVC's server observation, the Spring Cloud
 * Stream Kafka binder) that the shipped dashboard and rules ({@code ops/}) may use. deploy-service's
 * {@code PrometheusScrapeIT} requires each of them in a real scrape; packaging's {@code MonitoringFilesTest} refuses
 * any other name that is neither a relops meter nor recorded by the rules. Add a name here only with both.
 */
public final class LibraryMetrics {

    public static final List<String> NAMES = List.of(
            "http_server_requests_seconds_count",
            "http_server_requests_seconds_bucket",
            "jvm_memory_used_bytes",
            "jvm_memory_committed_bytes",
            "jvm_gc_pause_seconds_count",
            "jvm_gc_pause_seconds_sum",
            "jvm_gc_pause_seconds_max",
            "jvm_threads_live_threads",
            "hikaricp_connections_active",
            "hikaricp_connections_pending",
            "hikaricp_connections_acquire_seconds_count",
            "hikaricp_connections_acquire_seconds_sum",
            "hikaricp_connections_acquire_seconds_max",
            "spring_cloud_stream_binder_kafka_offset");

    private LibraryMetrics() {}
}
