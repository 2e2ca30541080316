package io.relops.common.release;

/** The states of a release (docs/architecture.md, "Release lifecycle"). */
public enum ReleaseStatus {
    REQUESTED,
    AWAITING_APPROVAL,
    AWAITING_BACKUP,
    DEPLOYING,
    VERIFYING,
    PROMOTING,
    COMPLETED,
    ROLLING_BACK,
    ROLLED_BACK,
    FAILED,
    REJECTED,
    ABORTED;

    /** An end that is not the one asked for: its reason is the release's reason. */
    public boolean isFailure() {
        return this == ROLLING_BACK || this == ROLLED_BACK || this == FAILED || this == REJECTED || this == ABORTED;
    }

    public boolean isTerminal() {
        return this == COMPLETED || this == ROLLED_BACK || this == FAILED || this == REJECTED || this == ABORTED;
    }
}
