package io.relops.alert.lifecycle;

import io.relops.alert.routing.AlertingProperties;
import io.relops.platform.web.InvalidRequest;
import io.relops.platform.web.NotFound;
import java.security.Principal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/alerts}: list alerts (by state and application), push alerts (Alertmanager's v2 alert
 * shape, or an Alertmanager webhook payload version 4 at {@code /alertmanager}), acknowledge one (as the
 * authenticated caller, recorded as {@code io.relops.alert.acknowledged}).
 */
@RestController
@RequestMapping("/api/alerts")
class AlertController {

    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Logger log = LoggerFactory.getLogger(AlertController.class);
    private static final int MAX_COMMENT_LENGTH = 4_000;
    private static final OffsetDateTime ZERO_TIME_LIMIT = OffsetDateTime.parse("1970-01-02T00:00:00Z");

    private final AlertStore alerts;
    private final AlertIntake intake;
    private final TransactionTemplate tx;
    private final AlertingProperties properties;
    private final Acknowledgements acknowledgements;

    AlertController(
            AlertStore alerts,
            AlertIntake intake,
            TransactionTemplate tx,
            AlertingProperties properties,
            Acknowledgements acknowledgements) {
        this.alerts = alerts;
        this.intake = intake;
        this.tx = tx;
        this.properties = properties;
        this.acknowledgements = acknowledgements;
    }

    /** An alert as the API shows it. */
    record AlertResource(
            UUID id,
            String fingerprint,
            String state,
            String application,
            String severity,
            Map<String, String> labels,
            Map<String, String> annotations,
            @Nullable UUID releaseId,
            OffsetDateTime startsAt,
            @Nullable OffsetDateTime endsAt,
            @Nullable OffsetDateTime resolvedAt,
            @Nullable String generatorURL,
            @Nullable String acknowledgedBy,
            @Nullable OffsetDateTime acknowledgedAt,
            @Nullable OffsetDateTime escalatedAt) {

        static AlertResource of(StoredAlert a) {
            return new AlertResource(
                    a.id(),
                    a.fingerprint(),
                    a.status(),
                    a.application(),
                    a.severity(),
                    a.labels(),
                    a.annotations(),
                    a.releaseId(),
                    a.startsAt(),
                    a.endsAt(),
                    a.resolvedAt(),
                    a.generatorUrl(),
                    a.acknowledgedBy(),
                    a.acknowledgedAt(),
                    a.escalatedAt());
        }
    }

    @GetMapping
    List<AlertResource> list(
            @RequestParam(required = false) @Nullable String state,
            @RequestParam(required = false) @Nullable String application,
            @RequestParam(defaultValue = "100") int limit) {
        if (state != null && !state.equals(StoredAlert.FIRING) && !state.equals(StoredAlert.RESOLVED)) {
            throw new InvalidRequest("state", "must be firing or resolved, not '" + state + "'");
        }
        if (limit < 1 || limit > 1000) {
            throw new InvalidRequest("limit", "must be between 1 and 1000");
        }
        return alerts.list(state, application, limit).stream()
                .map(AlertResource::of)
                .toList();
    }

    @GetMapping("/{fingerprint}")
    AlertResource one(@PathVariable String fingerprint) {
        return alerts.find(fingerprint).map(AlertResource::of).orElseThrow(() -> unknown(fingerprint));
    }

    /** Alertmanager API v2's postable alert. */
    record PostableAlert(
            @Nullable Map<String, String> labels,
            @Nullable Map<String, String> annotations,
            @Nullable OffsetDateTime startsAt,
            @Nullable OffsetDateTime endsAt,
            @Nullable String generatorURL) {}

    record Accepted(int accepted, int changed) {}

    @PostMapping
    Accepted push(@RequestBody @Nullable List<PostableAlert> body) {
        if (body == null || body.isEmpty()) {
            throw new InvalidRequest("alerts", "the body must be a non-empty JSON array of alerts");
        }
        OffsetDateTime now = OffsetDateTime.now();
        List<AlertSignal> signals = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) {
            PostableAlert a = body.get(i);
            String at = "[" + i + "]";
            if (a == null) {
                throw new InvalidRequest(at, "must be an alert object");
            }
            Map<String, String> labels = labels(a.labels(), at);
            OffsetDateTime startsAt = time(a.startsAt()) == null ? now : a.startsAt();
            OffsetDateTime endsAt = time(a.endsAt());
            if (endsAt != null && endsAt.isBefore(startsAt)) {
                throw new InvalidRequest(at + ".endsAt", "must not be before startsAt");
            }
            // Alertmanager's rule: an alert without endsAt resolves after resolve_timeout unless pushed again
            OffsetDateTime effectiveEnd = endsAt != null ? endsAt : now.plus(properties.resolveTimeout());
            signals.add(new AlertSignal(
                    labels,
                    annotations(a.annotations()),
                    true,
                    startsAt,
                    effectiveEnd,
                    releaseId(a.annotations()),
                    a.generatorURL(),
                    "api"));
        }
        return apply(signals);
    }

    /** The payload of Alertmanager's webhook_config (version 4). */
    record AlertmanagerPayload(
            @Nullable String version,
            @Nullable String groupKey,
            @Nullable Integer truncatedAlerts,
            @Nullable String status,
            @Nullable String receiver,
            @Nullable Map<String, String> groupLabels,
            @Nullable Map<String, String> commonLabels,
            @Nullable Map<String, String> commonAnnotations,
            @Nullable String externalURL,
            @Nullable List<WebhookAlert> alerts) {}

    record WebhookAlert(
            @Nullable String status,
            @Nullable Map<String, String> labels,
            @Nullable Map<String, String> annotations,
            @Nullable OffsetDateTime startsAt,
            @Nullable OffsetDateTime endsAt,
            @Nullable String generatorURL,
            @Nullable String fingerprint) {}

    @PostMapping("/alertmanager")
    Accepted alertmanager(@RequestBody @Nullable AlertmanagerPayload payload) {
        if (payload == null) {
            throw new InvalidRequest("body", "an Alertmanager webhook payload (version 4) is required");
        }
        if (!"4".equals(payload.version())) {
            throw new InvalidRequest(
                    "version", "must be \"4\" (Alertmanager webhook payload), not " + payload.version());
        }
        if (payload.alerts() == null || payload.alerts().isEmpty()) {
            throw new InvalidRequest("alerts", "must be a non-empty array");
        }
        OffsetDateTime now = OffsetDateTime.now();
        List<AlertSignal> signals = new ArrayList<>();
        for (int i = 0; i < payload.alerts().size(); i++) {
            WebhookAlert a = payload.alerts().get(i);
            String at = "alerts[" + i + "]";
            if (a == null) {
                throw new InvalidRequest(at, "must be an alert object");
            }
            if (!"firing".equals(a.status()) && !"resolved".equals(a.status())) {
                throw new InvalidRequest(at + ".status", "must be firing or resolved, not " + a.status());
            }
            Map<String, String> labels = labels(a.labels(), at);
            OffsetDateTime startsAt = time(a.startsAt()) == null ? now : a.startsAt();
            boolean firing = "firing".equals(a.status());
            OffsetDateTime endsAt = time(a.endsAt());
            signals.add(new AlertSignal(
                    labels,
                    annotations(a.annotations()),
                    firing,
                    firing ? startsAt : endsAt != null ? endsAt : now,
                    null,
                    releaseId(a.annotations()),
                    a.generatorURL(),
                    "alertmanager:" + (payload.externalURL() == null ? "" : payload.externalURL())));
        }
        return apply(signals);
    }

    /**
     * {@code by} is accepted for compatibility and ignored: who acknowledges is the authenticated caller, never a
     * name the request carries.
     */
    record Acknowledgement(@Nullable String by, @Nullable String comment) {}

    @PostMapping("/{fingerprint}/acknowledge")
    AlertResource acknowledge(
            @PathVariable String fingerprint,
            @RequestBody(required = false) @Nullable Acknowledgement ack,
            Principal caller) {
        String comment = ack == null ? null : ack.comment();
        if (comment != null && comment.length() > MAX_COMMENT_LENGTH) {
            throw new InvalidRequest(
                    "comment",
                    "has " + comment.length() + " characters; at most " + MAX_COMMENT_LENGTH + " are accepted");
        }
        if (ack != null && ack.by() != null && !ack.by().isBlank() && !ack.by().equals(caller.getName())) {
            log.info(
                    "alert {}: the acknowledgement's by names someone else and is ignored; recorded as {}",
                    fingerprint,
                    caller.getName());
        }
        if (!acknowledgements.acknowledge(fingerprint, caller.getName(), comment)) {
            throw unknown(fingerprint);
        }
        return one(fingerprint);
    }

    private Accepted apply(List<AlertSignal> signals) {
        Integer changed = tx.execute(s -> intake.apply(signals));
        return new Accepted(signals.size(), changed == null ? 0 : changed);
    }

    private static Map<String, String> labels(@Nullable Map<String, String> labels, String at) {
        if (labels == null || labels.isEmpty()) {
            throw new InvalidRequest(at + ".labels", "an alert needs labels, at least alertname");
        }
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (!LABEL_NAME.matcher(e.getKey()).matches()) {
                throw new InvalidRequest(at + ".labels", "'" + e.getKey() + "' is not a valid label name");
            }
            if (e.getValue() == null) {
                throw new InvalidRequest(at + ".labels." + e.getKey(), "must be a string");
            }
        }
        String name = labels.get("alertname");
        if (name == null || name.isBlank()) {
            throw new InvalidRequest(at + ".labels.alertname", "is required");
        }
        return labels;
    }

    private static Map<String, String> annotations(@Nullable Map<String, String> annotations) {
        return annotations == null ? Map.of() : annotations;
    }

    private static @Nullable UUID releaseId(@Nullable Map<String, String> annotations) {
        String value = annotations == null ? null : annotations.get("releaseId");
        if (value == null) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest("annotations.releaseId", "must be a UUID");
        }
    }

    /** Alertmanager writes "no time" as 0001-01-01T00:00:00Z. */
    private static @Nullable OffsetDateTime time(@Nullable OffsetDateTime value) {
        return value == null || value.isBefore(ZERO_TIME_LIMIT) ? null : value;
    }

    private static NotFound unknown(String fingerprint) {
        return new NotFound("no alert with fingerprint " + fingerprint);
    }
}
