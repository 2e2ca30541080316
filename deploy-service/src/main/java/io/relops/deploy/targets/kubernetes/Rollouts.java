package io.relops.deploy.targets.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import io.relops.deploy.catalog.DeployCatalog.KubernetesSpec;
import io.relops.deploy.targets.DeploymentFailedException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waiting for a slot's rollout: readiness decides when {@code deploy} completes. A watch on the Deployment (not a
 * poll loop) until its status says every replica of the new template is ready and available, or it failed.
 */
final class Rollouts {

    private static final Logger log = LoggerFactory.getLogger(Rollouts.class);

    private final KubernetesClient client;

    Rollouts(KubernetesClient client) {
        this.client = client;
    }

    /**
     * Returns once the slot's Deployment is rolled out ({@link #rolledOut}); a {@link DeploymentFailedException} naming
     * the Deployment, its replicas and its pods' state when it reports {@code ProgressDeadlineExceeded} or {@code
     * ready-timeout} passes first. The condition counts only once the controller observed {@code generation} (the
     * Deployment as this deploy edited it) and was not last updated before {@code edited}: a failed rollout leaves it
     * behind (scaling to 0 does not reset it), and it must not fail the next deploy to the slot before the
     * controller saw the new spec.
     */
    void await(String application, KubernetesSpec spec, String slot, String version, long generation, Instant edited) {
        await(application, spec, slot, version, spec.replicas(), generation, edited);
    }

    /**
     * As {@link #await(String, KubernetesSpec, String, String, long, Instant)} for {@code replicas} replicas; {@code
     * version} names, in a failure, the version deployed or what the slot was scaled for.
     */
    void await(
            String application,
            KubernetesSpec spec,
            String slot,
            String version,
            int replicas,
            long generation,
            Instant edited) {
        String name = KubernetesTarget.slotName(application, slot);
        RollableScalableResource<Deployment> resource =
                client.apps().deployments().inNamespace(spec.namespace()).withName(name);
        Deployment seen;
        try {
            seen = resource.waitUntilCondition(
                    d -> rolledOut(d, replicas) || progressDeadlineExceeded(d, generation, edited),
                    spec.readyTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (KubernetesClientTimeoutException e) {
            throw new DeploymentFailedException(application + " " + version + " on slot " + slot + " (Deployment "
                    + spec.namespace() + "/" + name + ") was not ready within the deadline of "
                    + spec.readyTimeout() + ": " + describe(resource.get(), replicas) + "; "
                    + pods(application, slot, spec));
        } catch (KubernetesClientException e) {
            throw KubernetesTarget.translate("watch the rollout of Deployment " + spec.namespace() + "/" + name, e);
        }
        if (!rolledOut(seen, replicas)) {
            throw new DeploymentFailedException(application + " " + version + " on slot " + slot + " (Deployment "
                    + spec.namespace() + "/" + name + ") failed its rollout: " + describe(seen, replicas) + "; "
                    + pods(application, slot, spec));
        }
        log.info("{}: Deployment {}/{} is ready ({} replicas)", application, spec.namespace(), name, replicas);
    }

    /**
     * Rolled out as {@code kubectl rollout status} means it: the controller has seen the current
     * spec and every replica runs the new template, is ready (its readiness probe passes) and available (ready for
     * the Deployment's {@code minReadySeconds}), with no old one left.
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
                && count(status.getAvailableReplicas()) >= replicas
                && count(status.getReplicas()) == count(status.getUpdatedReplicas());
    }

    /**
     * {@code Progressing=False/ProgressDeadlineExceeded} reported for this deploy's edit: the controller observed at
     * least {@code generation}, and the condition's {@code lastUpdateTime} (when set) is not before {@code edited}.
     */
    static boolean progressDeadlineExceeded(@Nullable Deployment deployment, long generation, Instant edited) {
        if (deployment == null
                || deployment.getStatus() == null
                || deployment.getStatus().getConditions() == null) {
            return false;
        }
        Long observed = deployment.getStatus().getObservedGeneration();
        if (observed == null || observed < generation) {
            return false;
        }
        for (DeploymentCondition condition : deployment.getStatus().getConditions()) {
            if ("Progressing".equals(condition.getType())
                    && "False".equals(condition.getStatus())
                    && "ProgressDeadlineExceeded".equals(condition.getReason())
                    && !updatedBefore(condition, edited)) {
                return true;
            }
        }
        return false;
    }

    private static boolean updatedBefore(DeploymentCondition condition, Instant edited) {
        String time = condition.getLastUpdateTime();
        if (time == null || time.isBlank()) {
            return false;
        }
        try {
            return OffsetDateTime.parse(time).toInstant().isBefore(edited);
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static String describe(@Nullable Deployment deployment, int replicas) {
        if (deployment == null) {
            return "the Deployment no longer exists";
        }
        DeploymentStatus status = deployment.getStatus();
        if (status == null) {
            return "0/" + replicas + " replicas ready (no status reported by the Deployment controller)";
        }
        StringBuilder text = new StringBuilder()
                .append(count(status.getReadyReplicas()))
                .append('/')
                .append(replicas)
                .append(" replicas ready, ")
                .append(count(status.getAvailableReplicas()))
                .append(" available, ")
                .append(count(status.getUpdatedReplicas()))
                .append(" updated");
        if (count(status.getUnavailableReplicas()) > 0) {
            text.append(", ").append(status.getUnavailableReplicas()).append(" unavailable");
        }
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
                    .withLabels(KubernetesTarget.slotSelector(application, slot))
                    .list()
                    .getItems();
        } catch (KubernetesClientException e) {
            return "pods unknown (" + e.getMessage() + ")";
        }
        if (pods.isEmpty()) {
            return "no pods exist for it";
        }
        return "pods: " + pods.stream().map(Rollouts::podState).collect(Collectors.joining(", "));
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

    private static int count(@Nullable Integer value) {
        return value == null ? 0 : value;
    }
}
