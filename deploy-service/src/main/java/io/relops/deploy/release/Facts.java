package io.relops.deploy.release;

import io.relops.deploy.release.ReleaseRepository.BackupOutcome;
import java.time.OffsetDateTime;
import org.jspecify.annotations.Nullable;

/**
 * What {@link ReleaseLifecycle} may need to know besides the release itself, read by the engine before it
 * decides: the time, whether the release is the live one, another release of the same application and
 * environment in progress, and the pre-deploy backup's outcome when it came first.
 */
record Facts(
        OffsetDateTime now,
        boolean live,
        @Nullable Release otherInProgress,
        @Nullable BackupOutcome backup) {

    static Facts at(OffsetDateTime now) {
        return new Facts(now, false, null, null);
    }
}
