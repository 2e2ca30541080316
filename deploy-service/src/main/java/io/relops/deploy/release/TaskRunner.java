package io.relops.deploy.release;

import io.github.resilience4j.core.IntervalFunction;
import io.relops.deploy.targets.ProcessHost;
import io.relops.platform.tracing.TraceContexts;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs the engine's tasks. Timers are decided in one short transaction each. Target calls are leased from the
 * {@link TaskQueue} and run on their own threads with no transaction open and no lock held, so neither the
 * connection pool nor a hanging target bounds how many releases progress at once
 * ({@code relops.deploy.max-concurrent-calls}); their outcomes go back to the {@link ReleaseEngine}.
 *
 * <p>While a call runs its lease is renewed every quarter of {@code relops.deploy.task-lease}. A call whose
 * task a transition deleted (a deadline, an abort) or whose lease was lost is cancelled: its thread is
 * interrupted, which ends a webhook's wait for its callback, an HTTP exchange or a process target's readiness
 * wait, and its outcome, if any, is recorded as late. A call whose lease ran out here without a successful renewal
 * (the database could not be reached, or renewing hung) is cancelled as well, by a watchdog of its own, once the time
 * the last successful renewal (or the lease) started plus the lease, less a third of it, has passed: another
 * instance may take the call once the lease is over. Its outcome is not recorded at all; the task stays for whoever
 * leases it next. A call that fails unexpectedly is retried with
 * exponential backoff; after {@code relops.deploy.task-max-attempts} its release fails with the error.
 *
 * <p>Calls of applications on the process target are taken only while this instance is the {@link ProcessHost}
 * and has restored the live versions after becoming it ({@link ProcessHost#takesCalls()}); one that stops being the
 * host loses their leases at its next renewal, and they are cancelled.
 */
@Component
class TaskRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

    private final TaskQueue queue;
    private final ReleaseEngine engine;
    private final TargetCalls calls;
    private final ReleaseRepository releases;
    private final TransactionTemplate tx;
    private final TaskWakeUp wakeUp;
    private final TraceContexts traces;
    private final ProcessHost host;
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    private final ThreadPoolTaskScheduler watchdog = new ThreadPoolTaskScheduler();
    private final ThreadPoolTaskExecutor callThreads = new ThreadPoolTaskExecutor();
    private final Semaphore callPermits;
    private final Map<Long, InFlight> inFlight = new ConcurrentHashMap<>();
    private final String owner = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID();
    private final Duration pollInterval;
    private final Duration lease;
    private final int maxAttempts;
    private final IntervalFunction backoff =
            IntervalFunction.ofExponentialBackoff(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1));
    private volatile boolean running;

    TaskRunner(
            TaskQueue queue,
            ReleaseEngine engine,
            TargetCalls calls,
            ReleaseRepository releases,
            TransactionTemplate tx,
            TaskWakeUp wakeUp,
            TraceContexts traces,
            ProcessHost host,
            @Value("${relops.deploy.max-concurrent-calls:64}") int maxCalls,
            @Value("${relops.deploy.task-poll-interval:250ms}") Duration pollInterval,
            @Value("${relops.deploy.task-lease:15s}") Duration lease,
            @Value("${relops.deploy.task-max-attempts:8}") int maxAttempts) {
        this.queue = queue;
        this.engine = engine;
        this.calls = calls;
        this.releases = releases;
        this.tx = tx;
        this.wakeUp = wakeUp;
        this.traces = traces;
        this.host = host;
        this.pollInterval = pollInterval;
        this.lease = lease;
        this.maxAttempts = maxAttempts;
        this.callPermits = new Semaphore(maxCalls);
        scheduler.setPoolSize(2);
        scheduler.setThreadNamePrefix("release-tasks-");
        watchdog.setPoolSize(1);
        watchdog.setThreadNamePrefix("release-call-watchdog-");
        callThreads.setCorePoolSize(maxCalls);
        callThreads.setMaxPoolSize(maxCalls);
        callThreads.setAllowCoreThreadTimeOut(true);
        callThreads.setThreadNamePrefix("release-call-");
        callThreads.setWaitForTasksToCompleteOnShutdown(true);
        callThreads.setAwaitTerminationSeconds(15);
    }

    @Override
    public void start() {
        scheduler.initialize();
        watchdog.initialize();
        callThreads.initialize();
        running = true;
        engine.onCancelled(this::cancel);
        wakeUp.onWake(() -> {
            if (running) {
                scheduler.execute(this::drain);
            }
        });
        scheduler.scheduleWithFixedDelay(this::drain, pollInterval);
        // twice before a lease runs out here (validFor): one failed renewal does not cancel the calls
        scheduler.scheduleWithFixedDelay(this::renewLeases, lease.dividedBy(4));
        watchdog.scheduleWithFixedDelay(this::cancelLapsed, checkInterval());
    }

    private Duration checkInterval() {
        Duration interval = lease.dividedBy(15);
        return interval.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : interval;
    }

    /**
     * Stops taking work; calls still running are cancelled and their leases given up, so another instance (or
     * this one, restarted) takes them up at once instead of after the lease.
     */
    @Override
    public void stop() {
        running = false;
        wakeUp.onWake(() -> {});
        scheduler.shutdown();
        watchdog.shutdown();
        cancel(List.copyOf(inFlight.keySet()));
        callThreads.shutdown();
        try {
            int released = queue.giveUpLeases(owner);
            if (released > 0) {
                log.info("gave up the leases of {} release calls on shutdown", released);
            }
        } catch (RuntimeException e) {
            log.warn("could not give up the leases of release calls: {}; they expire in {}", e.toString(), lease);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void drain() {
        try {
            while (running && fireTimer()) {
                // next due timer
            }
            while (running && startCall()) {
                // next due call
            }
        } catch (RuntimeException e) {
            log.warn("cannot claim release tasks: {}", e.toString());
        }
    }

    /** @return whether a due timer was found */
    boolean fireTimer() {
        ReleaseTask[] claimed = new ReleaseTask[1];
        try {
            tx.executeWithoutResult(status -> queue.claimNextTimer().ifPresent(timer -> {
                claimed[0] = timer;
                MDC.put("releaseId", timer.releaseId().toString());
                traces.inSpan(timer.traceparent(), "release timer " + timer.kind(), () -> engine.fire(timer));
            }));
            return claimed[0] != null;
        } catch (RuntimeException e) {
            ReleaseTask timer = claimed[0];
            if (timer == null) {
                throw e;
            }
            postpone(timer, e);
            return true;
        } finally {
            MDC.remove("releaseId");
        }
    }

    /** A timer whose decision failed is tried again with backoff, and dropped after the last attempt. */
    private void postpone(ReleaseTask timer, RuntimeException e) {
        String error = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (timer.attempts() + 1 >= maxAttempts) {
            log.error(
                    "release {}: {} failed {} times, dropped: {}",
                    timer.releaseId(),
                    timer.kind(),
                    maxAttempts,
                    error,
                    e);
            tx.executeWithoutResult(status -> queue.done(timer.id()));
        } else {
            Duration wait = Duration.ofMillis(backoff.apply(timer.attempts() + 1));
            log.warn("release {}: {} failed, again in {}: {}", timer.releaseId(), timer.kind(), wait, error, e);
            tx.executeWithoutResult(status -> queue.retryLater(timer.id(), null, wait, error));
        }
    }

    /** @return whether a due call was leased and started */
    private boolean startCall() {
        if (!callPermits.tryAcquire()) {
            return false;
        }
        Optional<ReleaseTask> call = Optional.empty();
        long leasing = System.nanoTime();
        try {
            call = Optional.ofNullable(tx.execute(status ->
                    queue.leaseNextCall(owner, lease, host.takesCalls()).orElse(null)));
        } finally {
            if (call.isEmpty()) {
                callPermits.release();
            }
        }
        if (call.isEmpty()) {
            return false;
        }
        ReleaseTask task = call.get();
        InFlight flight = new InFlight(leasing + validFor());
        inFlight.put(task.id(), flight);
        callThreads.execute(() -> run(task, flight));
        return true;
    }

    private void run(ReleaseTask task, InFlight flight) {
        MDC.put("releaseId", task.releaseId().toString());
        try {
            // in the trace of the release that queued it: the call, and the events its outcome emits
            traces.inSpan(task.traceparent(), "release task " + task.kind(), () -> {
                try {
                    Release release = releases.find(task.releaseId()).orElseThrow();
                    Optional<LifecycleInput> outcome = flight.call(() -> calls.call(task, release));
                    if (flight.lapsed()) {
                        log.warn(
                                "release {}: the lease of {} ran out here without renewal; its outcome is not"
                                        + " recorded, whoever leases it next calls again",
                                task.releaseId(),
                                task.kind());
                        return;
                    }
                    engine.outcome(task, owner, outcome.orElse(null));
                } catch (RuntimeException e) {
                    failed(task, flight, e);
                }
            });
        } finally {
            inFlight.remove(task.id());
            callPermits.release();
            MDC.remove("releaseId");
            wakeUp.run();
        }
    }

    private void failed(ReleaseTask task, InFlight flight, RuntimeException e) {
        String error = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (flight.lapsed()) {
            log.warn(
                    "release {}: {} ended with {} after its lease ran out here without renewal; not recorded",
                    task.releaseId(),
                    task.kind(),
                    error);
            return;
        }
        if (flight.cancelled()) {
            log.info("release {}: cancelled {} ended with {}", task.releaseId(), task.kind(), error);
            return;
        }
        if (task.attempts() + 1 >= maxAttempts) {
            log.error(
                    "release {}: {} failed {} times, giving up: {}",
                    task.releaseId(),
                    task.kind(),
                    maxAttempts,
                    error,
                    e);
            engine.abandon(task, error);
            return;
        }
        Duration wait = Duration.ofMillis(backoff.apply(task.attempts() + 1));
        log.warn(
                "release {}: {} failed (attempt {}), again in {}: {}",
                task.releaseId(),
                task.kind(),
                task.attempts() + 1,
                wait,
                error,
                e);
        tx.executeWithoutResult(status -> queue.retryLater(task.id(), owner, wait, error));
    }

    /** Renews the leases of the calls running here; a call whose lease is gone is cancelled. */
    private void renewLeases() {
        Set<Long> ids = new HashSet<>(inFlight.keySet());
        if (ids.isEmpty()) {
            return;
        }
        long renewing = System.nanoTime();
        try {
            List<Long> held = queue.renew(owner, ids, lease, host.takesCalls());
            for (Long id : held) {
                InFlight flight = inFlight.get(id);
                if (flight != null) {
                    flight.renewedUntil(renewing + validFor());
                }
            }
            ids.removeAll(held);
            cancel(ids);
        } catch (RuntimeException e) {
            log.warn("cannot renew the leases of {} release calls: {}", ids.size(), e.toString());
        }
    }

    /** How long after a lease (or renewal) started its call may run here: the lease, less a third of it. */
    private long validFor() {
        return lease.minus(lease.dividedBy(3)).toNanos();
    }

    /** The watchdog: cancels the calls whose lease ran out here without a successful renewal. */
    private void cancelLapsed() {
        long now = System.nanoTime();
        inFlight.forEach((id, flight) -> {
            if (flight.lapse(now)) {
                log.warn("release call {} cancelled: its lease ran out without a successful renewal", id);
            }
        });
    }

    /** Cancels the calls of {@code ids} that run here. */
    void cancel(Collection<Long> ids) {
        for (Long id : ids) {
            InFlight flight = inFlight.get(id);
            if (flight != null && flight.cancel()) {
                log.info("release call {} cancelled: its release moved on or its lease was lost", id);
            }
        }
    }

    /** Calls leased here and running now. */
    int inFlight() {
        return inFlight.size();
    }

    /**
     * One running call: cancelling it interrupts its thread while, and only while, the target call itself runs
     * (never while its outcome is being recorded).
     */
    private static final class InFlight {
        private @Nullable Thread calling;
        private boolean cancelled;
        private boolean lapsed;
        // System.nanoTime() until which the call may run here
        private long validUntil;

        InFlight(long validUntil) {
            this.validUntil = validUntil;
        }

        synchronized void renewedUntil(long until) {
            if (!lapsed && until - validUntil > 0) {
                validUntil = until;
            }
        }

        /** Cancels the call when its lease ran out by {@code now}; true when it did just now. */
        synchronized boolean lapse(long now) {
            if (lapsed || now - validUntil < 0) {
                return false;
            }
            lapsed = true;
            cancel();
            return true;
        }

        synchronized boolean lapsed() {
            return lapsed;
        }

        <T> T call(java.util.function.Supplier<T> call) {
            synchronized (this) {
                calling = Thread.currentThread();
                if (cancelled) {
                    calling.interrupt();
                }
            }
            try {
                return call.get();
            } finally {
                synchronized (this) {
                    calling = null;
                    Thread.interrupted(); // a cancellation ends the call, not what records its outcome
                }
            }
        }

        synchronized boolean cancel() {
            if (cancelled) {
                return false;
            }
            cancelled = true;
            if (calling != null) {
                calling.interrupt();
            }
            return true;
        }

        synchronized boolean cancelled() {
            return cancelled;
        }
    }
}
