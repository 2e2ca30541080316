package io.relops.gateway.events;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.rw.CloudEventRWException;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.InvalidEventException;
import io.relops.common.event.BackupRequested;
import io.relops.common.event.EventData;
import io.relops.common.event.EventType;
import io.relops.common.event.ReleaseRequested;
import io.relops.common.event.RelopsEvent;
import io.relops.common.event.RestoreRequested;
import io.relops.common.security.EventAuthority;
import io.relops.gateway.release.GatewayCatalog;
import io.relops.gateway.release.PromotionGate;
import io.relops.platform.web.InvalidRequest;
import io.swagger.v3.oas.annotations.Parameter;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /api/events}: CloudEvents over HTTP (binary mode: {@code ce-*} headers and the data as
 * the body; structured mode: {@code Content-Type: application/cloudevents+json}) for producers that
 * cannot reach Kafka. Each event is decoded and validated by the one relops codec (type known, data
 * valid against its JSON Schema, subject = application, release id consistent), authorized for the
 * caller's role and type, checked like an API request (catalog, actor = caller; a {@code release.requested} to an
 * environment with a promotion rule passes the same {@link PromotionGate} as {@code POST /api/releases}), then
 * published to its channel's topic with {@code acks=all} before the answer {@code 202}. Anything wrong: {@code
 * 400}/{@code 403}/{@code 409} naming the problem ({@code 503} when the promotion cannot be checked), and nothing is
 * published.
 */
@RestController
class EventIngestion {

    private static final Logger log = LoggerFactory.getLogger(EventIngestion.class);

    /** The types a caller may send over HTTP, and the roles that may send each. */
    static final Map<EventType, Set<String>> PUBLISHERS = Map.of(
            EventType.RELEASE_REQUESTED, Set.of("ROLE_INGEST", "ROLE_OPERATOR", "ROLE_ADMIN"),
            EventType.BACKUP_REQUESTED, Set.of("ROLE_ADMIN"),
            EventType.RESTORE_REQUESTED, Set.of("ROLE_ADMIN"));

    /** {@code /relops/<service>}: the sources of relops' own services, which no producer may claim. */
    private static final String RESERVED_SOURCE = CloudEventCodec.sourceOf("").toString();

    private final RequestEvents publisher;
    private final GatewayCatalog catalog;
    private final EventSigner signer;
    private final PromotionGate promotions;

    EventIngestion(RequestEvents publisher, GatewayCatalog catalog, EventSigner signer, PromotionGate promotions) {
        this.publisher = publisher;
        this.catalog = catalog;
        this.signer = signer;
        this.promotions = promotions;
    }

    @PostMapping("/api/events")
    ResponseEntity<Map<String, Object>> ingest(
            // the CloudEvent's ce-* headers, described in docs/gateway-api.md (not a parameter a client fills in)
            @Parameter(hidden = true) @RequestHeader HttpHeaders headers,
            @RequestBody(required = false) byte @Nullable [] body,
            Authentication user) {
        RelopsEvent<?> event = CloudEventCodec.fromCloudEvent(read(headers, body));
        authorize(event, user);
        check(event);
        // A type that carries authority (of those accepted here: restore.requested) is signed for the caller, with
        // the caller's roles; any relopssig attributes the caller sent were dropped when the event was decoded.
        publisher.publish(event, EventAuthority.requiresSignature(event.type()) ? signer.sign(event, user) : null);
        log.info(
                "accepted {} {} for {} from {} over HTTP",
                event.type().typeName(),
                event.id(),
                event.subject(),
                user.getName());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", event.id());
        answer.put("type", event.type().typeName());
        answer.put("subject", event.subject());
        ResponseEntity.BodyBuilder accepted = ResponseEntity.status(HttpStatus.ACCEPTED);
        if (event.data() instanceof ReleaseRequested release) {
            URI location = URI.create("/api/releases/" + release.releaseId());
            answer.put("releaseId", release.releaseId());
            answer.put("url", location.toString());
            accepted.location(location);
        }
        return accepted.body(answer);
    }

    private static CloudEvent read(HttpHeaders headers, byte @Nullable [] body) {
        try {
            return HttpMessageFactory.createReader(
                            each -> headers.forEach(
                                    (name, values) -> values.forEach(value -> each.accept(name, value))),
                            body == null ? new byte[0] : body)
                    .toEvent();
        } catch (CloudEventRWException
                | EventDeserializationException
                | IllegalStateException
                | IllegalArgumentException e) {
            throw new InvalidEventException("not a valid CloudEvent over HTTP: " + rootMessage(e), e);
        }
    }

    /**
     * Which types a role may send (see {@link #PUBLISHERS}); decisions and actions (approve, reject,
     * promote, abort, rollback) are refused here: they have their own endpoints, which check state, role and
     * four-eyes and sign the event, and facts
     * (deployment, health, backup results, ...) are produced by relops' services only.
     */
    private static void authorize(RelopsEvent<?> event, Authentication user) {
        Set<String> roles = PUBLISHERS.get(event.type());
        if (roles == null) {
            throw new ResponseStatusException(
                    HttpStatus.FORBIDDEN,
                    "events of type " + event.type().typeName() + " are not accepted over HTTP; accepted: "
                            + PUBLISHERS.keySet().stream()
                                    .map(EventType::typeName)
                                    .sorted()
                                    .collect(Collectors.joining(", ")));
        }
        boolean allowed = user.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .anyMatch(roles::contains);
        if (!allowed) {
            throw new ResponseStatusException(
                    HttpStatus.FORBIDDEN,
                    "your role may not publish " + event.type().typeName() + " (needs one of "
                            + roles.stream()
                                    .map(r -> r.substring("ROLE_".length()).toLowerCase(java.util.Locale.ROOT))
                                    .sorted()
                                    .toList()
                            + ")");
        }
        String actor = actor(event.data());
        if (actor != null && !actor.equals(user.getName())) {
            throw new ResponseStatusException(
                    HttpStatus.FORBIDDEN,
                    "requestedBy is '" + actor + "' but you are '" + user.getName()
                            + "': an event may only be published in the caller's own name");
        }
        if (event.source().toString().startsWith(RESERVED_SOURCE)) {
            throw new ResponseStatusException(
                    HttpStatus.FORBIDDEN,
                    "source " + event.source() + " is reserved for relops' own services; use your own URI");
        }
    }

    /**
     * The same checks as an API request: a UUID event id, an application and environment of the catalog, and for a
     * release request the environment's promotion rule.
     */
    private void check(RelopsEvent<?> event) {
        try {
            UUID.fromString(event.id());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest("id", "the CloudEvents id '" + event.id() + "' is not a UUID");
        }
        GatewayCatalog.Application application = catalog.application(event.subject())
                .orElseThrow(() ->
                        new InvalidRequest("subject", "'" + event.subject() + "' is not in the application catalog"));
        if (event.data() instanceof ReleaseRequested release && !application.hasEnvironment(release.environment())) {
            throw new InvalidRequest(
                    "data.environment",
                    "application '" + release.application() + "' has no environment '" + release.environment() + "'");
        }
        if (event.data() instanceof ReleaseRequested release) { // 409 when the version may not go there (yet)
            promotions.require(application, release.application(), release.environment(), release.version());
        }
    }

    private static @Nullable String actor(EventData data) {
        if (data instanceof ReleaseRequested release) {
            return release.requestedBy();
        }
        if (data instanceof BackupRequested backup) {
            return backup.requestedBy();
        }
        if (data instanceof RestoreRequested restore) {
            return restore.requestedBy();
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() != null ? cause.getMessage() : e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
