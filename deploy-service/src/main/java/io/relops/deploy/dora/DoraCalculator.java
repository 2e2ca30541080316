package io.relops.deploy.dora;

import io.relops.common.release.ReleaseStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Computes the four keys from ended releases; pure, so a scripted history with known times asserts them. */
final class DoraCalculator {

    private static final double SECONDS_PER_DAY = 86_400d;

    private DoraCalculator() {}

    /**
     * The keys of one application and environment over {@code [to - window, to)}, from the releases that ended
     * in that window (others are ignored).
     */
    static DoraKeys keys(
            String application, String environment, Collection<ChangeRecord> history, Instant to, Duration window) {
        Instant from = to.minus(window);
        List<Duration> leadTimes = new ArrayList<>();
        List<Duration> restoreTimes = new ArrayList<>();
        long changes = 0;
        long failed = 0;
        for (ChangeRecord release : history) {
            if (!release.application().equals(application)
                    || !release.environment().equals(environment)
                    || release.endedAt().isBefore(from)
                    || !release.endedAt().isBefore(to)
                    || !release.isChange()) {
                continue;
            }
            changes++;
            if (release.isSuccess()) {
                leadTimes.add(Duration.between(release.requestedAt(), release.endedAt()));
            } else {
                failed++;
                if (release.status() == ReleaseStatus.ROLLED_BACK && release.rollingBackAt() != null) {
                    restoreTimes.add(Duration.between(release.rollingBackAt(), release.endedAt()));
                }
            }
        }
        long deployments = leadTimes.size();
        return new DoraKeys(
                application,
                environment,
                from,
                to,
                deployments,
                deployments * SECONDS_PER_DAY / window.toSeconds(),
                median(leadTimes),
                changes,
                failed,
                changes == 0 ? null : (double) failed / changes,
                restoreTimes.size(),
                median(restoreTimes));
    }

    /** The median (the mean of the two middle values for an even count), or null for none. */
    static @Nullable Duration median(List<Duration> durations) {
        if (durations.isEmpty()) {
            return null;
        }
        List<Duration> sorted = durations.stream().sorted().toList();
        int middle = sorted.size() / 2;
        if (sorted.size() % 2 == 1) {
            return sorted.get(middle);
        }
        return sorted.get(middle - 1).plus(sorted.get(middle)).dividedBy(2);
    }
}
