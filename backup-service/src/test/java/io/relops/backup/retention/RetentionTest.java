package io.relops.backup.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RetentionTest {

    private static final LocalDate FIRST = LocalDate.of(2026, 1, 1); // a Thursday
    private static final RetentionPolicy POLICY = new RetentionPolicy(3, 7, 4, 6, Duration.ofDays(80));

    /**
     * 120 days (2026-01-01 … 2026-04-30) of one scheduled backup a day at 02:00, pruned after each, as the service
     * does; verification fails from 04-21 on; two pre-deploy backups at noon: 01-15 for a release still in progress,
     * 03-10 for one that finished.
     */
    @Test
    void leavesExactlyTheGfsSetAndTheProtectedOnesAfter120SimulatedDays() {
        List<Retention.Candidate> stored = new ArrayList<>();
        UUID inProgress = UUID.randomUUID();
        for (int day = 0; day < 120; day++) {
            LocalDate date = FIRST.plusDays(day);
            Instant scheduled = date.atTime(2, 0).toInstant(ZoneOffset.UTC);
            stored.add(new Retention.Candidate(
                    UUID.randomUUID(), scheduled, date.isBefore(LocalDate.of(2026, 4, 21)), false));
            Retention.Decision decision = Retention.decide(stored, POLICY, scheduled, ZoneOffset.UTC);
            Retention.Candidate newestVerified = stored.stream()
                    .filter(Retention.Candidate::verified)
                    .max(java.util.Comparator.comparing(Retention.Candidate::takenAt))
                    .orElseThrow();
            assertThat(decision.prune()).doesNotContain(newestVerified);
            assertThat(decision.prune()).noneMatch(Retention.Candidate::referencedByActiveRelease);
            stored.removeAll(decision.prune());
            if (date.equals(LocalDate.of(2026, 1, 15))) {
                stored.add(
                        new Retention.Candidate(inProgress, date.atTime(12, 0).toInstant(ZoneOffset.UTC), true, true));
            }
            if (date.equals(LocalDate.of(2026, 3, 10))) {
                stored.add(new Retention.Candidate(
                        UUID.randomUUID(), date.atTime(12, 0).toInstant(ZoneOffset.UTC), true, false));
            }
        }

        Set<String> kept = stored.stream()
                .map(c -> c.takenAt().toString())
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        assertThat(kept)
                .containsExactly(
                        "2026-01-15T12:00:00Z", // release in progress, though older than max-age
                        "2026-02-28T02:00:00Z", // monthly (January is past max-age: none kept for it)
                        "2026-03-31T02:00:00Z", // monthly
                        "2026-04-12T02:00:00Z", // weekly
                        "2026-04-19T02:00:00Z", // weekly
                        "2026-04-20T02:00:00Z", // the newest verified backup
                        "2026-04-24T02:00:00Z", // daily ×7 (04-26 and 04-30 also weekly, 04-30 monthly, 28-30 last)
                        "2026-04-25T02:00:00Z",
                        "2026-04-26T02:00:00Z",
                        "2026-04-27T02:00:00Z",
                        "2026-04-28T02:00:00Z",
                        "2026-04-29T02:00:00Z",
                        "2026-04-30T02:00:00Z");
    }

    @Test
    void explainsWhyEachBackupIsKept() {
        Instant now = Instant.parse("2026-04-30T02:00:00Z");
        Retention.Candidate today = new Retention.Candidate(UUID.randomUUID(), now, false, false);
        Retention.Candidate old =
                new Retention.Candidate(UUID.randomUUID(), now.minus(Duration.ofDays(200)), true, false);
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
            today.add(new Retention.Candidate(UUID.randomUUID(), now.minus(Duration.ofHours(hour)), false, false));
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
        Retention.Candidate fresh = new Retention.Candidate(UUID.randomUUID(), now, true, false);
        Retention.Candidate stale =
                new Retention.Candidate(UUID.randomUUID(), now.minus(Duration.ofDays(31)), true, false);
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
