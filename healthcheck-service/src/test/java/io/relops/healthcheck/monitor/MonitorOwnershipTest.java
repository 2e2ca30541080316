package io.relops.healthcheck.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.junit.jupiter.api.Test;

class MonitorOwnershipTest {

    /** The lock table, in memory: a name is held until its time runs out or it is released. */
    private static final class Locks {
        final Map<String, Instant> until = new ConcurrentHashMap<>();
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        LockProvider provider() {
            return config -> acquire(config.getName(), config.getLockAtMostFor());
        }

        synchronized Optional<SimpleLock> acquire(String name, Duration lease) {
            Instant held = until.get(name);
            if (held != null && held.isAfter(now)) {
                return Optional.empty();
            }
            until.put(name, now.plus(lease));
            return Optional.of(new Lock(name));
        }

        long alive() {
            return until.entrySet().stream()
                    .filter(e -> e.getKey().startsWith(MonitorOwnership.REPLICA_PREFIX)
                            && e.getValue().isAfter(now))
                    .count();
        }

        final class Lock implements SimpleLock {
            private final String name;

            Lock(String name) {
                this.name = name;
            }

            @Override
            public void unlock() {
                until.remove(name);
            }

            @Override
            public Optional<SimpleLock> extend(Duration lockAtMostFor, Duration lockAtLeastFor) {
                synchronized (Locks.this) {
                    Instant held = until.get(name);
                    if (held == null || !held.isAfter(now)) {
                        return Optional.empty();
                    }
                    until.put(name, now.plus(lockAtMostFor));
                    return Optional.of(this);
                }
            }
        }
    }

    private static MonitorOwnership replica(Locks locks, String id) {
        return new MonitorOwnership(locks.provider(), 16, Duration.ofSeconds(15), id, () -> (int) locks.alive());
    }

    @Test
    void aLoneReplicaRunsEveryPartition() {
        Locks locks = new Locks();
        MonitorOwnership only = replica(locks, "a");
        only.renew();
        assertThat(only.held()).hasSize(16);
        assertThat(only.owns("shop/prod")).isTrue();
    }

    @Test
    void twoReplicasShareThePartitionsWithoutOverlap() {
        Locks locks = new Locks();
        MonitorOwnership a = replica(locks, "a");
        MonitorOwnership b = replica(locks, "b");
        a.renew();
        for (int round = 0; round < 3; round++) {
            b.renew();
            a.renew();
        }
        assertThat(a.held()).hasSize(8);
        assertThat(b.held()).hasSize(8);
        assertThat(a.held()).doesNotContainAnyElementsOf(b.held());
        assertThat(a.owns("shop/prod") ^ b.owns("shop/prod")).isTrue();
    }

    @Test
    void theSurvivorTakesOverFromAReplicaThatStopsOrDies() {
        Locks locks = new Locks();
        MonitorOwnership a = replica(locks, "a");
        MonitorOwnership b = replica(locks, "b");
        for (int round = 0; round < 3; round++) {
            a.renew();
            b.renew();
        }
        a.releaseAll(); // a stops
        b.renew();
        assertThat(b.held()).hasSize(16);

        MonitorOwnership c = replica(locks, "c");
        for (int round = 0; round < 3; round++) {
            c.renew();
            b.renew();
        }
        assertThat(c.held()).hasSize(8);
        locks.now = locks.now.plusSeconds(20); // c dies: its leases expire, b renews nothing of c's
        b.renew();
        b.renew();
        assertThat(b.held()).hasSize(16);
    }
}
