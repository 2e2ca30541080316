package io.relops.gateway.release;

import io.relops.common.codec.CloudEventCodec;
import io.relops.common.event.EventType;
import io.relops.common.event.ReleaseRequested;
import io.relops.common.event.RelopsEvent;
import io.relops.common.release.ReleaseStatus;
import io.relops.gateway.events.RequestEvents;
import io.relops.platform.web.InvalidRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Releases: {@code POST} validates, authorizes, checks the environment's promotion rule with deploy-service
 * ({@link PromotionGate}: 409 when refused) and publishes {@code release.requested}, answering
 * {@code 202} once the broker has the event; {@code GET} answers the release's state (deploy-service)
 * and its timeline (audit-service).
 */
@RestController
@RequestMapping("/api/releases")
public class ReleaseController {

    static final URI SOURCE = CloudEventCodec.sourceOf("gateway");
    private static final String NAME = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

    private final GatewayCatalog catalog;
    private final RequestEvents publisher;
    private final Backends backends;
    private final PromotionGate promotions;

    ReleaseController(GatewayCatalog catalog, RequestEvents publisher, Backends backends, PromotionGate promotions) {
        this.catalog = catalog;
        this.publisher = publisher;
        this.backends = backends;
        this.promotions = promotions;
    }

    @PostMapping
    public ResponseEntity<Map<String, Object>> request(
            @Valid @RequestBody ReleaseRequest request, Authentication user) {
        GatewayCatalog.Application application = catalog.application(request.application())
                .orElseThrow(() -> new InvalidRequest(
                        "application", "'" + request.application() + "' is not in the application catalog"));
        if (!application.hasEnvironment(request.environment())) {
            throw new InvalidRequest(
                    "environment",
                    "application '" + request.application() + "' has no environment '" + request.environment() + "'");
        }
        promotions.require(application, request); // 409 when the version may not go there (yet), 503 unknown
        UUID releaseId = UUID.randomUUID();
        publisher.publish(RelopsEvent.of(
                SOURCE,
                new ReleaseRequested(
                        releaseId,
                        request.application(),
                        request.version(),
                        request.environment(),
                        request.strategy(),
                        user.getName(),
                        request.commit(),
                        request.supersede())));
        URI location = URI.create("/api/releases/" + releaseId);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("releaseId", releaseId);
        body.put("status", ReleaseStatus.REQUESTED.name());
        body.put("application", request.application());
        body.put("version", request.version());
        body.put("environment", request.environment());
        body.put("url", location.toString());
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(location).body(body);
    }

    /** Releases, newest first: {@code ?application=&environment=&status=&limit=} (default 50, at most 500). */
    @GetMapping
    List<Map<String, Object>> list(
            @RequestParam(required = false) @Nullable @Pattern(regexp = NAME, message = "must be a catalog name")
                    String application,
            @RequestParam(required = false) @Nullable @Pattern(regexp = NAME, message = "must be a catalog name")
                    String environment,
            @RequestParam(required = false) @Nullable @StatusName String status,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
        return backends.releases(application, environment, status, limit).stream()
                .map(release -> {
                    Map<String, Object> entry = new LinkedHashMap<>(release);
                    entry.put("releaseId", entry.remove("id"));
                    return entry;
                })
                .toList();
    }

    @GetMapping("/{id}")
    public Map<String, Object> get(@PathVariable UUID id) {
        List<Map<String, Object>> timeline = backends.timeline(id).stream()
                .map(ReleaseController::timelineEntry)
                .toList();
        Map<String, Object> body = new LinkedHashMap<>();
        var release = backends.release(id);
        if (release.isPresent()) {
            body.putAll(release.get());
            body.put("releaseId", body.remove("id"));
        } else if (timeline.stream()
                .anyMatch(e -> EventType.RELEASE_REQUESTED.typeName().equals(e.get("type")))) {
            body.put("releaseId", id);
            body.put("status", ReleaseStatus.REQUESTED.name());
        } else {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no release " + id);
        }
        body.put("timeline", timeline);
        return body;
    }

    private static Map<String, Object> timelineEntry(Map<String, Object> record) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("time", record.get("time"));
        entry.put("type", record.get("type"));
        entry.put("source", record.get("source"));
        entry.put("id", record.get("id"));
        entry.put("data", record.get("data"));
        return entry;
    }
}
