package io.relops.deploy.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relops.deploy.testing.DeployDatabase;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The process host's lease on a real PostgreSQL, renewal by renewal: one holder at a time; a holder that stops
 * renewing (it died, or hangs) loses the lease once it expires, another instance takes it, and the old one, should it
 * come back, finds out at its next renewal instead of believing it still runs the slots.
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
                .as("the first has not renewed yet: it does not know")
                .isTrue();
        first.renew();
        assertThat(first.runsHere())
                .as("the first, renewing again, finds the lease taken")
                .isFalse();
        second.renew();
        assertThat(second.runsHere()).isTrue();
    }

    private ProcessHost host(String name) {
        JdbcTemplateLockProvider locks = new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(database))
                .withTableName("shedlock")
                .usingDbTime()
                .withLockedByValue(name)
                .build());
        return new ProcessHost(locks, jdbc, new ProcessTarget(Path.of("target", "host-lease-logs")), LEASE, name);
    }
}
