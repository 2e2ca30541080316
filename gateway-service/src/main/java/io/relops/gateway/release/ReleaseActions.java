package io.relops.gateway.release;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.relops.common.event.EventData;
import io.relops.common.event.EventType;
import io.relops.common.event.ReleaseAbortRequested;
import io.relops.common.event.ReleaseApproved;
import io.relops.common.event.ReleasePromotionRequested;
import io.relops.common.event.ReleaseRejected;
import io.relops.common.event.RelopsEvent;
import io.relops.common.event.RollbackRequested;
import io.relops.common.release.OperatorAction;
import io.relops.common.release.ReleaseStatus;
import io.relops.gateway.events.EventSigner;
import io.relops.gateway.events.RequestEvents;
import io.relops.platform.web.InvalidRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Operator actions on a release ({@link OperatorAction}): approve, reject, promote, abort, rollback,
 * each at {@code POST /api/releases/{id}/<wireName>}. Each is checked against the release's state by
 * {@link ReleaseStatus#allowedActions()} (a clear {@code 409} instead of an event that would be
 * ignored), published as its {@link OperatorAction#eventType()} with the caller as actor, so that it is
 * audited, and answered {@code 202}. An emergency
 * rollback completes in one call: it answers {@code 200} with the release once deploy-service has
 * rolled it back.
 */
@RestController
@RequestMapping("/api/releases/{id}")
public class ReleaseActions {

    private static final Set<ReleaseStatus> ROLLBACK_ENDS = Set.of(ReleaseStatus.ROLLED_BACK, ReleaseStatus.FAILED);

    private final RequestEvents publisher;
    private final Backends backends;
    private final GatewayCatalog catalog;
    private final EventSigner signer;
    private final Duration emergencyWait;

    ReleaseActions(RequestEvents publisher, Backends backends, GatewayCatalog catalog, EventSigner signer) {
        this.publisher = publisher;
        this.signer = signer;
        this.catalog = catalog;
        this.backends = backends;
        this.emergencyWait = Duration.ofSeconds(30);
    }

    public record Approval(@Nullable @Size(max = 1000) String comment) {}

    public record Rejection(@NotBlank @Size(max = 1000) String reason) {}

    public record Reason(@Nullable @Size(max = 1000) String reason) {}

    public record Rollback(
            @Nullable @Size(max = 1000) String reason,
            @Nullable Boolean emergency) {}

    @PostMapping("/approve")
    public ResponseEntity<Map<String, Object>> approve(
            @PathVariable UUID id, @Valid @RequestBody(required = false) @Nullable Approval body, Authentication user) {
        Map<String, Object> release = requireStatus(id, OperatorAction.APPROVE);
        requireApproverRole(release, user, OperatorAction.APPROVE);
        if (user.getName().equals(release.get("requestedBy"))) {
            throw new ResponseStatusException(
                    HttpStatus.FORBIDDEN,
                    user.getName() + " requested release " + id + " and may not approve it (four-eyes)");
        }
        return accepted(
                id,
                OperatorAction.APPROVE,
                new ReleaseApproved(id, application(release), user.getName(), comment(body)),
                user);
    }

    @PostMapping("/reject")
    public ResponseEntity<Map<String, Object>> reject(
            @PathVariable UUID id, @Valid @RequestBody @Nullable Rejection body, Authentication user) {
        if (body == null) {
            throw new InvalidRequest("reason", "a rejection needs a reason");
        }
        Map<String, Object> release = requireStatus(id, OperatorAction.REJECT);
        requireApproverRole(release, user, OperatorAction.REJECT);
        return accepted(
                id,
                OperatorAction.REJECT,
                new ReleaseRejected(id, application(release), user.getName(), body.reason()),
                user);
    }

    @PostMapping("/promote")
    public ResponseEntity<Map<String, Object>> promote(@PathVariable UUID id, Authentication user) {
        Map<String, Object> release = requireStatus(id, OperatorAction.PROMOTE);
        // the status says a promotion may be allowed; whether the canary is paused, only deploy-service knows
        boolean paused = Boolean.TRUE.equals(release.get("paused"));
        if (!status(release)
                .map(s -> OperatorAction.PROMOTE.allowedIn(s, paused))
                .orElse(false)) {
            throw new ResponseStatusException(
                    HttpStatus.CONFLICT, "release " + id + " is not paused: nothing to promote");
        }
        return accepted(
                id,
                OperatorAction.PROMOTE,
                new ReleasePromotionRequested(id, application(release), user.getName()),
                user);
    }

    @PostMapping("/abort")
    public ResponseEntity<Map<String, Object>> abort(
            @PathVariable UUID id, @Valid @RequestBody(required = false) @Nullable Reason body, Authentication user) {
        Map<String, Object> release = requireStatus(id, OperatorAction.ABORT);
        return accepted(
                id,
                OperatorAction.ABORT,
                new ReleaseAbortRequested(
                        id, application(release), user.getName(), body == null ? null : body.reason()),
                user);
    }

    @PostMapping("/rollback")
    public ResponseEntity<Map<String, Object>> rollback(
            @PathVariable UUID id, @Valid @RequestBody(required = false) @Nullable Rollback body, Authentication user) {
        Map<String, Object> release = requireStatus(id, OperatorAction.ROLLBACK);
        boolean emergency = body != null && Boolean.TRUE.equals(body.emergency());
        EventData request = new RollbackRequested(
                id, application(release), user.getName(), body == null ? null : body.reason(), emergency);
        if (!emergency) {
            return accepted(id, OperatorAction.ROLLBACK, request, user);
        }
        publish(OperatorAction.ROLLBACK, request, user);
        Map<String, Object> after = awaitRollback(id);
        return ResponseEntity.ok(after);
    }

    private Map<String, Object> awaitRollback(UUID id) {
        long attempts = Math.max(1, emergencyWait.toMillis() / 100);
        Retry wait = Retry.of(
                "emergency-rollback-" + id,
                RetryConfig.<Map<String, Object>>custom()
                        .maxAttempts((int) attempts)
                        .intervalFunction(IntervalFunction.of(Duration.ofMillis(100)))
                        .retryOnResult(release ->
                                status(release).filter(ROLLBACK_ENDS::contains).isEmpty())
                        .build());
        Map<String, Object> release = wait.executeSupplier(() -> release(id));
        String status = String.valueOf(release.get("status"));
        if (status(release).orElse(null) != ReleaseStatus.ROLLED_BACK) {
            throw new ResponseStatusException(
                    HttpStatus.GATEWAY_TIMEOUT,
                    "the emergency rollback of release " + id + " did not finish within " + emergencyWait.toSeconds()
                            + " s (release is " + status
                            + (release.get("reason") == null ? "" : ": " + release.get("reason"))
                            + "); it goes on in deploy-service");
        }
        return release;
    }

    private ResponseEntity<Map<String, Object>> accepted(
            UUID id, OperatorAction action, EventData data, Authentication user) {
        publish(action, data, user);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("releaseId", id);
        body.put("action", action.wireName());
        body.put("url", "/api/releases/" + id);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(body);
    }

    private Map<String, Object> release(UUID id) {
        return backends.release(id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no release " + id));
    }

    /** Publishes the action's event, signed for the caller ({@link EventSigner}): consumers act on nothing else. */
    private void publish(OperatorAction action, EventData data, Authentication user) {
        if (EventType.of(data) != action.eventType()) {
            throw new IllegalStateException(
                    action + " publishes " + action.eventType().typeName() + ", not "
                            + EventType.of(data).typeName());
        }
        RelopsEvent<EventData> event = RelopsEvent.of(ReleaseController.SOURCE, data);
        publisher.publish(event, signer.sign(event, user));
    }

    /** The release, if its status allows {@code action} ({@link ReleaseStatus#allowedActions()}); else 409. */
    private Map<String, Object> requireStatus(UUID id, OperatorAction action) {
        Map<String, Object> release = release(id);
        if (!status(release).map(action::allowedIn).orElse(false)) {
            throw new ResponseStatusException(
                    HttpStatus.CONFLICT,
                    "cannot " + action.verb() + " release " + id + ": it is " + release.get("status"));
        }
        return release;
    }

    /** The release's status; none when deploy-service answers one this build does not know. */
    private static Optional<ReleaseStatus> status(Map<String, Object> release) {
        return ReleaseStatus.of(String.valueOf(release.get("status")));
    }

    /** The catalog names the role that approves releases to each environment; admins may too. */
    private void requireApproverRole(Map<String, Object> release, Authentication user, OperatorAction action) {
        String role = catalog.application(application(release))
                .map(app -> app.approverRole(String.valueOf(release.get("environment"))))
                .orElse("approver");
        boolean allowed = user.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .anyMatch(a -> a.equals("ROLE_ADMIN") || a.equals("ROLE_" + role.toUpperCase(Locale.ROOT)));
        if (!allowed) {
            throw new ResponseStatusException(
                    HttpStatus.FORBIDDEN,
                    "releases of " + application(release) + " to " + release.get("environment") + " need the role '"
                            + role + "' to " + action.verb());
        }
    }

    private static String application(Map<String, Object> release) {
        return String.valueOf(release.get("application"));
    }

    private static @Nullable String comment(@Nullable Approval body) {
        return body == null ? null : body.comment();
    }
}
