package io.relops.healthcheck.smoke;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.relops.healthcheck.smoke.SmokeTestSpec.JobSpec;
import io.relops.healthcheck.verification.GateRun;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * A smoke test that is a Kubernetes Job (as an Argo Rollouts job analysis): the Job of {@code template} (templates
 * expanded) under a name of its own ({@code <app>-smoke-<id>}), labelled {@code relops.io/application}, {@code
 * relops.io/release} and {@code relops.io/smoke-test}, every container given {@link SmokeEnvironment}'s variables,
 * created in {@code namespace} (default: the client's). Its status is polled every {@code
 * relops.health.smoke.job-poll-interval} on this runner's own threads: {@code succeeded >= 1} or a {@code Complete}
 * condition passes, a {@code Failed} condition fails with its message. The last lines of its pod's log are added when
 * they can be read. Once its outcome is known (that log read), at the timeout, or when cancelled, the Job is deleted
 * with its pods (background propagation), and so are the Jobs still running when the service stops (the verification
 * resumes at the next start and creates its own). A Job whose template sets no {@code ttlSecondsAfterFinished} gets
 * {@value #FINISHED_TTL_SECONDS} s, which cleans up a finished Job whose deletion failed.
 *
 * <p>The client is made only when a Job smoke test first runs ({@link KubernetesClientBuilder}'s default
 * configuration: the kubeconfig, or the pod's service account in a cluster) and closed at shutdown.
 */
@Component
class JobRunner implements SmokeRunner, DisposableBean {

    static final String APPLICATION_LABEL = "relops.io/application";
    static final String RELEASE_LABEL = "relops.io/release";
    static final String SMOKE_TEST_LABEL = "relops.io/smoke-test";

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);

    /** A Job's {@code ttlSecondsAfterFinished} when its template sets none. */
    static final int FINISHED_TTL_SECONDS = 600;

    private final Supplier<KubernetesClient> clients;
    private final Duration pollInterval;
    private final ScheduledThreadPoolExecutor pollers = new ScheduledThreadPoolExecutor(2, runnable -> {
        Thread thread = new Thread(runnable, "smoke-job-poller");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Running> running = ConcurrentHashMap.newKeySet();
    private @Nullable KubernetesClient client;

    @Autowired
    JobRunner(@Value("${relops.health.smoke.job-poll-interval:2s}") Duration pollInterval) {
        this(() -> new KubernetesClientBuilder().build(), pollInterval);
    }

    JobRunner(Supplier<KubernetesClient> clients, Duration pollInterval) {
        this.clients = clients;
        this.pollInterval = pollInterval;
        // at shutdown, polls and timeouts stop; a deletion under way is let finish
        pollers.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        pollers.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    }

    @Override
    public String kind() {
        return "job";
    }

    private synchronized KubernetesClient client() {
        if (client == null) {
            client = clients.get();
        }
        return client;
    }

    @Override
    public CompletableFuture<SmokeRun> start(SmokeTestSpec spec, GateRun run) {
        CompletableFuture<SmokeRun> result = new CompletableFuture<>();
        pollers.execute(() -> {
            try {
                new Running(spec, run, result).create();
            } catch (RuntimeException e) {
                result.complete(SmokeRun.failed("not created", List.of("Job not created: " + e.getMessage())));
            }
        });
        return result;
    }

    /** One Job: created, then polled until it ends, times out or is cancelled. */
    private final class Running {
        private final SmokeTestSpec spec;
        private final GateRun run;
        private final CompletableFuture<SmokeRun> result;
        private final KubernetesClient kubernetes;
        private final String namespace;
        private final String name;
        private @Nullable ScheduledFuture<?> polling;
        private @Nullable ScheduledFuture<?> timeout;

        Running(SmokeTestSpec spec, GateRun run, CompletableFuture<SmokeRun> result) {
            this.spec = spec;
            this.run = run;
            this.result = result;
            this.kubernetes = client();
            JobSpec job = Objects.requireNonNull(spec.job());
            this.namespace = job.namespace() != null ? job.namespace() : kubernetes.getNamespace();
            this.name = jobName(run.application());
        }

        void create() {
            if (result.isDone()) {
                return; // cancelled before it was created
            }
            Job job = kubernetes
                    .batch()
                    .v1()
                    .jobs()
                    .load(new ByteArrayInputStream(run.target()
                            .expand(Objects.requireNonNull(spec.job()).template())
                            .getBytes(StandardCharsets.UTF_8)))
                    .item();
            prepare(job);
            kubernetes.batch().v1().jobs().inNamespace(namespace).resource(job).create();
            running.add(this);
            log.info("smoke test '{}': Job {}/{} created", spec.name(), namespace, name);
            synchronized (this) {
                polling = pollers.scheduleWithFixedDelay(
                        this::poll, pollInterval.toMillis(), pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                timeout = pollers.schedule(
                        () -> {
                            if (result.complete(SmokeRun.timedOut(spec.timeout(), logTail()))) {
                                delete();
                            }
                        },
                        spec.timeout().toMillis(),
                        TimeUnit.MILLISECONDS);
            }
            result.whenComplete((ended, failure) -> {
                running.remove(this);
                synchronized (this) {
                    Objects.requireNonNull(polling).cancel(false);
                    Objects.requireNonNull(timeout).cancel(false);
                }
                if (result.isCancelled()) {
                    pollers.execute(this::delete);
                }
            });
        }

        private void prepare(Job job) {
            ObjectMeta metadata = job.getMetadata() == null ? new ObjectMeta() : job.getMetadata();
            job.setMetadata(metadata);
            metadata.setName(name);
            metadata.setGenerateName(null);
            metadata.setNamespace(namespace);
            Map<String, String> labels = metadata.getLabels() == null ? new HashMap<>() : metadata.getLabels();
            labels.put(APPLICATION_LABEL, label(run.application()));
            labels.put(
                    RELEASE_LABEL,
                    run.releaseId() == null ? "none" : run.releaseId().toString());
            labels.put(SMOKE_TEST_LABEL, label(spec.name()));
            metadata.setLabels(labels);
            PodSpec pod = job.getSpec() == null || job.getSpec().getTemplate() == null
                    ? null
                    : job.getSpec().getTemplate().getSpec();
            if (pod == null
                    || pod.getContainers() == null
                    || pod.getContainers().isEmpty()) {
                throw new IllegalArgumentException("the template has no spec.template.spec.containers");
            }
            if (job.getSpec().getTtlSecondsAfterFinished() == null) {
                // deleted once its outcome is known; this cleans up when the deletion could not be made
                job.getSpec().setTtlSecondsAfterFinished(FINISHED_TTL_SECONDS);
            }
            List<Container> containers = new ArrayList<>(pod.getContainers());
            if (pod.getInitContainers() != null) {
                containers.addAll(pod.getInitContainers());
            }
            for (Container container : containers) {
                List<EnvVar> env = container.getEnv() == null ? new ArrayList<>() : new ArrayList<>(container.getEnv());
                SmokeEnvironment.of(run).forEach((variable, value) -> {
                    env.removeIf(existing -> variable.equals(existing.getName()));
                    env.add(new EnvVar(variable, value, null));
                });
                container.setEnv(env);
            }
        }

        private void poll() {
            if (result.isDone()) {
                return;
            }
            try {
                Job job = kubernetes
                        .batch()
                        .v1()
                        .jobs()
                        .inNamespace(namespace)
                        .withName(name)
                        .get();
                if (job == null) {
                    result.complete(SmokeRun.failed(
                            "job deleted", List.of("Job " + namespace + "/" + name + " was deleted before it ended")));
                    return;
                }
                JobStatus status = job.getStatus();
                if (status == null) {
                    return;
                }
                JobCondition failed = condition(status, "Failed");
                if (failed != null) {
                    List<String> output = new ArrayList<>(logTail());
                    output.add("Job failed: " + failed.getReason() + ": " + failed.getMessage());
                    if (result.complete(SmokeRun.failed("job failed", output))) {
                        delete(); // its log was read: nothing more to learn from it
                    }
                } else if ((status.getSucceeded() != null && status.getSucceeded() >= 1)
                        || condition(status, "Complete") != null) {
                    if (result.complete(SmokeRun.passed("job complete", logTail()))) {
                        delete();
                    }
                }
            } catch (RuntimeException e) {
                // the API server may be briefly unreachable: the next poll (or the timeout) decides
                log.warn("smoke test '{}': Job {}/{} not read: {}", spec.name(), namespace, name, e.getMessage());
            }
        }

        /** The last lines of the Job's pod's log, when there is a pod and its log can be read (best effort). */
        private List<String> logTail() {
            try {
                List<Pod> pods = kubernetes
                        .pods()
                        .inNamespace(namespace)
                        .withLabel("job-name", name)
                        .list()
                        .getItems();
                if (pods.isEmpty()) {
                    return List.of();
                }
                String podName = pods.get(pods.size() - 1).getMetadata().getName();
                String text = kubernetes
                        .pods()
                        .inNamespace(namespace)
                        .withName(podName)
                        .tailingLines(spec.outputLines())
                        .getLog();
                OutputTail tail = new OutputTail(spec.outputLines());
                tail.readFrom(new ByteArrayInputStream((text == null ? "" : text).getBytes(StandardCharsets.UTF_8)));
                return tail.lines();
            } catch (RuntimeException e) {
                return List.of();
            }
        }

        private void delete() {
            try {
                kubernetes
                        .batch()
                        .v1()
                        .jobs()
                        .inNamespace(namespace)
                        .withName(name)
                        .withPropagationPolicy(DeletionPropagation.BACKGROUND)
                        .delete();
                log.info("smoke test '{}': Job {}/{} deleted", spec.name(), namespace, name);
            } catch (RuntimeException e) {
                log.warn("smoke test '{}': Job {}/{} not deleted", spec.name(), namespace, name, e);
            }
        }
    }

    private static @Nullable JobCondition condition(JobStatus status, String type) {
        if (status.getConditions() == null) {
            return null;
        }
        return status.getConditions().stream()
                .filter(condition -> type.equals(condition.getType()) && "True".equals(condition.getStatus()))
                .findFirst()
                .orElse(null);
    }

    /** {@code <app>-smoke-<8 hex>}: a DNS label (lower case, at most 63 characters). */
    static String jobName(String application) {
        String prefix = label(application);
        prefix = prefix.length() > 40 ? prefix.substring(0, 40) : prefix;
        prefix = prefix.replaceAll("[^a-z0-9]+$", "");
        return prefix + "-smoke-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** {@code value} as a label value: lower case, characters other than letters, digits, . - _ replaced. */
    private static String label(String value) {
        String label = value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
        label = label.length() > 63 ? label.substring(0, 63) : label;
        return label.replaceAll("^[^a-z0-9]+", "").replaceAll("[^a-z0-9]+$", "");
    }

    @Override
    public void destroy() throws InterruptedException {
        pollers.shutdown();
        pollers.awaitTermination(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        pollers.shutdownNow();
        running.forEach(Running::delete);
        running.clear();
        synchronized (this) {
            if (client != null) {
                client.close();
            }
        }
    }
}
