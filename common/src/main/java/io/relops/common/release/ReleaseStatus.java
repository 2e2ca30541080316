package io.relops.common.release;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The states of a release (docs/deploy-service.md, "States"); its {@link #name()} is the
 * status in the API ({@code "status": "COMPLETED"}) and the JSON Schemas.
 */
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

    private static final Map<ReleaseStatus, Set<OperatorAction>> ALLOWED = allowed();

    /** An end that is not the one asked for: its reason is the release's reason. */
    public boolean isFailure() {
        return this == ROLLING_BACK || this == ROLLED_BACK || this == FAILED || this == REJECTED || this == ABORTED;
    }

    public boolean isTerminal() {
        return this == COMPLETED || this == ROLLED_BACK || this == FAILED || this == REJECTED || this == ABORTED;
    }

    /**
     * The operator actions a release in this status may allow — the one table the gateway, its console
     * and the CLI decide by:
     *
     * <ul>
     *   <li>{@link OperatorAction#APPROVE approve} and {@link OperatorAction#REJECT reject}: only in
     *       {@link #AWAITING_APPROVAL};
     *   <li>{@link OperatorAction#PROMOTE promote}: in {@link #PROMOTING}, and only while the canary is
     *       paused between steps — which only deploy-service knows, so at the status level this is
     *       "may be allowed" ({@link OperatorAction#allowedIn(ReleaseStatus, boolean)} takes the pause);
     *   <li>{@link OperatorAction#ABORT abort}: in every status that is not terminal, except
     *       {@link #ROLLING_BACK} (nothing left to abort);
     *   <li>{@link OperatorAction#ROLLBACK rollback}: the same, and in {@link #COMPLETED} (restores the
     *       previous version).
     * </ul>
     *
     * Who may press them (roles, four-eyes) is the gateway's business, not the status's.
     */
    public Set<OperatorAction> allowedActions() {
        return ALLOWED.get(this);
    }

    /** The status named {@code name}, if there is one (a newer service may answer one this build does not know). */
    public static Optional<ReleaseStatus> of(String name) {
        return Arrays.stream(values()).filter(s -> s.name().equals(name)).findFirst();
    }

    private static Map<ReleaseStatus, Set<OperatorAction>> allowed() {
        Map<ReleaseStatus, Set<OperatorAction>> allowed = new EnumMap<>(ReleaseStatus.class);
        for (ReleaseStatus status : values()) {
            Set<OperatorAction> actions = EnumSet.noneOf(OperatorAction.class);
            if (status == AWAITING_APPROVAL) {
                actions.add(OperatorAction.APPROVE);
                actions.add(OperatorAction.REJECT);
            }
            if (status == PROMOTING) {
                actions.add(OperatorAction.PROMOTE);
            }
            if (!status.isTerminal() && status != ROLLING_BACK) {
                actions.add(OperatorAction.ABORT);
                actions.add(OperatorAction.ROLLBACK);
            }
            if (status == COMPLETED) {
                actions.add(OperatorAction.ROLLBACK);
            }
            allowed.put(status, Collections.unmodifiableSet(actions));
        }
        return allowed;
    }
}
