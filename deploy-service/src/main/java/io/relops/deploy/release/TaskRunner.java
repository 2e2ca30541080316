package io.relops.deploy.release;

import io.github.resilience4j.core.IntervalFunction;
import io.relops.platform.tracing.TraceContexts;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs the engine's tasks: a few worker threads claim due tasks from the {@link TaskQueue}, each in
 * one transaction that holds the task's row lock while the target works and then records the
 * outcome, its events (outbox) and the task's removal together. A task that fails unexpectedly is
 * put back with exponential backoff; after {@code relops.deploy.task-max-attempts} its release
 * fails with the error as reason.
 */
@Component
class TaskRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

    private final TaskQueue queue;
    private final ReleaseEngine engine;
    private final TransactionTemplate tx;
    private final TaskWakeUp wakeUp;
    private final TraceContexts traces;
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    private final Duration pollInterval;
    private final int maxAttempts;
    private final IntervalFunction backoff =
            IntervalFunction.ofExponentialBackoff(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1));
    private volatile boolean running;

    TaskRunner(
            TaskQueue queue,
            ReleaseEngine engine,
            TransactionTemplate tx,
            TaskWakeUp wakeUp,
            TraceContexts traces,
            @Value("${relops.deploy.workers:4}") int workers,
            @Value("${relops.deploy.task-poll-interval:250ms}") Duration pollInterval,
            @Value("${relops.deploy.task-max-attempts:8}") int maxAttempts) {
        this.queue = queue;
        this.engine = engine;
        this.tx = tx;
        this.wakeUp = wakeUp;
        this.traces = traces;
        this.pollInterval = pollInterval;
        this.maxAttempts = maxAttempts;
        scheduler.setPoolSize(workers);
        scheduler.setThreadNamePrefix("release-task-");
        scheduler.setWaitForTasksToCompleteOnShutdown(true);
        scheduler.setAwaitTerminationSeconds(15);
    }

    @Override
    public void start() {
        scheduler.initialize();
        running = true;
        wakeUp.onWake(() -> {
            if (running) {
                scheduler.execute(this::drain);
            }
        });
        scheduler.scheduleWithFixedDelay(this::drain, pollInterval);
    }

    @Override
    public void stop() {
        running = false;
        wakeUp.onWake(() -> {});
        scheduler.shutdown();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void drain() {
        while (running && runOne()) {
            // next task
        }
    }

    /** @return whether a task was found (run or put back) */
    boolean runOne() {
        AtomicReference<@Nullable ReleaseTask> claimed = new AtomicReference<>();
        try {
            Boolean ran = tx.execute(status -> {
                ReleaseTask task = queue.claimNext().orElse(null);
                if (task == null) {
                    return false;
                }
                claimed.set(task);
                MDC.put("releaseId", task.releaseId().toString());
                // in the trace of the release that queued it: its target calls and events belong to that release
                traces.inSpan(task.traceparent(), "release task " + task.kind(), () -> engine.run(task));
                queue.done(task.id());
                return true;
            });
            return Boolean.TRUE.equals(ran);
        } catch (RuntimeException e) {
            ReleaseTask task = claimed.get();
            if (task == null) {
                log.warn("cannot claim release tasks: {}", e.toString());
                return false;
            }
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (task.attempts() + 1 >= maxAttempts) {
                log.error(
                        "release {}: task {} failed {} times, giving up: {}",
                        task.releaseId(),
                        task.kind(),
                        maxAttempts,
                        error,
                        e);
                traces.inSpan(
                        task.traceparent(),
                        "release task " + task.kind() + " abandoned",
                        () -> tx.executeWithoutResult(status -> {
                            engine.abandon(task, error);
                            queue.done(task.id());
                        }));
            } else {
                Duration wait = Duration.ofMillis(backoff.apply(task.attempts() + 1));
                log.warn(
                        "release {}: task {} failed (attempt {}), again in {}: {}",
                        task.releaseId(),
                        task.kind(),
                        task.attempts() + 1,
                        wait,
                        error,
                        e);
                tx.executeWithoutResult(status -> queue.retryLater(task.id(), wait, error));
            }
            return true;
        } finally {
            MDC.remove("releaseId");
        }
    }
}
