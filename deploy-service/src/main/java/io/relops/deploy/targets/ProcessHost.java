package io.relops.deploy.targets;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The process target is a single-host target: its slots are OS processes, children of one deploy-service
 * instance. With several instances on one database, the one holding the ShedLock lease {@value #LOCK} (at most
 * {@code relops.deploy.process-host.lease}, renewed every third of it) is the <em>process host</em>: it alone
 * leases the calls of applications on a target whose workloads do not outlive deploy-service (see {@code
 * TaskQueue}), and it starts their live versions when it becomes the host.
 *
 * <p>The lease is fenced by time, not by the renewal call returning: each renewal that succeeds makes this instance
 * the host until the time that renewal <em>started</em> plus the lease, less a margin of a third of it ({@link
 * #validUntil}). {@link #runsHere()} is false after that time, and a watchdog (a thread of its own, never behind a
 * hanging renewal) stops the slots then, whatever the renewal thread does; the database's lease cannot have passed to
 * another instance before. A renewal that fails is tried again about every second until that time, so one
 * transient error does not stop the slots. A renewal that succeeds after the slots were stopped makes this instance
 * the host anew (its live versions are started again). Host-bound calls are leased only once those live versions
 * are restored ({@link #takesCalls()}). One that stops stops its slots, then releases the lease. Each instance says
 * at start which instance runs the slots.
 */
public class ProcessHost implements SmartLifecycle {

    static final String LOCK = "process-target-host";

    private static final Logger log = LoggerFactory.getLogger(ProcessHost.class);

    private final LockProvider locks;
    private final JdbcClient jdbc;
    private final ProcessTarget processes;
    private final Duration lease;
    private final Duration margin;
    private final String instance;
    private final List<Runnable> onBecameHost = new CopyOnWriteArrayList<>();
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    private final ThreadPoolTaskScheduler watchdog = new ThreadPoolTaskScheduler();
    private final Object state = new Object();
    // guarded by state
    private @Nullable SimpleLock held;
    // System.nanoTime() until which this instance is the host; meaningful only while held != null
    private volatile long validUntil;
    private volatile boolean hosting;
    private volatile boolean restored;
    private long term;
    private volatile long lastRenewalStarted;
    private volatile boolean failedSinceLastRenewal;
    private volatile boolean stopped;
    private @Nullable ScheduledFuture<?> expiry;
    private @Nullable String lastHolderLogged;
    private volatile boolean running;

    public ProcessHost(LockProvider locks, JdbcClient jdbc, ProcessTarget processes, Duration lease, String instance) {
        this.locks = locks;
        this.jdbc = jdbc;
        this.processes = processes;
        this.lease = lease;
        this.margin = lease.dividedBy(3);
        this.instance = instance;
        scheduler.setPoolSize(1);
        scheduler.setThreadNamePrefix("process-host-");
        watchdog.setPoolSize(1);
        watchdog.setThreadNamePrefix("process-host-watchdog-");
        watchdog.setDaemon(true);
        watchdog.initialize();
        this.lastRenewalStarted = System.nanoTime() - margin.toNanos();
        processes.guardedBy(this::runsHere);
    }

    /**
     * A new instance name: {@code <pid>@<host>} (the pod's name in Kubernetes) and a random suffix, unique even for
     * two instances in one JVM (ShedLock extends a lease by its name and holder).
     */
    public static String instanceName() {
        return ManagementFactory.getRuntimeMXBean().getName() + "/"
                + UUID.randomUUID().toString().substring(0, 4);
    }

    /**
     * Whether this instance holds the lease now, by the clock: only then may it start, route or stop process slots.
     * False once the last successful renewal's start plus the lease, less the margin, has passed, even while a
     * renewal is still under way.
     */
    public boolean runsHere() {
        return hosting && System.nanoTime() - validUntil < 0;
    }

    /**
     * Whether this instance may lease (and keep) the calls bound to the process host: it runs here and the live
     * versions it restored on becoming the host are back, so no release's call races with that restore.
     */
    public boolean takesCalls() {
        return restored && runsHere();
    }

    public String instance() {
        return instance;
    }

    /**
     * Runs {@code action} (on a thread of its own, after the other actions) each time this instance becomes the
     * process host; host-bound calls are leased once all have ended.
     */
    public void onBecameHost(Runnable action) {
        onBecameHost.add(action);
    }

    @Override
    public void start() {
        scheduler.initialize();
        running = true;
        scheduler.scheduleWithFixedDelay(this::tick, retryInterval());
    }

    /** Renews a third of the lease after the last successful renewal, and at once again after a failed one. */
    private void tick() {
        long sinceLast = System.nanoTime() - lastRenewalStarted;
        if (failedSinceLastRenewal || sinceLast >= margin.toNanos()) {
            renew();
        }
    }

    private Duration retryInterval() {
        Duration interval = lease.dividedBy(15);
        return interval.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : interval;
    }

    /** Takes, keeps or loses the lease; says so when who runs the slots changes. */
    synchronized void renew() {
        long started = System.nanoTime();
        lastRenewalStarted = started;
        SimpleLock lock;
        long termAtStart;
        synchronized (state) {
            lock = held;
            termAtStart = term;
        }
        try {
            if (lock != null) {
                Optional<SimpleLock> extended = lock.extend(lease, Duration.ZERO);
                if (extended.isPresent()) {
                    renewed(extended.get(), started, termAtStart);
                } else {
                    lost("its lease " + LOCK + " was taken over or has expired");
                }
                return;
            }
            Optional<SimpleLock> acquired =
                    locks.lock(new LockConfiguration(Instant.now(), LOCK, lease, Duration.ZERO));
            if (acquired.isPresent()) {
                renewed(acquired.get(), started, termAtStart);
                return;
            }
            failedSinceLastRenewal = false;
            stopStraySlots();
            String holder = holder().orElse("(none: the lease is being released)");
            if (!holder.equals(lastHolderLogged)) {
                lastHolderLogged = holder;
                log.info(
                        "process target: instance {} runs the slots; this instance ({}) takes over if that one stops"
                                + " renewing its lease ({})",
                        holder,
                        instance,
                        lease);
            }
        } catch (RuntimeException e) {
            failedSinceLastRenewal = true;
            if (lock != null) {
                // the slots keep running until validUntil; the watchdog stops them then unless a retry succeeds
                log.warn(
                        "process target: cannot renew the lease {} ({}); trying again until it runs out",
                        LOCK,
                        e.toString());
            } else {
                log.warn("process target: cannot read or take the lease {}: {}", LOCK, e.toString());
                stopStraySlots();
            }
        }
    }

    /**
     * A renewal (or the first lock) that started at {@code started} succeeded: this instance is the host until
     * {@code started + lease - margin}. When it was not the host when that renewal started, or the watchdog stopped
     * its slots meanwhile, it has just become the host: its live versions are restored.
     */
    private void renewed(SimpleLock lock, long started, long termAtStart) {
        failedSinceLastRenewal = false;
        boolean becameHost;
        long newTerm;
        synchronized (state) {
            if (stopped) {
                lock.unlock();
                return;
            }
            becameHost = !hosting || term != termAtStart;
            held = lock;
            validUntil = started + lease.minus(margin).toNanos();
            if (becameHost) {
                term++;
                restored = false;
            }
            newTerm = term;
            hosting = true;
            if (expiry != null) {
                expiry.cancel(false);
            }
            expiry = watchdog.schedule(() -> expire(newTerm), Instant.now().plusNanos(validUntil - System.nanoTime()));
        }
        if (becameHost) {
            lastHolderLogged = instance;
            log.info("process target: this instance ({}) runs the slots (lease {}, {})", instance, LOCK, lease);
            new Thread(() -> restore(newTerm), "process-host-restore").start();
        }
    }

    private void restore(long forTerm) {
        for (Runnable action : onBecameHost) {
            try {
                action.run();
            } catch (RuntimeException e) {
                log.warn("process target: restoring after becoming the host failed: {}", e.toString());
            }
        }
        synchronized (state) {
            if (term == forTerm && hosting) {
                restored = true;
            }
        }
    }

    /** The watchdog: the lease of term {@code forTerm} ran out without a renewal; its slots stop now. */
    private void expire(long forTerm) {
        synchronized (state) {
            if (term != forTerm || !hosting || System.nanoTime() - validUntil < 0) {
                return;
            }
            hosting = false;
            restored = false;
            term++;
        }
        lastHolderLogged = null;
        log.warn(
                "process target: this instance ({}) could not renew its lease {} in time; stopping its slots",
                instance,
                LOCK);
        processes.stopAll();
    }

    /**
     * An instance that is not the host runs no slot: one a call started while the lease was being lost (after
     * {@link #lost}'s stop) is stopped at the next renewal, before the lease can expire for another instance.
     */
    private void stopStraySlots() {
        if (!runsHere() && !processes.running().isEmpty()) {
            log.warn(
                    "process target: this instance ({}) is not the host but runs {}; stopping them",
                    instance,
                    processes.running());
            processes.stopAll();
        }
    }

    private void lost(String why) {
        failedSinceLastRenewal = false;
        synchronized (state) {
            held = null;
            hosting = false;
            restored = false;
            term++;
            if (expiry != null) {
                expiry.cancel(false);
            }
        }
        lastHolderLogged = null;
        log.warn("process target: this instance ({}) no longer runs the slots ({}); stopping them", instance, why);
        processes.stopAll();
    }

    private Optional<String> holder() {
        return jdbc.sql("select locked_by from shedlock where name = ? and lock_until > timezone('utc', now())")
                .param(LOCK)
                .query(String.class)
                .optional();
    }

    /** Stops the slots first, then releases the lease, so that the next host never runs them beside this one. */
    @Override
    public void stop() {
        running = false;
        scheduler.shutdown();
        SimpleLock lock;
        synchronized (state) {
            stopped = true;
            lock = held;
            held = null;
            hosting = false;
            restored = false;
            term++;
            if (expiry != null) {
                expiry.cancel(false);
            }
        }
        watchdog.shutdown();
        processes.stopAll();
        if (lock != null) {
            try {
                lock.unlock();
                log.info("process target: this instance ({}) stopped its slots and released {}", instance, LOCK);
            } catch (RuntimeException e) {
                log.warn("process target: cannot release {}: {}; it expires in {}", LOCK, e.toString(), lease);
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts before the task runner and stops after it: its calls are cancelled before the slots stop. */
    @Override
    public int getPhase() {
        return DEFAULT_PHASE - 1;
    }

    @Override
    public String toString() {
        return "ProcessHost[" + instance + (runsHere() ? ", host" : "") + "]";
    }
}
