package io.relops.deploy.catalog;

import io.relops.platform.catalog.EnvironmentCatalog;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.PlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * The part of the application catalog ({@code relops.applications.<name>}) deploy-service needs, per application and
 * per environment: {@link #application(String, String)} is what a release, a restore or a target call of that
 * environment uses, the environment's overrides merged onto the application's settings ({@link EnvironmentCatalog}).
 * docs/deploy-service.md describes every key, with a full example per target.
 */
public final class DeployCatalog {

    public static final String BLUE_GREEN = "blue-green";

    private final EnvironmentCatalog<ApplicationSpec> catalog;
    private final Map<String, ApplicationSpec> applications = new LinkedHashMap<>();
    private final Map<String, Map<String, ApplicationSpec>> environments = new LinkedHashMap<>();

    public DeployCatalog(EnvironmentCatalog<ApplicationSpec> catalog) {
        this.catalog = catalog;
        for (String name : catalog.applications()) {
            applications.put(name, declared(name, catalog.application(name).orElseThrow()));
            Map<String, ApplicationSpec> byEnvironment = new LinkedHashMap<>();
            for (String environment : catalog.environments(name)) {
                byEnvironment.put(
                        environment,
                        declared(name, catalog.effective(name, environment).orElseThrow()));
            }
            environments.put(name, byEnvironment);
        }
    }

    /** The catalog of the service's environment ({@code RELOPS_CATALOG}, imported by application.yml). */
    public static DeployCatalog of(Environment environment) {
        return new DeployCatalog(EnvironmentCatalog.bind(environment, ApplicationSpec.class));
    }

    /** The catalog in {@code sources} (tests: a {@code MapConfigurationPropertySource}). */
    public static DeployCatalog of(ConfigurationPropertySource... sources) {
        return new DeployCatalog(
                EnvironmentCatalog.bind(List.of(sources), PlaceholdersResolver.NONE, ApplicationSpec.class));
    }

    /** The application's own settings, without any environment's overrides. */
    public Optional<ApplicationSpec> application(String name) {
        return Optional.ofNullable(applications.get(name));
    }

    /**
     * The effective settings of {@code name} in {@code environment}: the environment's overrides merged onto the
     * application's settings, or the application's when the catalog does not declare the environment.
     */
    public Optional<ApplicationSpec> application(String name, String environment) {
        ApplicationSpec effective = environments.getOrDefault(name, Map.of()).get(environment);
        return effective != null ? Optional.of(effective) : application(name);
    }

    /** The environments the catalog declares for {@code application}. */
    public Set<String> environments(String application) {
        return catalog.environments(application);
    }

    public Map<String, ApplicationSpec> all() {
        return applications;
    }

    /**
     * {@code spec} with every environment the catalog declares in {@link ApplicationSpec#environments()}: one that
     * sets none of {@link EnvironmentSpec}'s keys (only overrides) is not bound by Spring, but is declared.
     */
    private ApplicationSpec declared(String name, ApplicationSpec spec) {
        Set<String> declared = catalog.environments(name);
        Map<String, EnvironmentSpec> bound = spec.environments() == null ? Map.of() : spec.environments();
        if (bound.keySet().containsAll(declared)) {
            return spec;
        }
        EnvironmentSpec none =
                new Binder(new MapConfigurationPropertySource()).bindOrCreate("environment", EnvironmentSpec.class);
        Map<String, EnvironmentSpec> all = new LinkedHashMap<>();
        declared.forEach(environment -> all.put(environment, bound.getOrDefault(environment, none)));
        return new ApplicationSpec(
                all,
                spec.strategy(),
                spec.target(),
                spec.router(),
                spec.blueGreen(),
                spec.canary(),
                spec.progressDeadlines(),
                spec.backup(),
                spec.health());
    }

    public record ApplicationSpec(
            @Nullable Map<String, EnvironmentSpec> environments,
            @DefaultValue(BLUE_GREEN) String strategy,
            @Nullable TargetSpec target,
            @DefaultValue RouterSpec router,
            @DefaultValue BlueGreenSpec blueGreen,
            @DefaultValue CanarySpec canary,
            @DefaultValue DeadlineSpec progressDeadlines,
            @DefaultValue BackupGateSpec backup,
            @DefaultValue WatchSpec health) {

        public boolean hasEnvironment(String environment) {
            return environments != null && environments.containsKey(environment);
        }

        public ApprovalSpec approval(String environment) {
            EnvironmentSpec env = environments == null ? null : environments.get(environment);
            return env == null || env.approval() == null ? ApprovalSpec.NONE : env.approval();
        }

        /** The environment's promotion rule, when a release to it needs the version in another one first. */
        public Optional<PromotionSpec> promotion(String environment) {
            EnvironmentSpec env = environments == null ? null : environments.get(environment);
            return Optional.ofNullable(env == null ? null : env.promotion());
        }
    }

    public record EnvironmentSpec(
            @Nullable ApprovalSpec approval, @Nullable PromotionSpec promotion) {}

    /**
     * A release to the environment needs the same version COMPLETED in {@code from} first, at least {@code soak}
     * ago and (with {@code notRolledBack}) not rolled back there since (docs/deploy-service.md, "Promotion").
     */
    public record PromotionSpec(
            String from,
            @DefaultValue("0s") Duration soak,
            @DefaultValue("true") boolean notRolledBack) {}

    /**
     * Approval before deploying to an environment: the approver needs {@code role} (checked by the
     * gateway) and is never the requester (checked here too); an unanswered request expires.
     */
    public record ApprovalSpec(
            boolean required,
            @DefaultValue("approver") String role,
            @DefaultValue("24h") Duration expiry) {
        static final ApprovalSpec NONE = new ApprovalSpec(false, "approver", Duration.ofHours(24));
    }

    /**
     * Blue-green: after the switch the previous slot keeps running for {@code keepPrevious}, so a
     * switch back is instant; {@code drain} is how long a slot that traffic left keeps running
     * before it is stopped (requests in flight finish).
     */
    public record BlueGreenSpec(
            @DefaultValue("60s") Duration keepPrevious,
            @DefaultValue("2s") Duration drain) {}

    /** Canary: traffic steps, each verified; a step may pause for a time or until promoted. */
    public record CanarySpec(@Nullable List<CanaryStep> steps) {

        private static final List<CanaryStep> DEFAULT_STEPS = List.of(
                new CanaryStep(5, null, false),
                new CanaryStep(25, null, false),
                new CanaryStep(50, null, false),
                new CanaryStep(100, null, false));

        public List<CanaryStep> stepsOrDefault() {
            return steps == null || steps.isEmpty() ? DEFAULT_STEPS : steps;
        }
    }

    /**
     * One canary step: {@code weight} percent of traffic to the new version, verified; then wait
     * {@code pause} (if set) or, with {@code awaitPromotion}, until an operator promotes.
     */
    public record CanaryStep(int weight, @Nullable Duration pause, boolean awaitPromotion) {}

    /** How long each phase may go without progress before the release fails with that reason. */
    public record DeadlineSpec(
            @DefaultValue("10m") Duration backup,
            @DefaultValue("5m") Duration deploy,
            @DefaultValue("5m") Duration verify,
            @DefaultValue("5m") Duration rollback) {}

    /** The pre-deploy backup gate: with {@code beforeDeploy}, no deploy before {@code backup.completed}. */
    public record BackupGateSpec(boolean beforeDeploy) {}

    /** After a release completes, a {@code health.failed} within {@code watchWindow} rolls it back. */
    public record WatchSpec(@DefaultValue("5m") Duration watchWindow) {}

    public record TargetSpec(
            @DefaultValue("process") String type,
            @Nullable ProcessSpec process,
            @Nullable KubernetesSpec kubernetes,
            @Nullable WebhookSpec webhook,
            @Nullable ComposeSpec compose) {}

    /**
     * Who splits the stable URL's traffic between the slots the target runs (docs/deploy-targets.md, "Routers"):
     * {@code builtin} (deploy-service's own proxy, the process target's default), {@code nginx}, {@code haproxy},
     * {@code kubernetes} (the kubernetes target's Service selector / HTTPRoute, its default) or {@code webhook} (the
     * webhook target's route call, its default). Unset: the target's own router. {@code match} sends the requests that
     * carry a header (or cookie) to the canary slot whatever its weight, from the moment it is deployed.
     */
    public record RouterSpec(
            @Nullable String type,
            @Nullable MatchSpec match,
            @Nullable NginxRouterSpec nginx,
            @Nullable HaproxyRouterSpec haproxy) {

        public static final String BUILTIN = "builtin";

        /** The router's type: {@code type}, or the one the target {@code targetType} brings. */
        public String typeFor(String targetType) {
            if (type != null && !type.isBlank()) {
                return type;
            }
            return switch (targetType) {
                case "process" -> BUILTIN;
                default -> targetType;
            };
        }
    }

    /**
     * Requests that carry header {@code header} with value {@code value}, or cookie {@code cookie} with value
     * {@code value}, go to the canary slot (testers reach it before any weight is shifted).
     */
    public record MatchSpec(
            @Nullable String header,
            @Nullable String cookie,
            @DefaultValue("always") String value) {}

    /**
     * The {@code nginx} router: relops writes the upstream {@code upstream} (by default {@code
     * relops_<application>_<environment>}, {@code -} as {@code _}) into {@code includeFile}, which the user's nginx
     * configuration includes in its {@code http} block, checks the configuration with {@code testCommand} and applies
     * it with {@code reloadCommand} (no shell; each bounded by {@code timeout}).
     */
    public record NginxRouterSpec(
            String includeFile,
            @Nullable String upstream,
            @DefaultValue({"nginx", "-t"}) List<String> testCommand,
            @DefaultValue({"nginx", "-s", "reload"}) List<String> reloadCommand,
            @DefaultValue("10s") Duration timeout) {}

    /**
     * The {@code haproxy} router: the weights and states of the servers of {@code backend} (by default the
     * application's name), one server per slot ({@code servers}: slot to server name, by default the slot's name),
     * set through HAProxy's Runtime API on {@code socket} (a unix socket path, or {@code host:port}); no reload.
     */
    public record HaproxyRouterSpec(
            String socket,
            @Nullable String backend,
            @Nullable Map<String, String> servers,
            @DefaultValue("5s") Duration timeout) {}

    /**
     * The {@code compose} target: the services {@code <application>-<slot>} ({@code service}, placeholders {@code
     * {application}}, {@code {environment}}, {@code {slot}}) of the user's compose {@code file}, driven with {@code
     * command} ({@code docker compose} or {@code podman compose}): {@code up -d --no-deps <service>} with the version in
     * the environment variable {@code versionVariable} (the compose file's image tag), {@code stop <service>}. Each
     * slot's endpoint ({@code slots}: slot to its URL on this host) must accept connections within {@code readyTimeout}.
     * Its routing is a router's ({@code router.type: nginx} or {@code haproxy}).
     */
    public record ComposeSpec(
            @DefaultValue({"docker", "compose"}) List<String> command,
            String file,
            @Nullable String project,
            @DefaultValue("{application}-{slot}") String service,
            @DefaultValue("VERSION") String versionVariable,
            Map<String, String> slots,
            @Nullable Map<String, String> environment,
            @DefaultValue("120s") Duration readyTimeout,
            @DefaultValue("10s") Duration stopTimeout) {}

    /**
     * The {@code process} target: one OS process per slot, started from a command template.
     * Placeholders: {@code {java}} (this JVM's java), {@code {version}}, {@code {port}}, {@code
     * {slot}}, {@code {application}}, {@code {environment}}. The command runs without a shell. Each environment
     * has its own slots (ports) and stable port: the environments' ports never overlap (the catalog check). The
     * stable port is the {@code builtin} router's: with another router ({@code nginx}, {@code haproxy}) it is not
     * needed, and deploy-service opens none.
     */
    public record ProcessSpec(
            List<String> command,
            @DefaultValue(".") String workingDirectory,
            @Nullable Map<String, String> environment,
            Map<String, Integer> slots,
            @Nullable Integer stablePort,
            @DefaultValue("60s") Duration readyTimeout,
            @DefaultValue("10s") Duration stopTimeout) {}

    /**
     * The {@code kubernetes} target: Deployments {@code <app>-<slot>} running {@code image:<version>}
     * in {@code namespace}, a Service per slot and the stable Service {@code <app>}; {@code <app>} is {@code name},
     * by default the application's name (two environments in one namespace set different names). The slots' pod
     * template is the user's own Deployment's ({@code workloadRef}), or {@code podTemplate} (a PodTemplateSpec as YAML
     * text), or a bare one from {@code image}, {@code port} and {@code env}; only the image tag of the main container
     * ({@code container}, by default the first) and the labels relops owns change. {@code image} (the repository) is
     * needed only when neither gives the main container's image. {@code traffic} says how a canary weight is applied:
     * {@code gateway-api} writes the weights of the HTTPRoute {@code <app>} (attached to {@code gateway});
     * {@code ingress-nginx} writes a canary Ingress beside the user's Ingress {@code <app>}; {@code service}
     * approximates them by the ratio of replicas. docs/deploy-targets.md has the objects created.
     */
    public record KubernetesSpec(
            @DefaultValue("default") String namespace,
            @Nullable String name,
            @Nullable String image,
            @DefaultValue("1") int replicas,
            @DefaultValue("8080") int port,
            @Nullable Map<String, String> env,
            @DefaultValue("service") KubernetesTraffic traffic,
            @Nullable GatewayRef gateway,
            @DefaultValue("5m") Duration readyTimeout,
            @Nullable WorkloadRef workloadRef,
            @Nullable String podTemplate,
            @Nullable String container) {}

    /** How the kubernetes target splits traffic for a canary. */
    public enum KubernetesTraffic {
        /** Blue-green by the stable Service's selector; a canary weight by the ratio of replicas (approximate). */
        SERVICE,
        /** Blue-green by the stable Service's selector; a canary weight by HTTPRoute backendRef weights (exact). */
        GATEWAY_API,
        /** Blue-green by the stable Service's selector; a canary weight by an ingress-nginx canary Ingress (exact). */
        INGRESS_NGINX
    }

    /**
     * The user's own workload (as Argo Rollouts' {@code workloadRef}): the Deployment {@code name} in {@code namespace}
     * (by default the target's), whose pod template the slots run. relops only reads it: the user scales it to 0 once
     * relops' slots serve (docs/deploy-targets.md).
     */
    public record WorkloadRef(
            @DefaultValue("Deployment") String kind,
            String name,
            @Nullable String namespace) {}

    /** The Gateway the application's HTTPRoute attaches to (its {@code parentRefs}). */
    public record GatewayRef(String name, @Nullable String namespace) {}

    /**
     * The {@code webhook} target: deploy, route and stop are POSTed, signed with HMAC-SHA256 of the
     * body under {@code secret}, to {@code url}; a deploy completes when the external system calls
     * back, within {@code deadline}. {@code timeout} bounds each HTTP call.
     */
    public record WebhookSpec(
            String url,
            String secret,
            @DefaultValue("10m") Duration deadline,
            @DefaultValue("10s") Duration timeout,
            @Nullable String callbackBaseUrl) {}
}
