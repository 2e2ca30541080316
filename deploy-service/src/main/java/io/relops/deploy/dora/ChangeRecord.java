package io.relops.deploy.dora;

import io.relops.common.release.ReleaseStatus;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One ended release as the four keys see it.
 *
 * @param status the release's final status (COMPLETED, ROLLED_BACK, FAILED, ...)
 * @param requestedAt when it was requested ({@code release.requested}'s time): the start of its lead time
 * @param endedAt when it reached its final status
 * @param deployedAt when deploying began; null when it never got that far (refused, rejected, aborted before)
 * @param rollingBackAt when its rollback began (the failure was detected); null when it never rolled back
 */
record ChangeRecord(
        String application,
        String environment,
        ReleaseStatus status,
        Instant requestedAt,
        Instant endedAt,
        @Nullable Instant deployedAt,
        @Nullable Instant rollingBackAt) {

    /** A change reached the environment: it was deployed and ended completed, rolled back or failed. */
    boolean isChange() {
        return deployedAt != null && (isSuccess() || isFailure());
    }

    boolean isSuccess() {
        return status == ReleaseStatus.COMPLETED;
    }

    /** A change that degraded the environment and had to be rolled back, or failed once deployed. */
    boolean isFailure() {
        return status == ReleaseStatus.ROLLED_BACK || status == ReleaseStatus.FAILED;
    }
}
