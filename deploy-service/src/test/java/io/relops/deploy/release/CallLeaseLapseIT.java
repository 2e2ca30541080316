package io.relops.deploy.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relops.common.event.DeploymentFailed;
import io.relops.common.event.DeploymentReady;
import io.relops.deploy.DeployServiceApplication;
import io.relops.deploy.targets.HangingTarget;
import io.relops.testkit.EventStream;
import io.relops.testkit.Postgres;
import io.relops.testkit.ReleaseDriver;
import io.relops.testkit.RelopsTopics;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A call whose lease cannot be renewed: the test holds the call's row locked in PostgreSQL, so the renewal hangs (as it
 * does when the pool has no connection or the network drops). Once the lease has run out without a renewal the call
 * is cancelled (its thread interrupted), since another instance could take it by then; its outcome (here the failure
 * the interruption caused) is not recorded, and the call is made again by whoever leases it next.
 */
class CallLeaseLapseIT {

    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final RelopsTopics TOPICS = RelopsTopics.unique("lapse");
    private static final String DATABASE = Postgres.freshDatabase("deploy_lapse");

    private static ConfigurableApplicationContext deploy;
    private static EventStream events;

    @BeforeAll
    static void start() {
        events = EventStream.watching(TOPICS.release());
        deploy = new SpringApplicationBuilder(DeployServiceApplication.class)
                .run(TOPICS.serviceArgs(
                        DATABASE,
                        "--RELOPS_CATALOG=src/test/resources/it-catalog.yml",
                        "--RELOPS_DATA_DIR=target/lapse-data",
                        "--it.black-hole-url=http://127.0.0.1:9",
                        "--relops.applications.lapse.target.type=hanging",
                        "--relops.applications.lapse.environments.prod.approval.required=false",
                        "--relops.deploy.task-lease=" + LEASE.toMillis() + "ms",
                        "--relops.deploy.task-poll-interval=100ms"));
    }

    @AfterAll
    static void stop() {
        if (deploy != null) {
            deploy.close();
        }
        if (events != null) {
            events.close();
        }
    }

    @Test
    void aCallWhoseLeaseRunsOutWithoutRenewalIsCancelledAndItsOutcomeNotRecorded() throws Exception {
        HangingTarget.arm();
        ReleaseDriver releases = new ReleaseDriver(events, TOPICS, "prod", WAIT);
        UUID release = releases.request("lapse", "1.0.0");
        assertThat(HangingTarget.awaitHanging(WAIT.toSeconds())).isTrue();

        Postgres.Server db = Postgres.server();
        try (Connection blocker = DriverManager.getConnection(DATABASE, db.username(), db.password())) {
            blocker.setAutoCommit(false);
            try (PreparedStatement lock = blocker.prepareStatement(
                    "select id from deploy.release_task where release_id = ? and kind = 'DEPLOY' for update")) {
                lock.setObject(1, release);
                try (ResultSet rows = lock.executeQuery()) {
                    assertThat(rows.next()).as("the deploy call's task").isTrue();
                }
            }
            // the renewal now hangs on the row: the call must stop before its lease could pass to another instance
            await().atMost(LEASE.multipliedBy(2)).until(HangingTarget::interrupted);
            assertThat(HangingTarget.deploys()).isEqualTo(1);
            blocker.rollback();
        }

        DeploymentReady ready = releases.awaitReady(release);
        assertThat(ready.slot()).isNotNull();
        assertThat(HangingTarget.deploys())
                .as("the call was made again, by whoever leased it next")
                .isEqualTo(2);
        assertThat(events.all(
                        DeploymentFailed.class, failed -> failed.releaseId().equals(release)))
                .as("the cancelled call's failure was not recorded")
                .isEmpty();
    }
}
