package io.relops.backup.retention;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Decides which backups a {@link RetentionPolicy} keeps. Pure: the caller brings the clock's now and zone.
 *
 * <p>Only <em>good</em> backups (verification passed, or not failed: not verified yet or not asked to be) fill the
 * {@code last}, daily, weekly and monthly slots; a backup that failed verification never does. It is kept as evidence
 * only while no good backup has been taken after it (so the operator alerted by its {@code backup.failed} can look
 * at it or verify it again), then pruned. Whatever the rules say, the newest verified backup and every backup a
 * release in progress refers to are kept.
 */
public final class Retention {

    private Retention() {}

    /** What verification said about a backup. */
    public enum Verification {
        PASSED,
        FAILED,
        /** not verified (yet, or the catalog does not ask for it) */
        NONE
    }

    /** A stored backup as retention sees it. */
    public record Candidate(UUID id, Instant takenAt, Verification verification, boolean referencedByActiveRelease) {

        boolean good() {
            return verification != Verification.FAILED;
        }
    }

    /** Why a backup is kept; the backups not in {@code kept} are pruned. */
    public record Decision(Map<UUID, String> kept, List<Candidate> prune) {}

    public static Decision decide(List<Candidate> candidates, RetentionPolicy policy, Instant now, ZoneId zone) {
        List<Candidate> newestFirst = candidates.stream()
                .sorted(Comparator.comparing(Candidate::takenAt).reversed().thenComparing(Candidate::id))
                .toList();
        Map<UUID, String> kept = new LinkedHashMap<>();
        Instant oldestAllowed = now.minus(policy.maxAge());
        List<Candidate> young = newestFirst.stream()
                .filter(c -> !c.takenAt().isBefore(oldestAllowed))
                .toList();
        List<Candidate> good = young.stream().filter(Candidate::good).toList();
        good.stream().limit(policy.last()).forEach(c -> keep(kept, c, "last"));
        keepNewestPerPeriod(good, policy.daily(), c -> day(c, zone), "daily", kept);
        keepNewestPerPeriod(
                good,
                policy.weekly(),
                c -> {
                    LocalDate d = day(c, zone);
                    return d.get(IsoFields.WEEK_BASED_YEAR) + "-W" + d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
                },
                "weekly",
                kept);
        keepNewestPerPeriod(
                good,
                policy.monthly(),
                c -> {
                    LocalDate d = day(c, zone);
                    return d.getYear() + "-" + d.getMonthValue();
                },
                "monthly",
                kept);
        Optional<Instant> newestGood =
                young.stream().filter(Candidate::good).map(Candidate::takenAt).findFirst();
        young.stream()
                .filter(c -> !c.good())
                .filter(c -> newestGood.isEmpty() || c.takenAt().isAfter(newestGood.get()))
                .forEach(c -> keep(kept, c, "failed verification, evidence until a good backup follows"));
        newestFirst.stream()
                .filter(c -> c.verification() == Verification.PASSED)
                .findFirst()
                .ifPresent(c -> keep(kept, c, "newest verified"));
        newestFirst.stream()
                .filter(Candidate::referencedByActiveRelease)
                .forEach(c -> keep(kept, c, "release in progress"));
        List<Candidate> prune = new ArrayList<>();
        for (Candidate c : newestFirst) {
            if (!kept.containsKey(c.id())) {
                prune.add(c);
            }
        }
        return new Decision(kept, prune);
    }

    private static void keep(Map<UUID, String> kept, Candidate c, String rule) {
        kept.merge(c.id(), rule, (a, b) -> a + ", " + b);
    }

    private static void keepNewestPerPeriod(
            List<Candidate> newestFirst,
            int periods,
            Function<Candidate, Object> period,
            String rule,
            Map<UUID, String> kept) {
        Set<Object> seen = new HashSet<>();
        for (Candidate c : newestFirst) {
            if (seen.size() == periods && !seen.contains(period.apply(c))) {
                break;
            }
            if (seen.add(period.apply(c))) {
                keep(kept, c, rule);
            }
        }
    }

    private static LocalDate day(Candidate c, ZoneId zone) {
        return c.takenAt().atZone(zone).toLocalDate();
    }
}
