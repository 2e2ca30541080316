package io.relops.deploy.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.common.event.DeploymentFailed;
import io.relops.common.event.ReleaseRequested;
import io.relops.common.release.ReleaseStatus;
import io.relops.common.release.Strategy;
import io.relops.deploy.catalog.DeployCatalog.ApplicationSpec;
import io.relops.deploy.catalog.DeployCatalog.ApprovalSpec;
import io.relops.deploy.catalog.DeployCatalog.BackupGateSpec;
import io.relops.deploy.catalog.DeployCatalog.BlueGreenSpec;
import io.relops.deploy.catalog.DeployCatalog.CanarySpec;
import io.relops.deploy.catalog.DeployCatalog.DeadlineSpec;
import io.relops.deploy.catalog.DeployCatalog.EnvironmentSpec;
import io.relops.deploy.catalog.DeployCatalog.PromotionSpec;
import io.relops.deploy.catalog.DeployCatalog.RouterSpec;
import io.relops.deploy.catalog.DeployCatalog.WatchSpec;
import io.relops.deploy.release.Promotion.Completed;
import io.relops.deploy.release.Promotion.Evidence;
import io.relops.deploy.release.Promotion.Missing;
import io.relops.deploy.release.Promotion.Unsettled;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@link Promotion} and how {@link Admission} acts on it: pure, no database. */
class PromotionTest {

    private static final OffsetDateTime NOW = OffsetDateTime.parse("2026-12-07T10:00:00Z");
    private static final UUID STAGED = UUID.randomUUID();
    private static final PromotionSpec FROM_STAGING = new PromotionSpec("staging", Duration.ZERO, true);
    private static final PromotionSpec SOAK_HOUR = new PromotionSpec("staging", Duration.ofHours(1), true);
    private static final PromotionSpec ROLLBACKS_ALLOWED = new PromotionSpec("staging", Duration.ZERO, false);

    private static Promotion check(PromotionSpec rule, Evidence evidence) {
        return Promotion.check("demo-app", "production", rule, "1.2.0", evidence, NOW);
    }

    private static Evidence completedAgo(Duration ago) {
        return new Evidence(new Completed(STAGED, NOW.minus(ago)), null);
    }

    @Test
    void refusesAVersionThatNeverCompletedInTheSourceEnvironmentNamingEnvironmentAndVersion() {
        Promotion promotion = check(FROM_STAGING, new Evidence(null, null));

        assertThat(promotion.ready()).isFalse();
        assertThat(promotion.missing()).isEqualTo(Missing.NOT_COMPLETED);
        assertThat(promotion.missing().wireName()).isEqualTo("not-completed");
        assertThat(promotion.reason())
                .isEqualTo("promotion to production refused: demo-app 1.2.0 has not completed in staging"
                        + " (production takes only versions released to staging first)");
        assertThat(promotion.source()).isNull();
        assertThat(promotion.soakRemaining()).isNull();
    }

    @Test
    void acceptsACompletedVersionAndNamesItsSourceRelease() {
        Promotion promotion = check(FROM_STAGING, completedAgo(Duration.ofSeconds(1)));

        assertThat(promotion.ready()).isTrue();
        assertThat(promotion.missing()).isEqualTo(Missing.NONE);
        assertThat(promotion.source()).isEqualTo(STAGED);
        assertThat(promotion.soakRemaining()).isZero();
        assertThat(promotion.reason()).contains("demo-app 1.2.0 completed in staging", STAGED.toString());
    }

    @Test
    void refusesAVersionRolledBackAtOrAfterItCompleted() {
        OffsetDateTime completed = NOW.minusMinutes(30);
        for (OffsetDateTime rolledBack : new OffsetDateTime[] {completed, completed.plusMinutes(5)}) {
            Promotion promotion = check(FROM_STAGING, new Evidence(new Completed(STAGED, completed), rolledBack));

            assertThat(promotion.ready()).as("rolled back at %s", rolledBack).isFalse();
            assertThat(promotion.missing()).isEqualTo(Missing.ROLLED_BACK);
            assertThat(promotion.reason())
                    .startsWith("promotion to production refused: demo-app 1.2.0 was rolled back in staging at "
                            + rolledBack);
            assertThat(promotion.soakRemaining()).isNull();
        }
    }

    @Test
    void aRollbackBeforeTheVersionCompletedAgainDoesNotCount() {
        OffsetDateTime completed = NOW.minusMinutes(30);
        Promotion promotion =
                check(FROM_STAGING, new Evidence(new Completed(STAGED, completed), completed.minusSeconds(1)));

        assertThat(promotion.ready()).isTrue();
    }

    @Test
    void refusesAVersionBeingRolledBackInTheSourceEnvironment() {
        OffsetDateTime completed = NOW.minusMinutes(30);
        UUID rolling = UUID.randomUUID();
        Promotion promotion = check(
                FROM_STAGING,
                new Evidence(
                        new Completed(STAGED, completed),
                        null,
                        new Unsettled(rolling, ReleaseStatus.ROLLING_BACK, completed.plusMinutes(10))));

        assertThat(promotion.ready()).isFalse();
        assertThat(promotion.missing()).isEqualTo(Missing.ROLLING_BACK);
        assertThat(promotion.missing().wireName()).isEqualTo("rolling-back");
        assertThat(promotion.reason())
                .isEqualTo(
                        "promotion to production refused: demo-app 1.2.0 is being rolled back in staging (started at "
                                + completed.plusMinutes(10) + ", release " + rolling + ")");
    }

    @Test
    void refusesAVersionWhoseRollbackFailedInTheSourceEnvironmentThoughItStillServesThere() {
        OffsetDateTime completed = NOW.minusMinutes(30);
        Promotion promotion = check(
                FROM_STAGING,
                new Evidence(
                        new Completed(STAGED, completed),
                        null,
                        new Unsettled(STAGED, ReleaseStatus.COMPLETED, completed.plusMinutes(2))));

        assertThat(promotion.ready()).isFalse();
        assertThat(promotion.missing()).isEqualTo(Missing.ROLLBACK_FAILED);
        assertThat(promotion.reason())
                .isEqualTo("promotion to production refused: demo-app 1.2.0 had a rollback that failed in staging"
                        + " (started at " + completed.plusMinutes(2) + ", release " + STAGED + ", now COMPLETED)");
    }

    @Test
    void aRollbackUnsettledBeforeTheVersionCompletedOrAllowedByTheRuleDoesNotCount() {
        OffsetDateTime completed = NOW.minusMinutes(30);
        Unsettled earlier = new Unsettled(UUID.randomUUID(), ReleaseStatus.FAILED, completed.minusMinutes(1));
        Unsettled later = new Unsettled(UUID.randomUUID(), ReleaseStatus.ROLLING_BACK, completed.plusMinutes(1));

        assertThat(check(FROM_STAGING, new Evidence(new Completed(STAGED, completed), null, earlier))
                        .ready())
                .isTrue();
        assertThat(check(ROLLBACKS_ALLOWED, new Evidence(new Completed(STAGED, completed), null, later))
                        .ready())
                .isTrue();
    }

    @Test
    void admissionRejectionOfAPromotionIsMarkedRefusedInItsDeploymentFailed() {
        Promotion refused = check(FROM_STAGING, new Evidence(null, null));
        Admission admission = Admission.of(REQUEST, Optional.of(app()), Optional.empty(), refused);
        Release release = Release.requested(
                REQUEST, Strategy.BLUE_GREEN, Optional.empty(), ReleaseStatus.REJECTED, refused.reason(), NOW);

        DeploymentFailed failed =
                (DeploymentFailed) admission.refused(release).emissions().get(0).data();

        assertThat(failed.refused()).isTrue();
        assertThat(failed.reason()).isEqualTo(refused.reason());
    }

    @Test
    void otherAdmissionRefusalsAreNotMarkedRefusedAndStillAlert() {
        ReleaseRequested unknown =
                new ReleaseRequested(UUID.randomUUID(), "demo-app", "1.2.0", "qa", null, "alice", null, null);
        Admission admission = Admission.of(unknown, Optional.of(app()), Optional.empty(), null);
        Release release = Release.requested(
                unknown, Strategy.BLUE_GREEN, Optional.empty(), ReleaseStatus.FAILED, admission.refusal(), NOW);

        DeploymentFailed failed =
                (DeploymentFailed) admission.refused(release).emissions().get(0).data();

        assertThat(failed.refused()).isNull();
    }

    @Test
    void rollbacksDoNotCountWhenTheRuleAllowsThem() {
        OffsetDateTime completed = NOW.minusMinutes(30);
        Promotion promotion =
                check(ROLLBACKS_ALLOWED, new Evidence(new Completed(STAGED, completed), completed.plusMinutes(1)));

        assertThat(promotion.ready()).isTrue();
    }

    @Test
    void waitsForTheSoakAndSaysHowMuchIsLeftRoundedUpToTheSecond() {
        Promotion soaking = check(SOAK_HOUR, completedAgo(Duration.ofMinutes(18).plusMillis(500)));

        assertThat(soaking.ready()).isFalse();
        assertThat(soaking.missing()).isEqualTo(Missing.SOAK);
        assertThat(soaking.soakRemaining()).isEqualTo(Duration.ofMinutes(42));
        assertThat(soaking.reason())
                .startsWith("promotion to production refused: demo-app 1.2.0 completed in staging at ")
                .endsWith("must soak there 1h first: 42m left");

        assertThat(check(SOAK_HOUR, completedAgo(Duration.ofHours(1))).ready())
                .as("exactly soaked")
                .isTrue();
    }

    @Test
    void saysDurationsAsPeopleReadThem() {
        assertThat(Promotion.words(Duration.ofSeconds(3725))).isEqualTo("1h 2m 5s");
        assertThat(Promotion.words(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(Promotion.words(Duration.ZERO)).isEqualTo("0s");
    }

    // ---------------------------------------------------------------- admission

    private static final ReleaseRequested REQUEST =
            new ReleaseRequested(UUID.randomUUID(), "demo-app", "1.2.0", "production", null, "alice", null, null);

    private static ApplicationSpec app() {
        Map<String, EnvironmentSpec> environments = new LinkedHashMap<>();
        environments.put("staging", new EnvironmentSpec(null, null));
        environments.put(
                "production",
                new EnvironmentSpec(new ApprovalSpec(true, "approver", Duration.ofHours(24)), FROM_STAGING));
        return new ApplicationSpec(
                environments,
                "blue-green",
                null,
                new RouterSpec(null, null, null, null),
                new BlueGreenSpec(Duration.ofSeconds(60), Duration.ofSeconds(2)),
                new CanarySpec(null),
                new DeadlineSpec(
                        Duration.ofMinutes(10), Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofMinutes(5)),
                new BackupGateSpec(false),
                new WatchSpec(Duration.ofMinutes(5)));
    }

    @Test
    void theCatalogNamesTheRuleOfAnEnvironment() {
        assertThat(app().promotion("production")).contains(FROM_STAGING);
        assertThat(app().promotion("staging")).isEmpty();
        assertThat(app().promotion("nowhere")).isEmpty();
    }

    @Test
    void admissionRejectsAnUnpromotableVersionWithThePromotionsReasonEvenWhenItWouldSupersede() {
        Promotion refused = check(FROM_STAGING, new Evidence(null, null));
        ReleaseRequested superseding =
                new ReleaseRequested(REQUEST.releaseId(), "demo-app", "1.2.0", "production", null, "alice", null, true);
        Release running = PromotionTest.running();

        Admission admission = Admission.of(superseding, Optional.of(app()), Optional.of(running), refused);

        assertThat(admission.refusal()).isEqualTo(refused.reason());
        assertThat(admission.refusedAs()).isEqualTo(ReleaseStatus.REJECTED);
        assertThat(admission.supersedes())
                .as("nothing is superseded for a refused request")
                .isNull();
        assertThat(admission.promotedFrom()).isNull();
    }

    @Test
    void admissionRecordsTheSourceReleaseOfAnAcceptedPromotion() {
        Promotion ready = check(FROM_STAGING, completedAgo(Duration.ofMinutes(1)));

        Admission admission = Admission.of(REQUEST, Optional.of(app()), Optional.empty(), ready);

        assertThat(admission.refusal()).isNull();
        assertThat(admission.promotedFrom()).isEqualTo(STAGED);
        assertThat(admission.describe(REQUEST, Optional.empty())).endsWith(", promoted from release " + STAGED + ")");
    }

    @Test
    void otherRefusalsStillEndFailed() {
        ReleaseRequested unknown =
                new ReleaseRequested(UUID.randomUUID(), "demo-app", "1.2.0", "qa", null, "alice", null, null);

        Admission admission = Admission.of(unknown, Optional.of(app()), Optional.empty(), null);

        assertThat(admission.refusal()).isEqualTo("application 'demo-app' has no environment 'qa' in the catalog");
        assertThat(admission.refusedAs()).isEqualTo(ReleaseStatus.FAILED);
    }

    private static Release running() {
        return Release.requested(
                new ReleaseRequested(UUID.randomUUID(), "demo-app", "1.1.0", "production", null, "bob", null, null),
                Strategy.BLUE_GREEN,
                Optional.empty(),
                ReleaseStatus.DEPLOYING,
                null,
                NOW);
    }
}
