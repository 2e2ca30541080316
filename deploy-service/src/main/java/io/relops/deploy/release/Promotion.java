package io.relops.deploy.release;

import io.relops.common.release.ReleaseStatus;
import io.relops.deploy.catalog.DeployCatalog.PromotionSpec;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Whether a version may be released to an environment whose catalog entry says {@code promotion: {from, soak,
 * not-rolled-back}} (pure; the facts are read by {@link Promotions}). It may when, in {@code from}:
 *
 * <ol>
 *   <li>a release of the same version reached COMPLETED — the newest such release is the <em>source</em>, and its
 *       time of completion the start of the soak;
 *   <li>with {@code notRolledBack} (the default), no release of that version in {@code from} ended ROLLED_BACK at or
 *       after that time: neither the source itself (a manual rollback of the live release, or {@code health.failed}
 *       in its watch window) nor a later release of the same version; and no such release is ROLLING_BACK now, or
 *       had a rollback that failed (a restore that failed leaves it COMPLETED, still serving a version found bad;
 *       a rollback past its deadline ends it FAILED) — a rollback started at or after that time counts;
 *   <li>at least {@code soak} has passed since that time.
 * </ol>
 *
 * {@code missing} says which of these is missing ({@link Missing#NONE} when the promotion may go ahead); {@code reason}
 * says it in words naming the environment and the version; {@code soakRemaining} is what is left of the soak (zero
 * when it is over, null when the version never completed or was rolled back).
 */
record Promotion(
        String application,
        String environment,
        String from,
        String version,
        Missing missing,
        String reason,
        @Nullable UUID source,
        @Nullable OffsetDateTime completedAt,
        @Nullable Duration soakRemaining) {

    /** What keeps a version from an environment; its {@link #wireName()} is the API's {@code missing}. */
    enum Missing {
        NONE,
        NOT_COMPLETED,
        ROLLED_BACK,
        ROLLING_BACK,
        ROLLBACK_FAILED,
        SOAK;

        String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * What {@code from} knows about the version: its newest completed release, its newest rollback (ended
     * ROLLED_BACK), and its newest rollback that did not end ROLLED_BACK (in progress, or failed).
     */
    record Evidence(
            @Nullable Completed completed,
            @Nullable OffsetDateTime rolledBackAt,
            @Nullable Unsettled unsettled) {

        Evidence(@Nullable Completed completed, @Nullable OffsetDateTime rolledBackAt) {
            this(completed, rolledBackAt, null);
        }
    }

    /**
     * A release of the version whose rollback started at {@code since} and did not end ROLLED_BACK: it is
     * ROLLING_BACK still, or its rollback failed (COMPLETED again after a failed restore, or FAILED).
     */
    record Unsettled(UUID releaseId, ReleaseStatus status, OffsetDateTime since) {}

    /** A release of the version that reached COMPLETED, and when. */
    record Completed(UUID releaseId, OffsetDateTime at) {}

    static Promotion check(
            String application,
            String environment,
            PromotionSpec rule,
            String version,
            Evidence evidence,
            OffsetDateTime now) {
        String what = application + " " + version;
        String refused = "promotion to " + environment + " refused: ";
        Completed done = evidence.completed();
        if (done == null) {
            return new Promotion(
                    application,
                    environment,
                    rule.from(),
                    version,
                    Missing.NOT_COMPLETED,
                    refused + what + " has not completed in " + rule.from() + " (" + environment
                            + " takes only versions released to " + rule.from() + " first)",
                    null,
                    null,
                    null);
        }
        OffsetDateTime rolledBack = evidence.rolledBackAt();
        if (rule.notRolledBack() && rolledBack != null && !rolledBack.isBefore(done.at())) {
            return new Promotion(
                    application,
                    environment,
                    rule.from(),
                    version,
                    Missing.ROLLED_BACK,
                    refused + what + " was rolled back in " + rule.from() + " at " + rolledBack
                            + ", after it completed there (release " + done.releaseId() + ")",
                    done.releaseId(),
                    done.at(),
                    null);
        }
        Unsettled unsettled = evidence.unsettled();
        if (rule.notRolledBack() && unsettled != null && !unsettled.since().isBefore(done.at())) {
            boolean rolling = unsettled.status() == ReleaseStatus.ROLLING_BACK;
            return new Promotion(
                    application,
                    environment,
                    rule.from(),
                    version,
                    rolling ? Missing.ROLLING_BACK : Missing.ROLLBACK_FAILED,
                    refused + what + (rolling ? " is being rolled back in " : " had a rollback that failed in ")
                            + rule.from() + " (started at " + unsettled.since() + ", release " + unsettled.releaseId()
                            + (rolling ? "" : ", now " + unsettled.status()) + ")",
                    done.releaseId(),
                    done.at(),
                    null);
        }
        Duration soaked = Duration.between(done.at(), now);
        Duration left = rule.soak().minus(soaked);
        if (!left.isNegative() && !left.isZero()) {
            Duration remaining = left.truncatedTo(ChronoUnit.SECONDS).plusSeconds(left.getNano() > 0 ? 1 : 0);
            return new Promotion(
                    application,
                    environment,
                    rule.from(),
                    version,
                    Missing.SOAK,
                    refused + what + " completed in " + rule.from() + " at " + done.at() + " and must soak there "
                            + words(rule.soak()) + " first: " + words(remaining) + " left",
                    done.releaseId(),
                    done.at(),
                    remaining);
        }
        return new Promotion(
                application,
                environment,
                rule.from(),
                version,
                Missing.NONE,
                what + " completed in " + rule.from() + " at " + done.at() + " (release " + done.releaseId() + ")",
                done.releaseId(),
                done.at(),
                Duration.ZERO);
    }

    boolean ready() {
        return missing == Missing.NONE;
    }

    /** {@code 1h 5m 3s}: a duration as people read it. */
    static String words(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        StringBuilder text = new StringBuilder();
        if (seconds >= 3600) {
            text.append(seconds / 3600).append("h ");
        }
        if (seconds % 3600 >= 60) {
            text.append(seconds % 3600 / 60).append("m ");
        }
        if (seconds % 60 > 0 || text.length() == 0) {
            text.append(seconds % 60).append('s');
        }
        return text.toString().strip();
    }
}
