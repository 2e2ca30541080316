package io.relops.deploy.release;

import io.relops.deploy.release.ReleaseRepository.BackupOutcome;
import java.time.OffsetDateTime;
import org.jspecify.annotations.Nullable;

/**
 * What {@link ReleaseLifecycle} may need to know besides the release itself, read by the engine before it
 * decides: the time, whether the release is the live one, another release of the same application and
 * environment in progress, the pre-deploy backup's outcome when it came first, and — for the inputs that may start
 * the deploy (start, approval, backup outcome) — the promotion check of the release's version to its environment
 * when that environment has a promotion rule ({@link Promotion}, checked again then: the source environment may have
 * rolled the version back while the release waited for approval or its backup).
 */
record Facts(
        OffsetDateTime now,
        boolean live,
        @Nullable Release otherInProgress,
        @Nullable BackupOutcome backup,
        @Nullable Promotion promotion) {

    static Facts at(OffsetDateTime now) {
        return new Facts(now, false, null, null, null);
    }

    Facts withPromotion(@Nullable Promotion check) {
        return new Facts(now, live, otherInProgress, backup, check);
    }
}
