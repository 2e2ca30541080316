package io.relops.healthcheck.probe;

import io.relops.healthcheck.judge.JudgeSpec;
import io.relops.healthcheck.metric.MetricSpec;
import io.relops.healthcheck.smoke.SmokeTestSpec;
import io.relops.platform.catalog.EnvironmentCatalog;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.env.Environment;

/**
 * The part of the application catalog healthcheck-service needs: each application's probes, its
 * verification policy and its monitoring, per environment (the environment's {@code health} merged onto the
 * application's: {@link EnvironmentCatalog}). docs/healthcheck-service.md describes every key.
 */
public final class HealthCatalog {

    private final EnvironmentCatalog<ApplicationHealth> catalog;

    public HealthCatalog(EnvironmentCatalog<ApplicationHealth> catalog) {
        this.catalog = catalog;
    }

    /** The catalog of the service's environment ({@code RELOPS_CATALOG}, imported by application.yml). */
    public static HealthCatalog of(Environment environment) {
        return new HealthCatalog(EnvironmentCatalog.bind(environment, ApplicationHealth.class));
    }

    /**
     * The health settings of {@code application} in {@code environment}: the environment's effective ones, the
     * application's for an environment the catalog does not declare.
     */
    public Optional<HealthSpec> health(String application, String environment) {
        return catalog.effective(application, environment).map(ApplicationHealth::health);
    }

    public record ApplicationHealth(@DefaultValue HealthSpec health) {}

    /**
     * How a slot is verified: after {@code initialDelay}, all probes run every {@code interval};
     * {@code successes} consecutive passing rounds verify it, {@code failures} consecutive failing
     * rounds fail it (so {@code failures - 1} are tolerated), and no verdict by {@code deadline}
     * fails it too. A round with an inconclusive result counts neither way. After {@code
     * release.completed} the live slot is watched for {@code watchWindow}; {@code monitor} is the
     * continuous monitoring of the live slot. {@code allowedHosts}: the hosts (patterns, {@code *} for any
     * characters) probes may contact; an endpoint elsewhere, whatever an event names, is never requested (none:
     * nothing is probed). {@code evidence}: {@code none} (default: status and latency) or {@code body} (a failing
     * probe's evidence keeps an excerpt of the body). Beside the probes, the verification's gates: {@code
     * smokeTests} (run first), {@code metrics} (Argo-style analyses) and the canary {@code judge}.
     */
    public record HealthSpec(
            @Nullable List<ProbeSpec> probes,
            @Nullable List<SmokeTestSpec> smokeTests,
            @Nullable List<MetricSpec> metrics,
            @Nullable JudgeSpec judge,
            @DefaultValue List<String> allowedHosts,
            @DefaultValue("none") String evidence,
            @DefaultValue("0s") Duration initialDelay,
            @DefaultValue("1s") Duration interval,
            @DefaultValue("3") int successes,
            @DefaultValue("2") int failures,
            @DefaultValue("60s") Duration deadline,
            @DefaultValue("5m") Duration watchWindow,
            @DefaultValue MonitorSpec monitor) {

        public HealthSpec {
            if (successes < 1 || failures < 1) {
                throw new IllegalArgumentException("health.successes and health.failures must be at least 1");
            }
            if (!Set.of("none", "body").contains(evidence)) {
                throw new IllegalArgumentException("health.evidence is '" + evidence + "'; it is none or body");
            }
        }

        /** Whether a failing probe's evidence may keep an excerpt of the body ({@code evidence: body}). */
        public boolean bodyEvidence() {
            return "body".equals(evidence);
        }

        public List<ProbeSpec> probeList() {
            return probes == null ? List.of() : probes;
        }

        public List<SmokeTestSpec> smokeTestList() {
            return smokeTests == null ? List.of() : smokeTests;
        }

        public List<MetricSpec> metricList() {
            return metrics == null ? List.of() : metrics;
        }
    }

    /**
     * Continuous monitoring of the live slot: all probes every {@code interval}; the application
     * turns unhealthy after {@code unhealthyAfter} consecutive failing rounds and healthy again after
     * {@code healthyAfter} consecutive passing ones (hysteresis: a flapping endpoint emits nothing).
     */
    public record MonitorSpec(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("10s") Duration interval,
            @DefaultValue("3") int unhealthyAfter,
            @DefaultValue("2") int healthyAfter) {

        public MonitorSpec {
            if (unhealthyAfter < 1 || healthyAfter < 1) {
                throw new IllegalArgumentException(
                        "health.monitor.unhealthy-after and healthy-after must be at least 1");
            }
            if (interval.isZero() || interval.isNegative()) {
                throw new IllegalArgumentException("health.monitor.interval must be positive");
            }
        }
    }

    /**
     * One probe, of {@code type} {@code http}, {@code tcp} or {@code prometheus}. Templates ({@code
     * url}, {@code address}, header values, {@code query}) may use {@code {endpoint}} (the slot's base
     * URL), {@code {host}}, {@code {port}}, {@code {slot}}, {@code {application}}, {@code {version}}.
     *
     * <p>http: {@code method}, {@code url}, {@code headers}, {@code expectStatus}, optionally {@code
     * bodyContains} and {@code jsonPath} + {@code jsonEquals}. tcp: {@code address} ({@code host:port}).
     * prometheus: {@code prometheusUrl}, {@code query}, passing when {@code value comparison
     * threshold} holds for every sample; {@code onEmpty} says what an empty result is. Every probe
     * has a {@code timeout}.
     */
    public record ProbeSpec(
            String name,
            @DefaultValue("http") String type,
            @DefaultValue("GET") String method,
            @Nullable String url,
            @Nullable Map<String, String> headers,
            @DefaultValue("200") Set<Integer> expectStatus,
            @Nullable String bodyContains,
            @Nullable String jsonPath,
            @Nullable String jsonEquals,
            @DefaultValue("{host}:{port}") String address,
            @Nullable String prometheusUrl,
            @Nullable String query,
            @DefaultValue("<") String comparison,
            @Nullable Double threshold,
            @DefaultValue("inconclusive") String onEmpty,
            @DefaultValue("2s") Duration timeout) {}
}
