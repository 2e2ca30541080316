package io.relops.deploy.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.relops.deploy.catalog.DeployCatalog;
import io.relops.deploy.testing.DeployDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The process host's lease on a real PostgreSQL, renewal by renewal: one holder at a time; a holder that stops
 * renewing (it died, or hangs) loses the lease once it expires, another instance takes it, and the old one, should it
 * come back, knows by the clock that its lease is over instead of believing it still runs the slots. A renewal that
 * hangs does not keep the slots running past the lease; one that fails once does not stop them.
 */
class ProcessHostLeaseIT {

    private static final Duration LEASE = Duration.ofSeconds(2);

    private final DataSource database = DeployDatabase.freshDataSource("deploy_host_lease");
    private final JdbcClient jdbc = JdbcClient.create(database);

    @Test
    void aHostThatStopsRenewingIsReplacedOnceItsLeaseExpiresAndKnowsIt() {
        ProcessHost first = host("first");
        ProcessHost second = host("second");

        first.renew();
        second.renew();
        assertThat(first.runsHere()).isTrue();
        assertThat(second.runsHere()).as("while the first renews").isFalse();

        first.renew(); // extends its lease
        second.renew();
        assertThat(second.runsHere()).isFalse();

        // the first stops renewing: the second takes over once the lease has expired, not before
        await().pollInterval(Duration.ofMillis(200))
                .atMost(LEASE.multipliedBy(3))
                .until(() -> {
                    second.renew();
                    return second.runsHere();
                });
        assertThat(first.runsHere())
                .as("the first has not renewed, yet knows by the clock that its lease is over")
                .isFalse();
        first.renew();
        assertThat(first.runsHere())
                .as("the first, renewing again, finds the lease taken")
                .isFalse();
        second.renew();
        assertThat(second.runsHere()).isTrue();
    }

    @Test
    void aHostWhoseRenewalHangsStopsItsSlotsBeforeItsLeaseCanPassToAnother() throws Exception {
        CountDownLatch released = new CountDownLatch(1);
        CountingTarget processes = new CountingTarget();
        ProcessHost first = new ProcessHost(
                new FaultyLocks(locks("first"), () -> {
                    released.await(); // the renewal hangs (no connection, a network drop)
                    return null;
                }),
                jdbc,
                processes,
                LEASE,
                "first");
        ProcessHost second = host("second");

        long renewed = System.nanoTime();
        first.renew();
        assertThat(first.runsHere()).isTrue();
        processes.route(context(), Traffic.all("blue", "http://127.0.0.1:1"));
        assertThat(processes.running())
                .as("the stable router counts as running")
                .isNotEmpty();
        Thread hanging = new Thread(first::renew, "hanging-renewal");
        hanging.start();
        try {
            await().atMost(LEASE).until(() -> processes.stops.get() > 0);
            Duration stoppedAfter = Duration.ofNanos(processes.lastStop - renewed);
            assertThat(stoppedAfter)
                    .as("the watchdog stops the slots while the renewal hangs, before the lease is over")
                    .isLessThan(LEASE);
            assertThat(first.runsHere()).isFalse();
            assertThat(processes.running()).isEmpty();
            assertThatThrownBy(() -> processes.route(context(), Traffic.all("blue", "http://127.0.0.1:1")))
                    .as("a call racing with the stop does not start a router nothing would stop")
                    .isInstanceOf(DeploymentFailedException.class)
                    .hasMessageContaining("not the process host");
            assertThat(processes.running()).isEmpty();

            await().pollInterval(Duration.ofMillis(200))
                    .atMost(LEASE.multipliedBy(3))
                    .until(() -> {
                        second.renew();
                        return second.runsHere();
                    });
            assertThat(first.runsHere()).isFalse();
        } finally {
            released.countDown();
            hanging.join(LEASE.toMillis());
        }
    }

    @Test
    void oneFailedRenewalIsRetriedWithoutStoppingTheSlots() {
        AtomicInteger failures = new AtomicInteger(1);
        CountingTarget processes = new CountingTarget();
        ProcessHost host = new ProcessHost(
                new FaultyLocks(locks("only"), () -> {
                    if (failures.getAndDecrement() > 0) {
                        throw new DataAccessResourceFailureException("connection reset");
                    }
                    return null;
                }),
                jdbc,
                processes,
                LEASE,
                "only");
        host.renew();
        assertThat(host.runsHere()).isTrue();

        host.renew(); // fails
        assertThat(host.runsHere())
                .as("a failed renewal leaves the rest of the lease")
                .isTrue();
        assertThat(processes.stops.get()).isZero();

        host.renew(); // the retry succeeds
        assertThat(host.runsHere()).isTrue();
        assertThat(processes.stops.get()).isZero();
    }

    @Test
    void hostBoundCallsAreTakenOnlyOnceTheLiveVersionsAreRestored() throws Exception {
        CountDownLatch restoring = new CountDownLatch(1);
        CountDownLatch restore = new CountDownLatch(1);
        ProcessHost host = host("restorer");
        host.onBecameHost(() -> {
            restoring.countDown();
            try {
                restore.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        host.renew();
        assertThat(restoring.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(host.runsHere()).as("it runs the slots: it restores them").isTrue();
        assertThat(host.takesCalls())
                .as("no release's call races with the restore")
                .isFalse();

        restore.countDown();
        await().atMost(LEASE).until(host::takesCalls);
    }

    private ProcessHost host(String name) {
        return new ProcessHost(locks(name), jdbc, new ProcessTarget(Path.of("target", "host-lease-logs")), LEASE, name);
    }

    private LockProvider locks(String name) {
        return new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(database))
                .withTableName("shedlock")
                .usingDbTime()
                .withLockedByValue(name)
                .build());
    }

    private static TargetContext context() {
        Map<String, String> properties = new HashMap<>();
        String prefix = "relops.applications.demo.target.";
        properties.put(prefix + "type", "process");
        properties.put(prefix + "process.command[0]", "{java}");
        properties.put(prefix + "process.slots.blue", "1");
        properties.put(prefix + "process.stable-port", "0");
        DeployCatalog catalog = DeployCatalog.of(new MapConfigurationPropertySource(properties));
        return new TargetContext(
                null, "demo", "production", catalog.application("demo").orElseThrow());
    }

    /**
     * The real lease on PostgreSQL, whose renewals ({@link SimpleLock#extend}) first run {@code beforeExtend}: it may
     * hang or throw, as a renewal does when the pool has no connection or the network drops.
     */
    private record FaultyLocks(LockProvider locks, Callable<Void> beforeExtend) implements LockProvider {

        @Override
        public Optional<SimpleLock> lock(LockConfiguration configuration) {
            return locks.lock(configuration).map(this::faulty);
        }

        private SimpleLock faulty(SimpleLock lock) {
            return new SimpleLock() {
                @Override
                public void unlock() {
                    lock.unlock();
                }

                @Override
                public Optional<SimpleLock> extend(Duration lockAtMostFor, Duration lockAtLeastFor) {
                    try {
                        beforeExtend.call();
                    } catch (RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return lock.extend(lockAtMostFor, lockAtLeastFor).map(FaultyLocks.this::faulty);
                }
            };
        }
    }

    /** The process target, counting the times it stopped everything. */
    private static final class CountingTarget extends ProcessTarget {
        final AtomicInteger stops = new AtomicInteger();
        volatile long lastStop;

        CountingTarget() {
            super(Path.of("target", "host-lease-logs"));
        }

        @Override
        public void stopAll() {
            super.stopAll();
            lastStop = System.nanoTime();
            stops.incrementAndGet();
        }
    }
}
