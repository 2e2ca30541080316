package io.relops.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.common.release.OperatorAction;
import io.relops.common.release.ReleaseStatus;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The release page's buttons: what the status allows (the common table), narrowed by the user's role. */
class ActionButtonTest {

    private static final ConsoleUser OPERATOR = new ConsoleUser("olga", List.of("operator"), "t1");
    private static final ConsoleUser APPROVER = new ConsoleUser("bob", List.of("approver"), "t2");
    private static final ConsoleUser REQUESTER = new ConsoleUser("alice", List.of("approver", "operator"), "t3");
    private static final ConsoleUser ADMIN = new ConsoleUser("root", List.of("admin"), "t4");
    private static final ConsoleUser AUDITOR = new ConsoleUser("aud", List.of("auditor"), "t5");

    @ParameterizedTest
    @EnumSource(ReleaseStatus.class)
    void eachRoleSeesWhatTheStatusAllowsAndItsRoleMayDo(ReleaseStatus status) {
        for (boolean paused : new boolean[] {false, true}) {
            ReleaseView release = release(status, paused);
            Set<OperatorAction> allowed = EnumSet.noneOf(OperatorAction.class);
            for (OperatorAction action : OperatorAction.values()) {
                if (action.allowedIn(status, paused)) {
                    allowed.add(action);
                }
            }
            Set<OperatorAction> operators =
                    EnumSet.of(OperatorAction.PROMOTE, OperatorAction.ABORT, OperatorAction.ROLLBACK);
            Set<OperatorAction> approvers = EnumSet.of(OperatorAction.APPROVE, OperatorAction.REJECT);

            assertThat(shown(release, OPERATOR)).as("operator, %s", status).isEqualTo(intersection(allowed, operators));
            assertThat(shown(release, APPROVER)).as("approver, %s", status).isEqualTo(intersection(allowed, approvers));
            assertThat(shown(release, ADMIN)).as("admin, %s", status).isEqualTo(allowed);
            assertThat(shown(release, AUDITOR)).as("auditor, %s", status).isEmpty();
            Set<OperatorAction> requesters = EnumSet.copyOf(allowed);
            requesters.remove(OperatorAction.APPROVE);
            assertThat(shown(release, REQUESTER))
                    .as("its requester, %s", status)
                    .isEqualTo(requesters);
        }
    }

    @ParameterizedTest
    @EnumSource(OperatorAction.class)
    void eachButtonPostsToItsActionsRoute(OperatorAction action) {
        ActionButton button = ActionButton.of(action);
        assertThat(button.name()).isEqualTo(action.wireName());
        assertThat(button.label()).isNotBlank();
        assertThat(button.noteRequired()).isEqualTo(action == OperatorAction.REJECT);
    }

    private static Set<OperatorAction> shown(ReleaseView release, ConsoleUser user) {
        return ActionButton.shown(release, user, "approver").stream()
                .map(ActionButton::action)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(OperatorAction.class)));
    }

    private static Set<OperatorAction> intersection(Set<OperatorAction> a, Set<OperatorAction> b) {
        Set<OperatorAction> both = EnumSet.noneOf(OperatorAction.class);
        both.addAll(a);
        both.retainAll(b);
        return both;
    }

    private static ReleaseView release(ReleaseStatus status, boolean paused) {
        return ReleaseView.of(Map.of(
                "id", "6b0e0000-0000-0000-0000-000000000001",
                "application", "shop",
                "environment", "prod",
                "status", status.name(),
                "requestedBy", "alice",
                "paused", paused));
    }
}
