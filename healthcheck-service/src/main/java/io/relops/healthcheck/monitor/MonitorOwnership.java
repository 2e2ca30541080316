package io.relops.healthcheck.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which monitors this replica runs: monitors are hashed into {@code partitions}; a replica runs the
 * monitors of the partitions it holds a ShedLock lease on ({@code health-monitor-<n>} in the {@code
 * shedlock} table, at most {@code lease} long, extended every {@code lease / 3}). Each replica also
 * holds a lease that says it is alive ({@code health-replica-<id>}); it keeps its fair share of the
 * partitions (partitions / live replicas, rounded up), releasing the excess for newcomers and
 * taking free ones. A replica that stops releases its leases; one that dies loses them when they
 * expire, and the others take them over on their next renewal. So each monitor runs on exactly one
 * replica, and the monitors are spread over the replicas.
 */
public class MonitorOwnership {

    private static final Logger log = LoggerFactory.getLogger(MonitorOwnership.class);

    private final LockProvider locks;
    private final int partitions;
    private final Duration lease;
    private final Map<Integer, SimpleLock> held = new ConcurrentHashMap<>();
    private final String replicaLock;
    private final IntSupplier liveReplicas;
    private @Nullable SimpleLock alive;

    /**
     * @param replicaId this replica's short unique name
     * @param liveReplicas how many replicas hold their {@code health-replica-*} lease now
     */
    public MonitorOwnership(
            LockProvider locks, int partitions, Duration lease, String replicaId, IntSupplier liveReplicas) {
        if (partitions < 1) {
            throw new IllegalArgumentException("relops.health.monitor.partitions must be at least 1");
        }
        this.locks = locks;
        this.partitions = partitions;
        this.lease = lease;
        this.replicaLock = REPLICA_PREFIX + replicaId;
        this.liveReplicas = liveReplicas;
    }

    static final String REPLICA_PREFIX = "health-replica-";

    public int partitionOf(String monitorKey) {
        return Math.floorMod(monitorKey.hashCode(), partitions);
    }

    public boolean owns(String monitorKey) {
        return held.containsKey(partitionOf(monitorKey));
    }

    public Set<Integer> held() {
        return new TreeSet<>(held.keySet());
    }

    /** Renews this replica's leases, gives up the excess over its fair share and takes free ones. */
    public synchronized void renew() {
        try {
            alive = alive == null
                    ? locks.lock(config(replicaLock)).orElse(null)
                    : alive.extend(lease, Duration.ZERO).orElse(null);
        } catch (RuntimeException e) {
            alive = null;
        }
        int fairShare = partitions;
        try {
            fairShare = (int) Math.ceil(partitions / (double) Math.max(1, liveReplicas.getAsInt()));
        } catch (RuntimeException e) {
            log.warn("cannot count the live replicas: {}", e.getMessage());
        }
        for (int p = 0; p < partitions; p++) {
            int partition = p;
            SimpleLock lock = held.get(partition);
            try {
                if (lock != null && held.size() > fairShare) {
                    held.remove(partition);
                    lock.unlock();
                    log.info("gave up monitor partition {} (fair share: {})", partition, fairShare);
                } else if (lock != null) {
                    Optional<SimpleLock> extended = lock.extend(lease, Duration.ZERO);
                    if (extended.isPresent()) {
                        held.put(partition, extended.get());
                    } else {
                        held.remove(partition);
                        log.warn("lost the lease on monitor partition {}", partition);
                    }
                } else if (held.size() < fairShare) {
                    locks.lock(config(name(partition))).ifPresent(acquired -> {
                        held.put(partition, acquired);
                        log.info("now running the monitors of partition {}", partition);
                    });
                }
            } catch (RuntimeException e) {
                // the database is unreachable: without a renewed lease we must not assume ownership
                held.remove(partition);
                log.warn("cannot renew the lease on monitor partition {}: {}", partition, e.getMessage());
            }
        }
    }

    private LockConfiguration config(String name) {
        return new LockConfiguration(Instant.now(), name, lease, Duration.ZERO);
    }

    /** Releases every lease (on shutdown), so another replica takes over at once. */
    public synchronized void releaseAll() {
        held.forEach((partition, lock) -> {
            try {
                lock.unlock();
            } catch (RuntimeException e) {
                log.debug("cannot release monitor partition {}: {}", partition, e.getMessage());
            }
        });
        held.clear();
        if (alive != null) {
            try {
                alive.unlock();
            } catch (RuntimeException e) {
                log.debug("cannot release {}: {}", replicaLock, e.getMessage());
            }
            alive = null;
        }
    }

    private static String name(int partition) {
        return "health-monitor-" + partition;
    }
}
