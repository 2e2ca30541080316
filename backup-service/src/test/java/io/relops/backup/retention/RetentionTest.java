package io.relops.backup.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relops.backup.retention.Retention.Verification;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RetentionTest {

    private static final LocalDate FIRST = LocalDate.of(2026, 1, 1); // a Thursday
    private static final RetentionPolicy POLICY = new RetentionPolicy(3, 7, 4, 6, Duration.ofDays(80));
    private static final Set<LocalDate> FAILED_VERIFICATION = Set.of(
            LocalDate.of(2026, 1, 20),
            LocalDate.of(2026, 2, 28), // the last of February: its monthly slot falls to 02-27
            LocalDate.of(2026, 3, 11),
            LocalDate.of(2026, 3, 29), // a Sunday: its weekly slot falls to 03-28 (and then out of the 4 weeks)
            LocalDate.of(2026, 4, 19), // a Sunday: its weekly slot falls to 04-18
            LocalDate.of(2026, 4, 27), // in the daily window: 04-27 has no daily backup
            LocalDate.of(2026, 4, 30)); // the newest: kept as evidence, no good backup after it

    /**
     * 120 days (2026-01-01 … 2026-04-30) of one scheduled backup a day at 02:00, verified and then pruned, as the
     * service does; seven of them fail verification; 03-31 is not verified (verification was off that day); three
     * pre-deploy backups at noon: 01-15 (verified) and 04-22 (failed verification) for releases still in progress,
     * 03-10 for one that finished.
     */
    @Test
    void leavesExactlyTheGfsSetAndTheProtectedOnesAfter120SimulatedDaysWithFailedVerifications() {
        List<Retention.Candidate> stored = new ArrayList<>();
        for (int day = 0; day < 120; day++) {
            LocalDate date = FIRST.plusDays(day);
            Instant scheduled = date.atTime(2, 0).toInstant(ZoneOffset.UTC);
            Verification verification = FAILED_VERIFICATION.contains(date)
                    ? Verification.FAILED
                    : date.equals(LocalDate.of(2026, 3, 31)) ? Verification.NONE : Verification.PASSED;
            stored.add(new Retention.Candidate(UUID.randomUUID(), scheduled, verification, false));
            Retention.Decision decision = Retention.decide(stored, POLICY, scheduled, ZoneOffset.UTC);

            Retention.Candidate newestVerified = stored.stream()
                    .filter(c -> c.verification() == Verification.PASSED)
                    .max(Comparator.comparing(Retention.Candidate::takenAt))
                    .orElseThrow();
            assertThat(decision.prune()).doesNotContain(newestVerified);
            assertThat(decision.prune()).noneMatch(Retention.Candidate::referencedByActiveRelease);
            stored.stream()
                    .filter(c -> c.verification() == Verification.FAILED)
                    .filter(c -> decision.kept().containsKey(c.id()))
                    .forEach(c -> assertThat(decision.kept().get(c.id()))
                            .as("why the failed backup of %s is kept on %s", c.takenAt(), date)
                            .doesNotContain("last", "daily", "weekly", "monthly"));
            stored.removeAll(decision.prune());

            if (date.equals(LocalDate.of(2026, 1, 15))) {
                stored.add(preDeploy(date, Verification.PASSED, true));
            }
            if (date.equals(LocalDate.of(2026, 3, 10))) {
                stored.add(preDeploy(date, Verification.PASSED, false));
            }
            if (date.equals(LocalDate.of(2026, 4, 22))) {
                stored.add(preDeploy(date, Verification.FAILED, true));
            }
        }

        Set<String> kept =
                stored.stream().map(c -> c.takenAt().toString()).collect(Collectors.toCollection(TreeSet::new));
        assertThat(kept)
                .containsExactly(
                        "2026-01-15T12:00:00Z", // release in progress, though older than max-age
                        "2026-02-27T02:00:00Z", // monthly: 02-28 failed verification
                        "2026-03-31T02:00:00Z", // monthly: not verified, but not failed either
                        "2026-04-12T02:00:00Z", // weekly
                        "2026-04-18T02:00:00Z", // weekly: 04-19 failed verification
                        "2026-04-22T02:00:00Z", // daily ×7 on the days with a good backup: 22-26, 28, 29
                        "2026-04-22T12:00:00Z", // release in progress, though its verification failed
                        "2026-04-23T02:00:00Z",
                        "2026-04-24T02:00:00Z",
                        "2026-04-25T02:00:00Z",
                        "2026-04-26T02:00:00Z", // also weekly, last
                        "2026-04-28T02:00:00Z", // also last
                        "2026-04-29T02:00:00Z", // also last, weekly, monthly, and the newest verified
                        "2026-04-30T02:00:00Z"); // failed verification: evidence until a good backup follows
    }

    @Test
    void keepsAFailedBackupAsEvidenceOnlyUntilAGoodOneFollows() {
        Instant now = Instant.parse("2026-04-30T02:00:00Z");
        Retention.Candidate good =
                new Retention.Candidate(UUID.randomUUID(), now.minus(Duration.ofDays(1)), Verification.PASSED, false);
        Retention.Candidate failed = new Retention.Candidate(UUID.randomUUID(), now, Verification.FAILED, false);
        RetentionPolicy policy = new RetentionPolicy(3, 7, 4, 6, Duration.ofDays(30));

        Retention.Decision first = Retention.decide(List.of(good, failed), policy, now, ZoneOffset.UTC);
        assertThat(first.prune()).isEmpty();
        assertThat(first.kept().get(failed.id()))
                .isEqualTo("failed verification, evidence until a good backup follows");

        Retention.Candidate next =
                new Retention.Candidate(UUID.randomUUID(), now.plus(Duration.ofDays(1)), Verification.NONE, false);
        Retention.Decision second =
                Retention.decide(List.of(good, failed, next), policy, now.plus(Duration.ofDays(1)), ZoneOffset.UTC);
        assertThat(second.prune()).containsExactly(failed);
        assertThat(second.kept()).containsOnlyKeys(good.id(), next.id());
    }

    @Test
    void aFailedBackupNeverFillsASlotEvenWhenItIsTheOnlyOneOfItsDay() {
        Instant now = Instant.parse("2026-04-30T02:00:00Z");
        List<Retention.Candidate> candidates = new ArrayList<>();
        for (int day = 5; day >= 1; day--) {
            candidates.add(new Retention.Candidate(
                    UUID.randomUUID(),
                    now.minus(Duration.ofDays(day)),
                    day % 2 == 0 ? Verification.FAILED : Verification.PASSED,
                    false));
        }
        candidates.add(new Retention.Candidate(UUID.randomUUID(), now, Verification.PASSED, false));
        Retention.Decision decision =
                Retention.decide(candidates, new RetentionPolicy(2, 4, 0, 0, Duration.ofDays(30)), now, ZoneOffset.UTC);
        assertThat(decision.prune()).allMatch(c -> c.verification() == Verification.FAILED);
        assertThat(decision.prune()).hasSize(2);
        assertThat(decision.kept()).hasSize(4);
    }

    private static Retention.Candidate preDeploy(LocalDate date, Verification verification, boolean inProgress) {
        return new Retention.Candidate(
                UUID.randomUUID(), date.atTime(12, 0).toInstant(ZoneOffset.UTC), verification, inProgress);
    }

    @Test
    void explainsWhyEachBackupIsKept() {
        Instant now = Instant.parse("2026-04-30T02:00:00Z");
        Retention.Candidate today = new Retention.Candidate(UUID.randomUUID(), now, Verification.NONE, false);
        Retention.Candidate old =
                new Retention.Candidate(UUID.randomUUID(), now.minus(Duration.ofDays(200)), Verification.PASSED, false);
        Retention.Decision decision = Retention.decide(
                List.of(today, old), new RetentionPolicy(0, 1, 1, 1, Duration.ofDays(30)), now, ZoneOffset.UTC);
        assertThat(decision.kept())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(today.id(), "daily, weekly, monthly", old.id(), "newest verified"));
        assertThat(decision.prune()).isEmpty();
    }

    @Test
    void keepsTheLastFewOfOneDayBesideTheDailyNewest() {
        Instant now = Instant.parse("2026-04-30T18:00:00Z");
        List<Retention.Candidate> today = new ArrayList<>();
        for (int hour = 1; hour <= 5; hour++) {
            today.add(new Retention.Candidate(
                    UUID.randomUUID(), now.minus(Duration.ofHours(hour)), Verification.NONE, false));
        }
        Retention.Decision decision =
                Retention.decide(today, new RetentionPolicy(2, 7, 0, 0, Duration.ofDays(30)), now, ZoneOffset.UTC);
        assertThat(decision.kept())
                .containsOnlyKeys(today.get(0).id(), today.get(1).id());
        assertThat(decision.prune()).containsExactly(today.get(2), today.get(3), today.get(4));
    }

    @Test
    void prunesEverythingPastMaxAgeThatNothingProtects() {
        Instant now = Instant.parse("2026-04-30T02:00:00Z");
        Retention.Candidate fresh = new Retention.Candidate(UUID.randomUUID(), now, Verification.PASSED, false);
        Retention.Candidate stale =
                new Retention.Candidate(UUID.randomUUID(), now.minus(Duration.ofDays(31)), Verification.PASSED, false);
        Retention.Decision decision = Retention.decide(
                List.of(fresh, stale), new RetentionPolicy(3, 7, 4, 12, Duration.ofDays(30)), now, ZoneOffset.UTC);
        assertThat(decision.prune()).containsExactly(stale);
    }

    @Test
    void refusesANonsensicalPolicy() {
        assertThatThrownBy(() -> new RetentionPolicy(0, -1, 0, 0, Duration.ofDays(1)))
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> new RetentionPolicy(1, 1, 0, 0, Duration.ZERO)).hasMessageContaining("max-age");
    }
}
