package io.relops.gateway.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.relops.common.event.ReleaseApproved;
import io.relops.common.event.RelopsEvent;
import io.relops.common.event.RollbackRequested;
import io.relops.platform.events.EventPublisher;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.web.server.ResponseStatusException;

class ReleaseActionsTest {

    private static final UUID ID = UUID.randomUUID();

    private final EventPublisher publisher = mock(EventPublisher.class);
    private final Backends backends = mock(Backends.class);
    private final GatewayCatalog catalog = new GatewayCatalog(Map.of(
            "shop",
            new GatewayCatalog.Application(
                    Map.of("prod", new GatewayCatalog.Environment(new GatewayCatalog.Approval(true, "approver"))))));
    private final ReleaseActions actions = new ReleaseActions(publisher, backends, catalog);

    @Test
    void refusesApprovalByTheRequester() {
        release("AWAITING_APPROVAL");
        assertThatThrownBy(() -> actions.approve(ID, null, user("alice", "ROLE_APPROVER")))
                .isInstanceOfSatisfying(ResponseStatusException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
                    assertThat(e.getReason()).contains("four-eyes");
                });
        verify(publisher, never()).publish(any());
    }

    @Test
    void refusesApprovalWithoutTheEnvironmentsApproverRole() {
        release("AWAITING_APPROVAL");
        assertThatThrownBy(() -> actions.approve(ID, null, user("bob", "ROLE_OPERATOR")))
                .isInstanceOfSatisfying(
                        ResponseStatusException.class,
                        e -> assertThat(e.getReason()).contains("need the role 'approver'"));
        verify(publisher, never()).publish(any());
    }

    @Test
    void publishesAnApprovalByAnotherApproverWithItsActor() {
        release("AWAITING_APPROVAL");
        var answer = actions.approve(ID, new ReleaseActions.Approval("ok"), user("bob", "ROLE_APPROVER"));
        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        ArgumentCaptor<RelopsEvent<?>> event = ArgumentCaptor.captor();
        verify(publisher).publish(event.capture());
        assertThat(event.getValue().data()).isEqualTo(new ReleaseApproved(ID, "shop", "bob", "ok"));
    }

    @Test
    void refusesAnActionTheReleasesStateDoesNotAllow() {
        release("VERIFYING");
        assertThatThrownBy(() -> actions.promote(ID, user("carol", "ROLE_OPERATOR")))
                .isInstanceOfSatisfying(ResponseStatusException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
                    assertThat(e.getReason()).contains("cannot promote release " + ID + ": it is VERIFYING");
                });
    }

    @Test
    void answersAnEmergencyRollbackOnceTheReleaseIsRolledBack() {
        Map<String, Object> completed = state("COMPLETED");
        Map<String, Object> rollingBack = state("ROLLING_BACK");
        Map<String, Object> rolledBack = state("ROLLED_BACK");
        when(backends.release(ID))
                .thenReturn(Optional.of(completed))
                .thenReturn(Optional.of(completed))
                .thenReturn(Optional.of(rollingBack))
                .thenReturn(Optional.of(rolledBack));
        var answer = actions.rollback(
                ID, new ReleaseActions.Rollback("data corruption", true), user("dave", "ROLE_OPERATOR"));
        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(answer.getBody()).containsEntry("status", "ROLLED_BACK");
        ArgumentCaptor<RelopsEvent<?>> event = ArgumentCaptor.captor();
        verify(publisher).publish(event.capture());
        assertThat(event.getValue().data())
                .isEqualTo(new RollbackRequested(ID, "shop", "dave", "data corruption", true));
    }

    private void release(String status) {
        Map<String, Object> release = state(status);
        when(backends.release(ID)).thenReturn(Optional.of(release));
    }

    private static Map<String, Object> state(String status) {
        Map<String, Object> release = new HashMap<>();
        release.put("id", ID.toString());
        release.put("application", "shop");
        release.put("environment", "prod");
        release.put("status", status);
        release.put("requestedBy", "alice");
        release.put("paused", false);
        return release;
    }

    private static TestingAuthenticationToken user(String name, String role) {
        return new TestingAuthenticationToken(name, "n/a", role);
    }
}
