package io.relops.common.release;

import io.relops.common.event.EventType;
import java.util.Arrays;
import java.util.Optional;

/**
 * What an operator can do to a release, each through the gateway's {@code POST /api/releases/{id}/<wireName>}
 * and each published as one event ({@link #eventType()}) with the operator as actor. Which statuses allow
 * which action is one table: {@link ReleaseStatus#allowedActions()}.
 */
public enum OperatorAction {
    /** Lets a release awaiting approval proceed (four-eyes: not by its requester). */
    APPROVE("approve", "approve", EventType.RELEASE_APPROVED),
    /** Ends a release awaiting approval, {@link ReleaseStatus#REJECTED}. */
    REJECT("reject", "reject", EventType.RELEASE_REJECTED),
    /** Moves a canary paused between steps to its next step. */
    PROMOTE("promote", "promote", EventType.RELEASE_PROMOTION_REQUESTED),
    /** Stops a release in progress: traffic back to the stable version, {@link ReleaseStatus#ABORTED}. */
    ABORT("abort", "abort", EventType.RELEASE_ABORT_REQUESTED),
    /**
     * Rolls a release back, {@link ReleaseStatus#ROLLED_BACK}: one in progress like an abort, a
     * {@link ReleaseStatus#COMPLETED} one by restoring the version it replaced.
     */
    ROLLBACK("rollback", "roll back", EventType.ROLLBACK_REQUESTED);

    private final String wireName;
    private final String verb;
    private final EventType eventType;

    OperatorAction(String wireName, String verb, EventType eventType) {
        this.wireName = wireName;
        this.verb = verb;
        this.eventType = eventType;
    }

    /** The last segment of the action's URL, {@code POST /api/releases/{id}/<wireName>}, and the CLI's subcommand. */
    public String wireName() {
        return wireName;
    }

    /** The action in a sentence: "cannot roll back release …". */
    public String verb() {
        return verb;
    }

    /** The event the gateway publishes for the action. */
    public EventType eventType() {
        return eventType;
    }

    /**
     * Whether a release in {@code status} may allow this action: {@link ReleaseStatus#allowedActions()}.
     * For {@link #PROMOTE} that is only "may": a promotion also needs the canary to be paused between
     * steps, which only deploy-service knows (its release's {@code paused} field); see
     * {@link #allowedIn(ReleaseStatus, boolean)}.
     */
    public boolean allowedIn(ReleaseStatus status) {
        return status.allowedActions().contains(this);
    }

    /**
     * Whether a release in {@code status} allows this action, given whether deploy-service reports it
     * {@code paused} between canary steps (which matters to {@link #PROMOTE} only).
     */
    public boolean allowedIn(ReleaseStatus status, boolean paused) {
        return allowedIn(status) && (this != PROMOTE || paused);
    }

    /** The action named {@code name} (its {@link #wireName()}), if there is one. */
    public static Optional<OperatorAction> of(String name) {
        return Arrays.stream(values()).filter(a -> a.wireName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
