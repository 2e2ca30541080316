package io.relops.deploy.targets.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRefBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import io.relops.deploy.catalog.DeployCatalog.GatewayRef;
import io.relops.deploy.catalog.DeployCatalog.KubernetesSpec;
import io.relops.deploy.catalog.DeployCatalog.KubernetesTraffic;
import io.relops.deploy.targets.DeploymentFailedException;
import io.relops.deploy.targets.DeploymentTarget;
import io.relops.deploy.targets.Routed;
import io.relops.deploy.targets.TargetContext;
import io.relops.deploy.targets.TargetUnavailableException;
import io.relops.deploy.targets.Traffic;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * The {@code kubernetes} deployment target, with the fabric8 client. Each slot is a Deployment
 * {@code <app>-<slot>} (labels {@code app=<app>, slot=<slot>}) with a Service {@code <app>-<slot>}
 * in front of it; the stable Service {@code <app>} carries users' traffic. {@code <app>} is the catalog's {@code
 * target.kubernetes.name} of the release's environment, by default the application's name; the namespace is the
 * environment's {@code target.kubernetes.namespace}:
 *
 * <ul>
 *   <li>blue-green: the stable Service's selector is switched to the serving slot;
 *   <li>canary with {@code traffic: gateway-api}: the weights of the HTTPRoute {@code <app>}'s
 *       backendRefs (the two slot Services) are set to the split;
 *   <li>canary with {@code traffic: service}: the split is approximated by the ratio of the two
 *       Deployments' replicas, the stable Service selecting the pods of both slots by their
 *       {@code app} label only.
 * </ul>
 *
 * <p>Every call is idempotent (objects are created or replaced to the wanted state). Transient API
 * failures (5xx, 429, 409 conflicts, no connection) surface as {@link TargetUnavailableException}
 * so that {@code GuardedTargets} retries them; a refusal (4xx, e.g. an invalid image) is a {@link
 * DeploymentFailedException}.
 */
@Component
public class KubernetesTarget implements DeploymentTarget {

    static final String APP_LABEL = "app";
    static final String SLOT_LABEL = "slot";
    static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    static final String VERSION_ANNOTATION = "relops.io/version";
    static final String RELEASE_ANNOTATION = "relops.io/release-id";

    private static final Logger log = LoggerFactory.getLogger(KubernetesTarget.class);
    /** An image tag: what Docker accepts, so a version can never smuggle in another image reference. */
    private static final Pattern SAFE_TAG = Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$");

    private static final List<String> SLOTS = List.of("blue", "green");

    private final KubernetesClient client;

    /** The client is resolved on first use: applications on other targets never need a cluster. */
    public KubernetesTarget(@Lazy KubernetesClient client) {
        this.client = client;
    }

    @Override
    public String type() {
        return "kubernetes";
    }

    @Override
    public List<String> slots(TargetContext context) {
        return SLOTS;
    }

    @Override
    public String deploy(TargetContext context, String slot, String version) {
        KubernetesSpec spec = spec(context);
        String application = workload(context);
        checkSlot(application, slot);
        if (!SAFE_TAG.matcher(version).matches()) {
            throw new DeploymentFailedException("refusing version '" + version + "': not a valid image tag");
        }
        if (spec.replicas() < 1) {
            throw new DeploymentFailedException(
                    application + ": target.kubernetes.replicas must be at least 1, was " + spec.replicas());
        }
        String name = slotName(application, slot);
        Deployment deployment = deployment(context, spec, slot, version);
        applyDeployment(spec, deployment);
        applyService(spec, slotService(application, slot, spec), "Service " + name);
        log.info(
                "{}: Deployment {}/{} runs {}:{} ({} replicas), waiting up to {} for its rollout",
                application,
                spec.namespace(),
                name,
                spec.image(),
                version,
                spec.replicas(),
                spec.readyTimeout());
        awaitRollout(application, spec, slot, version);
        return endpoint(application, slot, spec);
    }

    private Deployment deployment(TargetContext context, KubernetesSpec spec, String slot, String version) {
        String application = workload(context);
        Map<String, String> selector = slotSelector(application, slot);
        Map<String, String> labels = new LinkedHashMap<>(selector);
        labels.put(MANAGED_BY_LABEL, "relops");
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(VERSION_ANNOTATION, version);
        if (context.releaseId() != null) {
            annotations.put(RELEASE_ANNOTATION, context.releaseId().toString());
        }
        List<EnvVar> env = new ArrayList<>();
        if (spec.env() != null) {
            new TreeMap<>(spec.env()).forEach((key, value) -> env.add(new EnvVar(key, value, null)));
        }
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName(slotName(application, slot))
                .withNamespace(spec.namespace())
                .withLabels(labels)
                .withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                .withReplicas(spec.replicas())
                .withNewSelector()
                .withMatchLabels(selector)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(labels)
                .withAnnotations(Map.of(VERSION_ANNOTATION, version))
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName(application)
                .withImage(spec.image() + ":" + version)
                .addNewPort()
                .withName("http")
                .withContainerPort(spec.port())
                .endPort()
                .withEnv(env)
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /**
     * Creates the Deployment, or patches an existing one to the wanted labels, annotations and spec
     * (a patch leaves its status alone; an unchanged spec keeps its generation, so a repeated deploy
     * of the same version finds it rolled out already).
     */
    private void applyDeployment(KubernetesSpec spec, Deployment wanted) {
        String name = wanted.getMetadata().getName();
        call("apply Deployment " + spec.namespace() + "/" + name, () -> {
            RollableScalableResource<Deployment> resource =
                    client.apps().deployments().inNamespace(spec.namespace()).withName(name);
            if (resource.get() == null) {
                return client.apps()
                        .deployments()
                        .inNamespace(spec.namespace())
                        .resource(wanted)
                        .create();
            }
            return resource.edit(current -> new DeploymentBuilder(current)
                    .editMetadata()
                    .addToLabels(wanted.getMetadata().getLabels())
                    .addToAnnotations(wanted.getMetadata().getAnnotations())
                    .endMetadata()
                    .withSpec(wanted.getSpec())
                    .build());
        });
    }

    private void awaitRollout(String application, KubernetesSpec spec, String slot, String version) {
        String name = slotName(application, slot);
        RollableScalableResource<Deployment> resource =
                client.apps().deployments().inNamespace(spec.namespace()).withName(name);
        Deployment seen;
        try {
            seen = resource.waitUntilCondition(
                    d -> rolledOut(d, spec.replicas()) || progressDeadlineExceeded(d),
                    spec.readyTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (KubernetesClientTimeoutException e) {
            throw new DeploymentFailedException(application + " " + version + " on slot " + slot + " (Deployment "
                    + spec.namespace() + "/" + name + ") was not ready within the deadline of "
                    + spec.readyTimeout() + ": " + describe(resource.get(), spec) + "; "
                    + pods(application, slot, spec));
        } catch (KubernetesClientException e) {
            throw translate("watch the rollout of Deployment " + spec.namespace() + "/" + name, e);
        }
        if (!rolledOut(seen, spec.replicas())) {
            throw new DeploymentFailedException(application + " " + version + " on slot " + slot + " (Deployment "
                    + spec.namespace() + "/" + name + ") failed its rollout: " + describe(seen, spec) + "; "
                    + pods(application, slot, spec));
        }
        log.info("{}: Deployment {}/{} is ready ({} replicas)", application, spec.namespace(), name, spec.replicas());
    }

    /**
     * Rolled out as {@code kubectl rollout status} means it: the controller has seen the current
     * spec and every replica runs the new template and is ready, with no old one left.
     */
    static boolean rolledOut(@Nullable Deployment deployment, int replicas) {
        if (deployment == null || deployment.getStatus() == null) {
            return false;
        }
        DeploymentStatus status = deployment.getStatus();
        Long generation = deployment.getMetadata().getGeneration();
        if (generation != null
                && (status.getObservedGeneration() == null || status.getObservedGeneration() < generation)) {
            return false;
        }
        return count(status.getUpdatedReplicas()) >= replicas
                && count(status.getReadyReplicas()) >= replicas
                && count(status.getReplicas()) == count(status.getUpdatedReplicas());
    }

    private static boolean progressDeadlineExceeded(@Nullable Deployment deployment) {
        if (deployment == null
                || deployment.getStatus() == null
                || deployment.getStatus().getConditions() == null) {
            return false;
        }
        for (DeploymentCondition condition : deployment.getStatus().getConditions()) {
            if ("Progressing".equals(condition.getType())
                    && "False".equals(condition.getStatus())
                    && "ProgressDeadlineExceeded".equals(condition.getReason())) {
                return true;
            }
        }
        return false;
    }

    private static String describe(@Nullable Deployment deployment, KubernetesSpec spec) {
        if (deployment == null) {
            return "the Deployment no longer exists";
        }
        DeploymentStatus status = deployment.getStatus();
        if (status == null) {
            return "0/" + spec.replicas() + " replicas ready (no status reported by the Deployment controller)";
        }
        StringBuilder text = new StringBuilder()
                .append(count(status.getReadyReplicas()))
                .append('/')
                .append(spec.replicas())
                .append(" replicas ready, ")
                .append(count(status.getUpdatedReplicas()))
                .append(" updated");
        if (status.getConditions() != null) {
            for (DeploymentCondition condition : status.getConditions()) {
                if ("False".equals(condition.getStatus()) && condition.getMessage() != null) {
                    text.append(", ").append(condition.getType()).append(": ").append(condition.getMessage());
                }
            }
        }
        return text.toString();
    }

    /** The state of the slot's pods, for a person reading why a rollout failed. */
    private String pods(String application, String slot, KubernetesSpec spec) {
        List<Pod> pods;
        try {
            pods = client.pods()
                    .inNamespace(spec.namespace())
                    .withLabels(slotSelector(application, slot))
                    .list()
                    .getItems();
        } catch (KubernetesClientException e) {
            return "pods unknown (" + e.getMessage() + ")";
        }
        if (pods.isEmpty()) {
            return "no pods exist for it";
        }
        return "pods: " + pods.stream().map(KubernetesTarget::podState).collect(Collectors.joining(", "));
    }

    private static String podState(Pod pod) {
        String name = pod.getMetadata().getName();
        if (pod.getStatus() == null) {
            return name + " (no status)";
        }
        StringBuilder text =
                new StringBuilder(name).append(' ').append(pod.getStatus().getPhase());
        List<ContainerStatus> containers = pod.getStatus().getContainerStatuses();
        if (containers != null) {
            for (ContainerStatus container : containers) {
                ContainerStateWaiting waiting = container.getState() == null
                        ? null
                        : container.getState().getWaiting();
                if (waiting != null) {
                    text.append(" (")
                            .append(waiting.getReason())
                            .append(waiting.getMessage() == null ? "" : ": " + waiting.getMessage())
                            .append(')');
                } else if (!Boolean.TRUE.equals(container.getReady())) {
                    text.append(" (container ").append(container.getName()).append(" not ready)");
                }
            }
        }
        return text.toString();
    }

    @Override
    public Routed route(TargetContext context, Traffic traffic) {
        KubernetesSpec spec = spec(context);
        String application = workload(context);
        int weight = traffic.canaryWeight();
        boolean split = weight > 0 && weight < 100;
        if (!split) {
            String serving = traffic.servingSlot();
            checkSlot(application, serving);
            if (spec.traffic() == KubernetesTraffic.SERVICE) {
                // undo a replica ratio: the serving slot runs at full size again
                scale(application, spec, serving, spec.replicas(), false);
            }
            applyService(
                    spec,
                    stableService(application, slotSelector(application, serving), spec),
                    "Service " + application);
            if (spec.traffic() == KubernetesTraffic.GATEWAY_API) {
                applyRoute(application, spec, Map.of(serving, 100));
            }
            log.info("{}: all traffic to slot {}", application, serving);
            return Routed.exactly(type(), traffic);
        }
        String stable = traffic.stableSlot();
        String canary = Objects.requireNonNull(traffic.canarySlot());
        checkSlot(application, stable);
        checkSlot(application, canary);
        if (spec.traffic() == KubernetesTraffic.GATEWAY_API) {
            applyService(
                    spec,
                    stableService(application, slotSelector(application, stable), spec),
                    "Service " + application);
            Map<String, Integer> weights = new LinkedHashMap<>();
            weights.put(stable, 100 - weight);
            weights.put(canary, weight);
            applyRoute(application, spec, weights);
            log.info("{}: HTTPRoute sends {}% to slot {}, the rest to slot {}", application, weight, canary, stable);
            return Routed.exactly(type(), traffic);
        } else {
            int[] replicas = replicaSplit(spec.replicas(), weight);
            // grow first, then shrink, so the application never has fewer pods than it needs
            scale(application, spec, canary, replicas[1], true);
            scale(application, spec, stable, replicas[0], true);
            applyService(
                    spec, stableService(application, Map.of(APP_LABEL, application), spec), "Service " + application);
            int total = replicas[0] + replicas[1];
            int confirmed = Math.round(100f * replicas[1] / total);
            String note = confirmed == weight
                    ? null
                    : "approximate: " + weight + "% asked, " + replicas[1] + " of " + total + " pods is " + confirmed
                            + "% (traffic: service splits by replicas)";
            log.info(
                    "{}: {}% to slot {} approximated by replicas {} (canary) / {} (stable)",
                    application, weight, canary, replicas[1], replicas[0]);
            Map<String, Integer> weights = new LinkedHashMap<>();
            weights.put(stable, 100 - confirmed);
            weights.put(canary, confirmed);
            return new Routed(type(), weights, note);
        }
    }

    /**
     * The replicas of the stable and canary slots whose ratio comes closest to {@code weight} percent
     * for the canary, each slot keeping at least one pod while it receives traffic.
     */
    static int[] replicaSplit(int replicas, int weight) {
        int total = Math.max(replicas, 2);
        int canary = (int) Math.round(total * weight / 100.0);
        canary = Math.max(1, Math.min(total - 1, canary));
        return new int[] {total - canary, canary};
    }

    @Override
    public void stop(TargetContext context, String slot) {
        KubernetesSpec spec = spec(context);
        String application = workload(context);
        checkSlot(application, slot);
        if (scale(application, spec, slot, 0, false)) {
            log.info("{}: Deployment {} scaled to 0", application, slotName(application, slot));
        }
    }

    /** Sets the slot's replicas; false when its Deployment does not exist (nothing to scale). */
    private boolean scale(String application, KubernetesSpec spec, String slot, int replicas, boolean required) {
        String name = slotName(application, slot);
        RollableScalableResource<Deployment> resource =
                client.apps().deployments().inNamespace(spec.namespace()).withName(name);
        Deployment current = call("read Deployment " + spec.namespace() + "/" + name, resource::get);
        if (current == null) {
            if (required) {
                throw new DeploymentFailedException(application + ": cannot send traffic to slot " + slot
                        + ", its Deployment " + spec.namespace() + "/" + name + " does not exist");
            }
            return false;
        }
        if (current.getSpec() != null && Objects.equals(current.getSpec().getReplicas(), replicas)) {
            return true;
        }
        call(
                "scale Deployment " + spec.namespace() + "/" + name + " to " + replicas,
                () -> resource.edit(d -> new DeploymentBuilder(d)
                        .editSpec()
                        .withReplicas(replicas)
                        .endSpec()
                        .build()));
        return true;
    }

    private void applyService(KubernetesSpec spec, Service service, String what) {
        call("apply " + what + " in " + spec.namespace(), () -> {
            Service current = client.services()
                    .inNamespace(spec.namespace())
                    .withName(service.getMetadata().getName())
                    .get();
            if (current == null) {
                return client.services()
                        .inNamespace(spec.namespace())
                        .resource(service)
                        .create();
            }
            // edit (a patch) keeps what the API server assigned, e.g. the cluster IP
            return client.services()
                    .inNamespace(spec.namespace())
                    .withName(service.getMetadata().getName())
                    .edit(s -> new ServiceBuilder(s)
                            .editMetadata()
                            .addToLabels(service.getMetadata().getLabels())
                            .endMetadata()
                            .editSpec()
                            .withSelector(service.getSpec().getSelector())
                            .withPorts(service.getSpec().getPorts())
                            .endSpec()
                            .build());
        });
    }

    private static Service slotService(String application, String slot, KubernetesSpec spec) {
        return service(slotName(application, slot), application, slotSelector(application, slot), spec);
    }

    private static Service stableService(String application, Map<String, String> selector, KubernetesSpec spec) {
        return service(application, application, selector, spec);
    }

    private static Service service(String name, String application, Map<String, String> selector, KubernetesSpec spec) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(spec.namespace())
                .withLabels(Map.of(APP_LABEL, application, MANAGED_BY_LABEL, "relops"))
                .endMetadata()
                .withNewSpec()
                .withSelector(selector)
                .addNewPort()
                .withName("http")
                .withPort(spec.port())
                .withTargetPort(new IntOrString(spec.port()))
                .endPort()
                .endSpec()
                .build();
    }

    /** The HTTPRoute {@code <app>}: one rule whose backendRefs are the slot Services, weighted. */
    private void applyRoute(String application, KubernetesSpec spec, Map<String, Integer> weights) {
        GatewayRef gateway = spec.gateway();
        if (gateway == null) {
            throw new DeploymentFailedException(application
                    + " uses traffic: gateway-api but has no target.kubernetes.gateway.name for its HTTPRoute");
        }
        List<HTTPBackendRef> backends = new ArrayList<>();
        for (String slot : SLOTS) {
            Integer weight = weights.get(slot);
            if (weight != null) {
                backends.add(new HTTPBackendRefBuilder()
                        .withName(slotName(application, slot))
                        .withPort(spec.port())
                        .withWeight(weight)
                        .build());
            }
        }
        HTTPRoute route = new HTTPRouteBuilder()
                .withNewMetadata()
                .withName(application)
                .withNamespace(spec.namespace())
                .withLabels(Map.of(APP_LABEL, application, MANAGED_BY_LABEL, "relops"))
                .endMetadata()
                .withNewSpec()
                .addNewParentRef()
                .withName(gateway.name())
                .withNamespace(gateway.namespace())
                .endParentRef()
                .addNewRule()
                .withBackendRefs(backends)
                .endRule()
                .endSpec()
                .build();
        call(
                "apply HTTPRoute " + spec.namespace() + "/" + application,
                () -> client.resources(HTTPRoute.class)
                        .inNamespace(spec.namespace())
                        .resource(route)
                        .createOr(NonDeletingOperation::update));
    }

    private static String endpoint(String application, String slot, KubernetesSpec spec) {
        return "http://" + slotName(application, slot) + "." + spec.namespace() + ".svc.cluster.local:" + spec.port();
    }

    private static Map<String, String> slotSelector(String application, String slot) {
        Map<String, String> selector = new LinkedHashMap<>();
        selector.put(APP_LABEL, application);
        selector.put(SLOT_LABEL, slot);
        return selector;
    }

    static String slotName(String application, String slot) {
        return application + "-" + slot;
    }

    private static void checkSlot(String application, String slot) {
        if (!SLOTS.contains(slot)) {
            throw new DeploymentFailedException(
                    application + " has no slot '" + slot + "' on the kubernetes target (slots: " + SLOTS + ")");
        }
    }

    private static int count(@Nullable Integer value) {
        return value == null ? 0 : value;
    }

    private static <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (KubernetesClientException e) {
            throw translate(what, e);
        }
    }

    /**
     * Transient (worth a retry): no HTTP answer (an I/O failure), 5xx, 429 Too Many Requests, 409 Conflict (a
     * concurrent update). Anything else the API server refused for a reason a retry cannot change.
     */
    static RuntimeException translate(String what, KubernetesClientException e) {
        int code = e.getCode();
        boolean transientFailure = code <= 0 ? hasIoCause(e) : code >= 500 || code == 429 || code == 409;
        String reason = e.getStatus() != null && e.getStatus().getMessage() != null
                ? e.getStatus().getMessage()
                : e.getMessage();
        if (transientFailure) {
            return new TargetUnavailableException(
                    "Kubernetes API unavailable, cannot " + what + (code > 0 ? " (HTTP " + code + ")" : "") + ": "
                            + reason,
                    e);
        }
        return new DeploymentFailedException("Kubernetes refused to " + what + " (HTTP " + code + "): " + reason, e);
    }

    private static boolean hasIoCause(Throwable e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static KubernetesSpec spec(TargetContext context) {
        if (context.spec().target() == null || context.spec().target().kubernetes() == null) {
            throw new DeploymentFailedException("application " + context.application() + " has no target.kubernetes in "
                    + context.environment() + " in the catalog");
        }
        return context.spec().target().kubernetes();
    }

    /**
     * What the objects of the context's application and environment are named after (and their {@code app} label):
     * {@code target.kubernetes.name}, by default the application's name. Two environments in one namespace set
     * different names (the catalog check refuses them otherwise).
     */
    static String workload(TargetContext context) {
        String name = spec(context).name();
        return name == null || name.isBlank() ? context.application() : name;
    }
}
