package io.relops.deploy.targets.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpecBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import io.relops.deploy.catalog.DeployCatalog.GatewayRef;
import io.relops.deploy.catalog.DeployCatalog.KubernetesSpec;
import io.relops.deploy.catalog.DeployCatalog.KubernetesTraffic;
import io.relops.deploy.catalog.DeployCatalog.MatchSpec;
import io.relops.deploy.catalog.DeployCatalog.WorkloadRef;
import io.relops.deploy.targets.DeploymentFailedException;
import io.relops.deploy.targets.DeploymentTarget;
import io.relops.deploy.targets.Routed;
import io.relops.deploy.targets.TargetContext;
import io.relops.deploy.targets.TargetUnavailableException;
import io.relops.deploy.targets.Traffic;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
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
 * environment's {@code target.kubernetes.namespace}. The slots' pod template is the user's own Deployment's ({@code
 * workload-ref}), the catalog's {@code pod-template}, or a bare one ({@link SlotTemplates}); a deploy completes when
 * every replica of the new template is ready and available.
 *
 * <ul>
 *   <li>blue-green: the stable Service's selector is switched to the serving slot;
 *   <li>canary with {@code traffic: gateway-api}: the weights of the backendRefs relops owns in the HTTPRoute
 *       {@code <app>} (the two slot Services, {@link GatewayRoutes}), exact, and a header-match rule for {@code
 *       router.match};
 *   <li>canary with {@code traffic: ingress-nginx}: a canary Ingress {@code <app>-canary} beside the user's Ingress
 *       {@code <app>} ({@link NginxCanaryIngresses}), exact, header or cookie by ingress-nginx's annotations;
 *   <li>canary with {@code traffic: service}: the split is approximated by the ratio of the two
 *       Deployments' replicas, the stable Service selecting the pods of both slots by their
 *       {@code app} and {@code managed-by} labels; the route call warns by how much it is off.
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

    static final List<String> SLOTS = List.of("blue", "green");

    private final KubernetesClient client;
    private final Rollouts rollouts;

    /** The client is resolved on first use: applications on other targets never need a cluster. */
    public KubernetesTarget(@Lazy KubernetesClient client) {
        this.client = client;
        this.rollouts = new Rollouts(client);
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
        // a failure condition older than this edit (a previous rollout's) is not this deploy's verdict
        Instant edited = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Deployment applied = applyDeployment(spec, deployment);
        long generation = applied.getMetadata().getGeneration() == null
                ? 0
                : applied.getMetadata().getGeneration();
        applyService(spec, slotService(application, slot, spec), "Service " + name);
        Container main = SlotTemplates.main(
                application, deployment.getSpec().getTemplate(), spec.container(), "the slot's pod template");
        if (main.getReadinessProbe() == null) {
            log.warn(
                    "{}: the container {} of Deployment {}/{} has no readinessProbe: ready then only means started",
                    application,
                    main.getName(),
                    spec.namespace(),
                    name);
        }
        log.info(
                "{}: Deployment {}/{} runs {} ({} replicas), waiting up to {} for its rollout",
                application,
                spec.namespace(),
                name,
                main.getImage(),
                spec.replicas(),
                spec.readyTimeout());
        rollouts.await(application, spec, slot, version, generation, edited);
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
        @Nullable DeploymentSpec from = null;
        PodTemplateSpec base;
        String source;
        WorkloadRef ref = spec.workloadRef();
        if (ref != null) {
            Deployment user = workloadRef(application, spec, ref);
            source = "the Deployment " + namespace(spec, ref) + "/" + ref.name() + " (target.kubernetes.workload-ref)";
            if (user.getSpec() == null || user.getSpec().getTemplate() == null) {
                throw new DeploymentFailedException(application + ": " + source + " has no pod template");
            }
            from = user.getSpec();
            base = from.getTemplate();
        } else if (spec.podTemplate() != null && !spec.podTemplate().isBlank()) {
            source = "target.kubernetes.pod-template";
            base = SlotTemplates.parse(application, spec.podTemplate());
        } else {
            source = "target.kubernetes";
            base = SlotTemplates.bare(application, spec);
        }
        PodTemplateSpec template = SlotTemplates.forSlot(application, base, spec, labels, version, source);
        DeploymentSpecBuilder deploymentSpec = new DeploymentSpecBuilder()
                .withReplicas(spec.replicas())
                .withNewSelector()
                .withMatchLabels(selector)
                .endSelector()
                .withTemplate(template);
        if (from != null) {
            // how the user's Deployment rolls out: readiness (minReadySeconds) and its deadline included
            deploymentSpec
                    .withMinReadySeconds(from.getMinReadySeconds())
                    .withProgressDeadlineSeconds(from.getProgressDeadlineSeconds())
                    .withRevisionHistoryLimit(from.getRevisionHistoryLimit())
                    .withStrategy(from.getStrategy());
        }
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName(slotName(application, slot))
                .withNamespace(spec.namespace())
                .withLabels(labels)
                .withAnnotations(annotations)
                .endMetadata()
                .withSpec(deploymentSpec.build())
                .build();
    }

    /** The user's Deployment that {@code target.kubernetes.workload-ref} names. */
    private Deployment workloadRef(String application, KubernetesSpec spec, WorkloadRef ref) {
        if (!"Deployment".equals(ref.kind())) {
            throw new DeploymentFailedException(application + ": target.kubernetes.workload-ref.kind '" + ref.kind()
                    + "' is not supported (only Deployment)");
        }
        String namespace = namespace(spec, ref);
        Deployment user = call(
                "read Deployment " + namespace + "/" + ref.name(),
                () -> client.apps()
                        .deployments()
                        .inNamespace(namespace)
                        .withName(ref.name())
                        .get());
        if (user == null) {
            throw new DeploymentFailedException(application + ": target.kubernetes.workload-ref names the Deployment "
                    + namespace + "/" + ref.name() + ", which does not exist");
        }
        return user;
    }

    private static String namespace(KubernetesSpec spec, WorkloadRef ref) {
        return ref.namespace() == null || ref.namespace().isBlank() ? spec.namespace() : ref.namespace();
    }

    /**
     * Creates the Deployment, or patches an existing one to the wanted labels, annotations and spec
     * (a patch leaves its status alone; an unchanged spec keeps its generation, so a repeated deploy
     * of the same version finds it rolled out already).
     */
    private Deployment applyDeployment(KubernetesSpec spec, Deployment wanted) {
        String name = wanted.getMetadata().getName();
        return call("apply Deployment " + spec.namespace() + "/" + name, () -> {
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

    @Override
    public Routed route(TargetContext context, Traffic traffic) {
        KubernetesSpec spec = spec(context);
        String application = workload(context);
        MatchSpec match = context.spec().router().match();
        int weight = traffic.canaryWeight();
        String canary = traffic.canarySlot();
        // a canary at weight 0 with router.match: only the matching requests reach it
        boolean split =
                canary != null && !canary.equals(traffic.stableSlot()) && weight < 100 && (weight > 0 || match != null);
        if (!split || (weight == 0 && spec.traffic() == KubernetesTraffic.SERVICE)) {
            return routeAll(application, spec, traffic.servingSlot(), traffic, match, split);
        }
        String stable = traffic.stableSlot();
        checkSlot(application, stable);
        checkSlot(application, canary);
        switch (spec.traffic()) {
            case GATEWAY_API -> {
                applyService(
                        spec,
                        stableService(application, slotSelector(application, stable), spec),
                        "Service " + application);
                applyRoute(application, spec, slotWeights(stable, 100 - weight, canary, weight), canary, match);
                log.info(
                        "{}: HTTPRoute {}/{} sends {}% to slot {}, the rest to slot {}{}",
                        application,
                        spec.namespace(),
                        application,
                        weight,
                        canary,
                        stable,
                        match == null ? "" : ", and the requests matching router.match to slot " + canary);
                return Routed.exactly(type(), traffic);
            }
            case INGRESS_NGINX -> {
                applyService(
                        spec,
                        stableService(application, slotSelector(application, stable), spec),
                        "Service " + application);
                applyIngresses(application, spec, stable, canary, weight, match);
                log.info(
                        "{}: Ingress {}/{} sends {}% to slot {}, the rest to slot {}{}",
                        application,
                        spec.namespace(),
                        NginxCanaryIngresses.canaryName(application),
                        weight,
                        canary,
                        stable,
                        match == null ? "" : ", and the requests matching router.match to slot " + canary);
                return Routed.exactly(type(), traffic);
            }
            default -> {
                return routeByReplicas(application, spec, stable, canary, weight);
            }
        }
    }

    /** Every request to {@code serving}: the stable Service selects it, the route and Ingress send to it alone. */
    private Routed routeAll(
            String application,
            KubernetesSpec spec,
            String serving,
            Traffic traffic,
            @Nullable MatchSpec match,
            boolean matchAsked) {
        checkSlot(application, serving);
        if (spec.traffic() == KubernetesTraffic.SERVICE) {
            // undo a replica ratio: the serving slot runs at full size again, ready before the selector pins it
            resize(application, spec, serving, spec.replicas(), false);
        }
        applyService(
                spec, stableService(application, slotSelector(application, serving), spec), "Service " + application);
        if (spec.traffic() == KubernetesTraffic.GATEWAY_API) {
            // the match tells relops' match rule apart where the cluster's Gateway API drops rule names
            applyRoute(application, spec, Map.of(serving, 100), null, match);
        } else if (spec.traffic() == KubernetesTraffic.INGRESS_NGINX) {
            applyIngresses(application, spec, serving, null, 0, null);
        }
        log.info("{}: all traffic to slot {}", application, serving);
        if (matchAsked) {
            return new Routed(
                    type(),
                    Routed.weightsOf(traffic),
                    "router.match is not applied: traffic: service cannot route by header or cookie"
                            + " (traffic: gateway-api or ingress-nginx can)");
        }
        return Routed.exactly(type(), traffic);
    }

    /** {@code traffic: service}: the weight approximated by the ratio of the slots' replicas, with a warning. */
    private Routed routeByReplicas(String application, KubernetesSpec spec, String stable, String canary, int weight) {
        int[] replicas = replicaSplit(spec.replicas(), weight);
        // grow first and wait for the grown slot's pods to be ready, then shrink, so that the application never has
        // fewer ready pods than it needs
        if (replicasOf(application, spec, canary) < replicas[1]) {
            resize(application, spec, canary, replicas[1], true);
            resize(application, spec, stable, replicas[0], true);
        } else {
            resize(application, spec, stable, replicas[0], true);
            resize(application, spec, canary, replicas[1], true);
        }
        applyService(
                spec,
                stableService(application, Map.of(APP_LABEL, application, MANAGED_BY_LABEL, "relops"), spec),
                "Service " + application);
        int total = replicas[0] + replicas[1];
        int confirmed = Math.round(100f * replicas[1] / total);
        String note = null;
        if (confirmed != weight) {
            note = "approximate: " + weight + "% asked, " + replicas[1] + " of " + total + " pods is " + confirmed
                    + "% (" + Math.abs(confirmed - weight) + " points off; traffic: service splits by replicas)";
            log.warn(
                    "{}: traffic: service cannot send exactly {}% to slot {}: {} of {} pods get about {}%, {} points"
                            + " off (traffic: gateway-api or ingress-nginx give exact weights)",
                    application, weight, canary, replicas[1], total, confirmed, Math.abs(confirmed - weight));
        }
        log.info(
                "{}: {}% to slot {} approximated by replicas {} (canary) / {} (stable)",
                application, weight, canary, replicas[1], replicas[0]);
        return new Routed(type(), slotWeights(stable, 100 - confirmed, canary, confirmed), note);
    }

    private static Map<String, Integer> slotWeights(String stable, int stableWeight, String canary, int canaryWeight) {
        Map<String, Integer> weights = new LinkedHashMap<>();
        weights.put(stable, stableWeight);
        weights.put(canary, canaryWeight);
        return weights;
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

    /**
     * Sets the slot's replicas; when they grow, waits (bounded by {@code ready-timeout}) until the new pods are ready,
     * as a deploy does.
     */
    private void resize(String application, KubernetesSpec spec, String slot, int replicas, boolean required) {
        int before = replicasOf(application, spec, slot);
        Instant edited = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        if (!scale(application, spec, slot, replicas, required) || replicas <= before) {
            return;
        }
        String name = slotName(application, slot);
        Deployment scaled = call(
                "read Deployment " + spec.namespace() + "/" + name,
                () -> client.apps()
                        .deployments()
                        .inNamespace(spec.namespace())
                        .withName(name)
                        .get());
        long generation = scaled == null || scaled.getMetadata().getGeneration() == null
                ? 0
                : scaled.getMetadata().getGeneration();
        log.info(
                "{}: Deployment {}/{} scaled from {} to {} replicas, waiting up to {} for them to be ready",
                application,
                spec.namespace(),
                name,
                before,
                replicas,
                spec.readyTimeout());
        rollouts.await(application, spec, slot, "scaled to " + replicas + " replicas", replicas, generation, edited);
    }

    /** The slot's wanted replicas; 0 when its Deployment does not exist. */
    private int replicasOf(String application, KubernetesSpec spec, String slot) {
        String name = slotName(application, slot);
        Deployment current = call(
                "read Deployment " + spec.namespace() + "/" + name,
                () -> client.apps()
                        .deployments()
                        .inNamespace(spec.namespace())
                        .withName(name)
                        .get());
        return current == null || current.getSpec() == null || current.getSpec().getReplicas() == null
                ? 0
                : current.getSpec().getReplicas();
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
            if (current.getMetadata().getLabels() == null
                    || !"relops".equals(current.getMetadata().getLabels().get(MANAGED_BY_LABEL))) {
                // the user's own Service: only its selector is relops'; its ports and labels stay the user's
                return client.services()
                        .inNamespace(spec.namespace())
                        .withName(service.getMetadata().getName())
                        .edit(s -> new ServiceBuilder(s)
                                .editSpec()
                                .withSelector(service.getSpec().getSelector())
                                .endSpec()
                                .build());
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

    /**
     * The HTTPRoute {@code <app>}: the user's, edited in its backendRefs to the Services relops owns only (see {@link
     * GatewayRoutes}), or, when there is none, a route relops creates with one catch-all rule attached to {@code
     * gateway}.
     */
    private void applyRoute(
            String application,
            KubernetesSpec spec,
            Map<String, Integer> weights,
            @Nullable String canarySlot,
            @Nullable MatchSpec match) {
        String where = spec.namespace() + "/" + application;
        Resource<HTTPRoute> resource =
                client.resources(HTTPRoute.class).inNamespace(spec.namespace()).withName(application);
        HTTPRoute current = call("read HTTPRoute " + where, resource::get);
        if (current != null) {
            // validate before the edit, so that a refusal is a verdict naming the route
            GatewayRoutes.edited(current.getSpec(), application, spec.port(), weights, canarySlot, match, where);
            call(
                    "edit HTTPRoute " + where,
                    () -> resource.edit(route -> new HTTPRouteBuilder(route)
                            .withSpec(GatewayRoutes.edited(
                                    route.getSpec(), application, spec.port(), weights, canarySlot, match, where))
                            .build()));
            return;
        }
        GatewayRef gateway = spec.gateway();
        if (gateway == null) {
            throw new DeploymentFailedException(application + " uses traffic: gateway-api, but no HTTPRoute " + where
                    + " exists and target.kubernetes.gateway.name is not set for the one relops would create");
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
                .withRules(GatewayRoutes.created(application, spec.port(), weights, canarySlot, match))
                .endSpec()
                .build();
        call(
                "create HTTPRoute " + where,
                () -> client.resources(HTTPRoute.class)
                        .inNamespace(spec.namespace())
                        .resource(route)
                        .create());
    }

    /**
     * {@code traffic: ingress-nginx}: the user's Ingress {@code <app>} sends to the stable slot's Service; with a
     * {@code canary} slot, the canary Ingress {@code <app>-canary} sends {@code weight} percent (and the requests
     * matching {@code match}) to the canary's; without one, the canary Ingress is deleted.
     */
    private void applyIngresses(
            String application,
            KubernetesSpec spec,
            String stable,
            @Nullable String canary,
            int weight,
            @Nullable MatchSpec match) {
        String where = spec.namespace() + "/" + application;
        Resource<Ingress> user =
                client.network().v1().ingresses().inNamespace(spec.namespace()).withName(application);
        Ingress current = call("read Ingress " + where, user::get);
        if (current == null || current.getSpec() == null) {
            throw new DeploymentFailedException(application + " uses traffic: ingress-nginx, but the Ingress " + where
                    + " (its host and paths, the class of the ingress-nginx controller) does not exist");
        }
        String stableService = slotName(application, stable);
        NginxCanaryIngresses.pointedAt(current.getSpec(), application, stableService, spec.port(), where);
        call(
                "edit Ingress " + where,
                () -> user.edit(ingress -> new IngressBuilder(ingress)
                        .withSpec(NginxCanaryIngresses.pointedAt(
                                ingress.getSpec(), application, stableService, spec.port(), where))
                        .build()));
        String canaryName = NginxCanaryIngresses.canaryName(application);
        Resource<Ingress> canaryIngress =
                client.network().v1().ingresses().inNamespace(spec.namespace()).withName(canaryName);
        if (canary == null) {
            call("delete Ingress " + spec.namespace() + "/" + canaryName, canaryIngress::delete);
            return;
        }
        Ingress wanted = NginxCanaryIngresses.canary(
                current, application, spec.namespace(), slotName(application, canary), spec.port(), weight, match);
        call(
                "apply Ingress " + spec.namespace() + "/" + canaryName,
                () -> client.network()
                        .v1()
                        .ingresses()
                        .inNamespace(spec.namespace())
                        .resource(wanted)
                        .createOr(NonDeletingOperation::update));
    }

    private static String endpoint(String application, String slot, KubernetesSpec spec) {
        return "http://" + slotName(application, slot) + "." + spec.namespace() + ".svc.cluster.local:" + spec.port();
    }

    static Map<String, String> slotSelector(String application, String slot) {
        Map<String, String> selector = new LinkedHashMap<>();
        selector.put(APP_LABEL, application);
        selector.put(SLOT_LABEL, slot);
        return selector;
    }

    static String slotName(String application, String slot) {
        return application + "-" + slot;
    }

    /** The Services relops owns, whose backendRefs (HTTPRoute) and backends (Ingress) it may rewrite. */
    static Set<String> ownedServices(String application) {
        Set<String> owned = new LinkedHashSet<>();
        owned.add(application);
        SLOTS.forEach(slot -> owned.add(slotName(application, slot)));
        return owned;
    }

    private static void checkSlot(String application, String slot) {
        if (!SLOTS.contains(slot)) {
            throw new DeploymentFailedException(
                    application + " has no slot '" + slot + "' on the kubernetes target (slots: " + SLOTS + ")");
        }
    }

    static <T> T call(String what, Supplier<T> call) {
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
