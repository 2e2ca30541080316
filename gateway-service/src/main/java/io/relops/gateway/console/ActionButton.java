package io.relops.gateway.console;

import io.relops.common.release.OperatorAction;
import io.relops.common.release.ReleaseStatus;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An operator action's button on the release page: its form posts to
 * {@code /console/releases/{id}/<action's wire name>}, with an optional or required note ({@code text}).
 *
 * @param note the placeholder of the note's field; {@code null}: no field
 */
public record ActionButton(
        OperatorAction action,
        String label,
        String style,
        @Nullable String note,
        boolean noteRequired,
        String noteLabel) {

    static ActionButton of(OperatorAction action) {
        return switch (action) {
            case APPROVE ->
                new ActionButton(action, "Approve", "primary", "comment (optional)", false, "approval comment");
            case REJECT -> new ActionButton(action, "Reject", "danger", "reason (required)", true, "rejection reason");
            case PROMOTE -> new ActionButton(action, "Promote to next step", "primary", null, false, "");
            case ABORT -> new ActionButton(action, "Abort", "danger", "reason (optional)", false, "abort reason");
            case ROLLBACK ->
                new ActionButton(action, "Roll back", "danger", "reason (optional)", false, "rollback reason");
        };
    }

    /** The last segment of the form's URL. */
    public String name() {
        return action.wireName();
    }

    /**
     * The buttons {@code user} may press on {@code release} now: the actions its status allows
     * ({@link ReleaseStatus#allowedActions()}, a promotion only while deploy-service reports the canary
     * paused) that the user's role may take — approve and reject by the environment's {@code approverRole}
     * (approve not by the release's requester: four-eyes), the others by operators. Admins have every role.
     */
    static List<ActionButton> shown(ReleaseView release, ConsoleUser user, String approverRole) {
        List<ActionButton> buttons = new ArrayList<>();
        for (OperatorAction action : OperatorAction.values()) {
            if (release.allows(action) && mayTake(action, release, user, approverRole)) {
                buttons.add(of(action));
            }
        }
        return buttons;
    }

    private static boolean mayTake(OperatorAction action, ReleaseView release, ConsoleUser user, String approverRole) {
        return switch (action) {
            case APPROVE -> user.hasRole(approverRole) && !user.getName().equals(release.requestedBy());
            case REJECT -> user.hasRole(approverRole);
            case PROMOTE, ABORT, ROLLBACK -> user.isOperator();
        };
    }
}
