package io.relops.deploy.targets;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * TaskQueue}), and it starts their live versions when it becomes the host. An instance that cannot renew the lease
 * stops its slots at once, before the lease expires and another instance takes it; one that stops stops its slots,
 * then releases the lease. Each instance says at start which instance runs the slots.
 */
public class ProcessHost implements SmartLifecycle {

    static final String LOCK = "process-target-host";

    private static final Logger log = LoggerFactory.getLogger(ProcessHost.class);

    private final LockProvider locks;
    private final JdbcClient jdbc;
    private final ProcessTarget processes;
    private final Duration lease;
    private final String instance;
    private final List<Runnable> onBecameHost = new CopyOnWriteArrayList<>();
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    private volatile @Nullable SimpleLock held;
    private @Nullable String lastHolderLogged;
    private volatile boolean running;

    public ProcessHost(LockProvider locks, JdbcClient jdbc, ProcessTarget processes, Duration lease, String instance) {
        this.locks = locks;
        this.jdbc = jdbc;
        this.processes = processes;
        this.lease = lease;
        this.instance = instance;
        scheduler.setPoolSize(1);
        scheduler.setThreadNamePrefix("process-host-");
    }

    /**
     * A new instance name: {@code <pid>@<host>} (the pod's name in Kubernetes) and a random suffix, unique even for
     * two instances in one JVM (ShedLock extends a lease by its name and holder).
     */
    public static String instanceName() {
        return ManagementFactory.getRuntimeMXBean().getName() + "/"
                + UUID.randomUUID().toString().substring(0, 4);
    }

    /** Whether this instance holds the lease now: only then may it start, route or stop process slots. */
    public boolean runsHere() {
        return held != null;
    }

    public String instance() {
        return instance;
    }

    /** Runs {@code action} (on a thread of its own) each time this instance becomes the process host. */
    public void onBecameHost(Runnable action) {
        onBecameHost.add(action);
    }

    @Override
    public void start() {
        scheduler.initialize();
        running = true;
        scheduler.scheduleWithFixedDelay(this::renew, lease.dividedBy(3));
    }

    /** Takes, keeps or loses the lease; says so when who runs the slots changes. */
    synchronized void renew() {
        SimpleLock lock = held;
        try {
            if (lock != null) {
                Optional<SimpleLock> extended = lock.extend(lease, Duration.ZERO);
                if (extended.isPresent()) {
                    held = extended.get();
                } else {
                    lost("its lease " + LOCK + " was taken over");
                }
                return;
            }
            Optional<SimpleLock> acquired =
                    locks.lock(new LockConfiguration(Instant.now(), LOCK, lease, Duration.ZERO));
            if (acquired.isPresent()) {
                held = acquired.get();
                lastHolderLogged = instance;
                log.info("process target: this instance ({}) runs the slots (lease {}, {})", instance, LOCK, lease);
                onBecameHost.forEach(action -> new Thread(action, "process-host-restore").start());
                return;
            }
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
            if (lock != null) {
                // without a renewed lease this instance must not assume it is still the host
                lost("cannot renew its lease: " + e.getMessage());
            } else {
                log.warn("process target: cannot read or take the lease {}: {}", LOCK, e.toString());
                stopStraySlots();
            }
        }
    }

    /**
     * An instance that is not the host runs no slot: one a call started while the lease was being lost (after
     * {@link #lost}'s stop) is stopped at the next renewal, before the lease can expire for another instance.
     */
    private void stopStraySlots() {
        if (!processes.running().isEmpty()) {
            log.warn(
                    "process target: this instance ({}) is not the host but runs {}; stopping them",
                    instance,
                    processes.running());
            processes.stopAll();
        }
    }

    private void lost(String why) {
        held = null;
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
    public synchronized void stop() {
        running = false;
        scheduler.shutdown();
        SimpleLock lock = held;
        if (lock != null) {
            held = null;
            processes.stopAll();
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
