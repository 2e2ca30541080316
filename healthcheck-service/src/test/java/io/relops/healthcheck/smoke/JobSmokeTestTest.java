package io.relops.healthcheck.smoke;

import static io.relops.healthcheck.smoke.SmokeFixtures.job;
import static io.relops.healthcheck.smoke.SmokeFixtures.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.relops.healthcheck.verification.GateOutcome;
import io.relops.healthcheck.verification.GateOutcome.Verdict;
import io.relops.healthcheck.verification.GateRun;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Job smoke tests against fabric8's mock API server in CRUD mode, which runs no controller and no pods: the test
 * plays the Job controller by setting the Job's status.
 */
@EnableKubernetesMockClient(crud = true)
class JobSmokeTestTest {

    private static final String NS = "shop-smoke";
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String TEMPLATE = """
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: from-the-template
              labels:
                team: shop
            spec:
              backoffLimit: 0
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: smoke
                      image: "registry.example/shop-smoke:{version}"
                      args: ["{endpoint}/checkout"]
                      env:
                        - name: RELOPS_SLOT
                          value: stale
                        - name: SHOP_MODE
                          value: smoke
            """;

    KubernetesClient client;

    private JobRunner jobs;
    private SmokeTests smokeTests;

    @BeforeEach
    void setUp() {
        // a client of its own to the mock server, as the service makes one: closed when the runner stops
        jobs = new JobRunner(
                () -> new KubernetesClientBuilder()
                        .withConfig(client.getConfiguration())
                        .build(),
                Duration.ofMillis(100));
        smokeTests = new SmokeTests(List.of(jobs), new SimpleMeterRegistry());
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        jobs.destroy();
    }

    @Test
    void aCompletedJobPassesAndWasMadeFromTheTemplateForThisRelease() {
        GateRun run = ready(job("checkout", NS, TEMPLATE, Duration.ofSeconds(10)));
        CompletableFuture<GateOutcome> outcome = smokeTests.start(run).get(0);

        Job created = awaitJob();
        assertThat(created.getMetadata().getName()).matches("demo-app-smoke-[0-9a-f]{8}");
        assertThat(created.getMetadata().getLabels())
                .containsEntry("team", "shop")
                .containsEntry("relops.io/application", "demo-app")
                .containsEntry("relops.io/release", run.releaseId().toString())
                .containsEntry("relops.io/smoke-test", "checkout");
        var container =
                created.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("registry.example/shop-smoke:1.2.0");
        assertThat(container.getArgs()).containsExactly("http://127.0.0.1:18080/checkout");
        Map<String, String> env =
                container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertThat(env)
                .containsEntry("SHOP_MODE", "smoke")
                .containsEntry("RELOPS_SLOT", "green")
                .containsEntry("RELOPS_ENDPOINT", SmokeFixtures.ENDPOINT)
                .containsEntry("RELOPS_VERSION", "1.2.0")
                .containsEntry("RELOPS_APPLICATION", "demo-app")
                .containsEntry("RELOPS_ENVIRONMENT", "prod");
        assertThat(outcome).isNotDone();

        setStatus(
                created,
                job -> new JobBuilder(job)
                        .withNewStatus()
                        .withSucceeded(1)
                        .endStatus()
                        .build());

        GateOutcome passed =
                outcome.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
        assertThat(passed.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(passed.reason()).startsWith("smoke test 'checkout' passed (job complete, ");
        assertThat(passed.evidence().get(0).value()).isEqualTo("job complete");
        assertThat(created.getSpec().getTtlSecondsAfterFinished())
                .as("a backstop when the deletion fails")
                .isEqualTo(JobRunner.FINISHED_TTL_SECONDS);
        await("deleted once passed").atMost(WAIT).until(() -> get(created) == null);
    }

    @Test
    void aFailedJobFailsWithItsConditionsMessage() {
        CompletableFuture<GateOutcome> outcome = smokeTests
                .start(ready(job("checkout", NS, TEMPLATE, Duration.ofSeconds(10))))
                .get(0);
        Job created = awaitJob();

        setStatus(
                created,
                job -> new JobBuilder(job)
                        .withNewStatus()
                        .withFailed(1)
                        .addNewCondition()
                        .withType("Failed")
                        .withStatus("True")
                        .withReason("BackoffLimitExceeded")
                        .withMessage("Job has reached the specified backoff limit")
                        .endCondition()
                        .endStatus()
                        .build());

        GateOutcome failed =
                outcome.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
        assertThat(failed.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(failed.reason())
                .startsWith("smoke test 'checkout' failed: job failed after ")
                .endsWith(": Job failed: BackoffLimitExceeded: Job has reached the specified backoff limit");
        assertThat(failed.evidence().get(0).error()).contains("BackoffLimitExceeded");
        await("deleted once failed").atMost(WAIT).until(() -> get(created) == null);
    }

    @Test
    void aJobStillRunningAtTheTimeoutFailsAndIsDeleted() {
        CompletableFuture<GateOutcome> outcome = smokeTests
                .start(ready(job("checkout", NS, TEMPLATE, Duration.ofSeconds(1))))
                .get(0);
        Job created = awaitJob();

        GateOutcome failed =
                outcome.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();

        assertThat(failed.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(failed.reason()).isEqualTo("smoke test 'checkout' failed: timed out after 1 s");
        await().atMost(WAIT).until(() -> get(created) == null);
    }

    @Test
    void cancellingTheGateDeletesTheJob() {
        CompletableFuture<GateOutcome> outcome = smokeTests
                .start(ready(job("checkout", NS, TEMPLATE, Duration.ofSeconds(30))))
                .get(0);
        Job created = awaitJob();

        outcome.cancel(true);

        await().atMost(WAIT).until(() -> get(created) == null);
    }

    @Test
    void stoppingTheServiceDeletesTheRunningJobs() throws InterruptedException {
        smokeTests.start(ready(job("checkout", NS, TEMPLATE, Duration.ofSeconds(30))));
        Job created = awaitJob();

        jobs.destroy();

        assertThat(get(created)).isNull();
    }

    @Test
    void aTemplateWithoutContainersFailsWithoutCreatingAnything() {
        GateOutcome outcome = smokeTests
                .start(ready(job("checkout", NS, "apiVersion: batch/v1\nkind: Job\nspec: {}\n", Duration.ofSeconds(5))))
                .get(0)
                .orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS)
                .join();

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(outcome.reason()).contains("Job not created: the template has no spec.template.spec.containers");
        assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
    }

    private Job awaitJob() {
        await().atMost(WAIT)
                .until(() -> !client.batch()
                        .v1()
                        .jobs()
                        .inNamespace(NS)
                        .list()
                        .getItems()
                        .isEmpty());
        return client.batch().v1().jobs().inNamespace(NS).list().getItems().get(0);
    }

    private Job get(Job job) {
        return client.batch()
                .v1()
                .jobs()
                .inNamespace(NS)
                .withName(job.getMetadata().getName())
                .get();
    }

    private void setStatus(Job job, UnaryOperator<Job> status) {
        client.batch()
                .v1()
                .jobs()
                .inNamespace(NS)
                .withName(job.getMetadata().getName())
                .editStatus(status);
    }
}
