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
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/** Decides which backups a {@link RetentionPolicy} keeps. Pure: the caller brings the clock's now and zone. */
public final class Retention {

    private Retention() {}

    /** A stored backup as retention sees it. */
    public record Candidate(UUID id, Instant takenAt, boolean verified, boolean referencedByActiveRelease) {}

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
        young.stream().limit(policy.last()).forEach(c -> kept.merge(c.id(), "last", (a, b) -> a + ", " + b));
        keepNewestPerPeriod(young, policy.daily(), c -> day(c, zone), "daily", kept);
        keepNewestPerPeriod(
                young,
                policy.weekly(),
                c -> {
                    LocalDate d = day(c, zone);
                    return d.get(IsoFields.WEEK_BASED_YEAR) + "-W" + d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
                },
                "weekly",
                kept);
        keepNewestPerPeriod(
                young,
                policy.monthly(),
                c -> {
                    LocalDate d = day(c, zone);
                    return d.getYear() + "-" + d.getMonthValue();
                },
                "monthly",
                kept);
        newestFirst.stream()
                .filter(Candidate::verified)
                .findFirst()
                .ifPresent(c -> kept.merge(c.id(), "newest verified", (a, b) -> a + ", " + b));
        newestFirst.stream()
                .filter(Candidate::referencedByActiveRelease)
                .forEach(c -> kept.merge(c.id(), "release in progress", (a, b) -> a + ", " + b));
        List<Candidate> prune = new ArrayList<>();
        for (Candidate c : newestFirst) {
            if (!kept.containsKey(c.id())) {
                prune.add(c);
            }
        }
        return new Decision(kept, prune);
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
                kept.merge(c.id(), rule, (a, b) -> a + ", " + b);
            }
        }
    }

    private static LocalDate day(Candidate c, ZoneId zone) {
        return c.takenAt().atZone(zone).toLocalDate();
    }
}
