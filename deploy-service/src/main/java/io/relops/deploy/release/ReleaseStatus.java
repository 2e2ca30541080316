package io.relops.deploy.release;

/** The states of a release (DESIGN.md). */
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

    public boolean isTerminal() {
        return this == COMPLETED || this == ROLLED_BACK || this == FAILED || this == REJECTED || this == ABORTED;
    }
}
