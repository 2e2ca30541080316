package io.relops.gateway.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.relops.common.audit.Keys;
import io.relops.common.codec.EventSignature;
import io.relops.common.event.EventType;
import io.relops.common.event.ReleaseApproved;
import io.relops.common.event.RelopsEvent;
import io.relops.common.event.RollbackRequested;
import io.relops.common.release.OperatorAction;
import io.relops.common.release.ReleaseStatus;
import io.relops.common.security.EventAuthority;
import io.relops.gateway.events.EventSigner;
import io.relops.gateway.events.EventSigningSettings;
import io.relops.gateway.events.RequestEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mockito.ArgumentCaptor;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.server.ResponseStatusException;

class ReleaseActionsTest {

    private static final UUID ID = UUID.randomUUID();

    private final RequestEvents publisher = mock(RequestEvents.class);
    private final Backends backends = mock(Backends.class);
    private final GatewayCatalog catalog = new GatewayCatalog(Map.of(
            "shop",
            new GatewayCatalog.Application(Map.of(
                    "prod", new GatewayCatalog.Environment(new GatewayCatalog.Approval(true, "approver"), null)))));
    private final Path keyFile = keyFile();
    private final EventSigner signer = new EventSigner(new EventSigningSettings(keyFile, "test", true));
    private final ReleaseActions actions = new ReleaseActions(publisher, backends, catalog, signer);

    private static Path keyFile() {
        try {
            return Files.createTempDirectory("relops-gateway-test").resolve("event-signing-key.pem");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void refusesApprovalByTheRequester() {
        release("AWAITING_APPROVAL");
        assertThatThrownBy(() -> actions.approve(ID, null, user("alice", "ROLE_APPROVER")))
                .isInstanceOfSatisfying(ResponseStatusException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
                    assertThat(e.getReason()).contains("four-eyes");
                });
        verify(publisher, never()).publish(any(), any());
    }

    @Test
    void refusesApprovalWithoutTheEnvironmentsApproverRole() {
        release("AWAITING_APPROVAL");
        assertThatThrownBy(() -> actions.approve(ID, null, user("bob", "ROLE_OPERATOR")))
                .isInstanceOfSatisfying(
                        ResponseStatusException.class,
                        e -> assertThat(e.getReason()).contains("need the role 'approver'"));
        verify(publisher, never()).publish(any(), any());
    }

    @Test
    void publishesAnApprovalByAnotherApproverWithItsActorSignedWithTheCallersRoles() throws IOException {
        release("AWAITING_APPROVAL");
        var answer = actions.approve(ID, new ReleaseActions.Approval("ok"), user("bob", "ROLE_APPROVER"));
        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        ArgumentCaptor<RelopsEvent<?>> event = ArgumentCaptor.captor();
        ArgumentCaptor<EventSignature> signature = ArgumentCaptor.captor();
        verify(publisher).publish(event.capture(), signature.capture());
        assertThat(event.getValue().data()).isEqualTo(new ReleaseApproved(ID, "shop", "bob", "ok"));
        assertThat(signature.getValue().keyId()).isEqualTo("test");
        assertThat(signature.getValue().roles()).containsExactly("approver");
        String pem = Files.readString(keyFile);
        assertThat(EventAuthority.verifies(event.getValue(), signature.getValue(), Keys.readPublic(pem)))
                .isTrue();
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
        verify(publisher).publish(event.capture(), any());
        assertThat(event.getValue().data())
                .isEqualTo(new RollbackRequested(ID, "shop", "dave", "data corruption", true));
    }

    /** Every status and action: the common table decides, and an accepted action publishes its event. */
    @ParameterizedTest
    @EnumSource(ReleaseStatus.class)
    void eachActionIsAcceptedExactlyInTheStatusesThatAllowIt(ReleaseStatus status) {
        for (OperatorAction action : OperatorAction.values()) {
            Map<String, Object> release = state(status.name());
            release.put("paused", true);
            when(backends.release(ID)).thenReturn(Optional.of(release));
            org.mockito.Mockito.clearInvocations(publisher);
            if (action.allowedIn(status)) {
                var answer = act(action);
                assertThat(answer.getStatusCode())
                        .as("%s in %s", action, status)
                        .isEqualTo(HttpStatus.ACCEPTED);
                assertThat(answer.getBody()).containsEntry("action", action.wireName());
                ArgumentCaptor<RelopsEvent<?>> event = ArgumentCaptor.captor();
                verify(publisher).publish(event.capture(), any());
                assertThat(EventType.of(event.getValue().data())).isEqualTo(action.eventType());
            } else {
                assertThatThrownBy(() -> act(action))
                        .as("%s in %s", action, status)
                        .isInstanceOfSatisfying(ResponseStatusException.class, e -> {
                            assertThat(e.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
                            assertThat(e.getReason())
                                    .isEqualTo("cannot " + action.verb() + " release " + ID + ": it is " + status);
                        });
                verify(publisher, never()).publish(any(), any());
            }
        }
    }

    @Test
    void refusesAPromotionOfACanaryThatIsNotPaused() {
        release("PROMOTING");
        assertThatThrownBy(() -> actions.promote(ID, user("carol", "ROLE_OPERATOR")))
                .isInstanceOfSatisfying(ResponseStatusException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
                    assertThat(e.getReason()).contains("is not paused");
                });
        verify(publisher, never()).publish(any(), any());
    }

    @Test
    void refusesEveryActionOnAStatusThisBuildDoesNotKnow() {
        for (OperatorAction action : OperatorAction.values()) {
            release("SOMETHING_NEW");
            assertThatThrownBy(() -> act(action))
                    .isInstanceOfSatisfying(
                            ResponseStatusException.class,
                            e -> assertThat(e.getStatusCode()).isEqualTo(HttpStatus.CONFLICT));
        }
        verify(publisher, never()).publish(any(), any());
    }

    @ParameterizedTest
    @EnumSource(OperatorAction.class)
    void eachActionHasItsRoute(OperatorAction action) {
        assertThat(Arrays.stream(ReleaseActions.class.getDeclaredMethods())
                        .map(m -> m.getAnnotation(PostMapping.class))
                        .filter(Objects::nonNull)
                        .flatMap(m -> Arrays.stream(m.value())))
                .contains("/" + action.wireName());
    }

    private org.springframework.http.ResponseEntity<Map<String, Object>> act(OperatorAction action) {
        return switch (action) {
            case APPROVE -> actions.approve(ID, null, user("bob", "ROLE_APPROVER"));
            case REJECT -> actions.reject(ID, new ReleaseActions.Rejection("no"), user("bob", "ROLE_APPROVER"));
            case PROMOTE -> actions.promote(ID, user("carol", "ROLE_OPERATOR"));
            case ABORT -> actions.abort(ID, null, user("carol", "ROLE_OPERATOR"));
            case ROLLBACK -> actions.rollback(ID, null, user("carol", "ROLE_OPERATOR"));
        };
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
