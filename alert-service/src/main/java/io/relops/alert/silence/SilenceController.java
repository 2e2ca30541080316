package io.relops.alert.silence;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.relops.alert.routing.Matcher;
import io.relops.platform.web.InvalidRequest;
import io.relops.platform.web.NotFound;
import java.security.Principal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/silences} in the JSON shape of Alertmanager's v2 silence API: {@code POST} creates (or,
 * with an {@code id}, updates) and answers {@code {"silenceID"}}; {@code GET} lists (optionally by
 * state) or shows one with {@code status.state} pending / active / expired; {@code DELETE} expires
 * it now (it stays listed as expired).
 *
 * <p>Who made a silence is the authenticated caller, always: Alertmanager's {@code createdBy} is still accepted
 * in the body (its clients send it) but ignored, so that nobody can silence alerts in someone else's name. A
 * silence ends at most {@code relops.alert.silence.max-duration} (default 30 days) from now.
 */
@RestController
@RequestMapping("/api/silences")
class SilenceController {

    private static final Logger log = LoggerFactory.getLogger(SilenceController.class);

    /** The most matchers one silence may have. */
    static final int MAX_MATCHERS = 100;

    private final SilenceStore silences;
    private final Silences changes;
    private final SilenceProperties properties;

    SilenceController(SilenceStore silences, Silences changes, SilenceProperties properties) {
        this.silences = silences;
        this.changes = changes;
        this.properties = properties;
    }

    record MatcherBody(
            @JsonProperty("name") @Nullable String name,
            @JsonProperty("value") @Nullable String value,
            @JsonProperty("isRegex") @Nullable Boolean isRegex,
            @JsonProperty("isEqual") @Nullable Boolean isEqual) {}

    record PostableSilence(
            @Nullable UUID id,
            @Nullable List<MatcherBody> matchers,
            @Nullable OffsetDateTime startsAt,
            @Nullable OffsetDateTime endsAt,
            @Nullable String createdBy,
            @Nullable String comment) {}

    record Status(String state) {}

    /** The longest comment accepted (the events' schema allows as much). */
    static final int MAX_COMMENT_LENGTH = 4_000;

    record GettableSilence(
            UUID id,
            Status status,
            OffsetDateTime updatedAt,
            List<Matcher> matchers,
            OffsetDateTime startsAt,
            OffsetDateTime endsAt,
            String createdBy,
            String comment) {

        static GettableSilence of(Silence s, OffsetDateTime now) {
            return new GettableSilence(
                    s.id(),
                    new Status(s.state(now)),
                    s.updatedAt(),
                    s.matchers(),
                    s.startsAt(),
                    s.endsAt(),
                    s.createdBy(),
                    s.comment());
        }
    }

    @PostMapping
    Map<String, UUID> create(@RequestBody @Nullable PostableSilence body, Principal caller) {
        if (body == null) {
            throw new InvalidRequest("body", "a silence is required");
        }
        if (body.matchers() == null || body.matchers().isEmpty()) {
            throw new InvalidRequest("matchers", "at least one matcher is required");
        }
        if (body.matchers().size() > MAX_MATCHERS) {
            throw new InvalidRequest(
                    "matchers",
                    "has " + body.matchers().size() + " matchers; at most " + MAX_MATCHERS + " are accepted");
        }
        List<Matcher> matchers = new ArrayList<>();
        for (int i = 0; i < body.matchers().size(); i++) {
            MatcherBody m = body.matchers().get(i);
            if (m == null || m.name() == null || m.value() == null) {
                throw new InvalidRequest("matchers[" + i + "]", "needs a name and a value");
            }
            try {
                matchers.add(new Matcher(
                        m.name(), m.value(), Boolean.TRUE.equals(m.isRegex()), !Boolean.FALSE.equals(m.isEqual())));
            } catch (IllegalArgumentException e) {
                throw new InvalidRequest("matchers[" + i + "]", e.getMessage());
            }
        }
        if (matchers.stream().allMatch(m -> m.matches(Map.of()))) {
            throw new InvalidRequest("matchers", "would match every alert (each matcher matches the empty label)");
        }
        if (body.startsAt() == null) {
            throw new InvalidRequest("startsAt", "is required");
        }
        if (body.endsAt() == null) {
            throw new InvalidRequest("endsAt", "is required");
        }
        if (!body.endsAt().isAfter(body.startsAt())) {
            throw new InvalidRequest("endsAt", "must be after startsAt");
        }
        OffsetDateTime now = OffsetDateTime.now();
        if (!body.endsAt().isAfter(now)) {
            throw new InvalidRequest("endsAt", "must be in the future");
        }
        if (body.endsAt().isAfter(now.plus(properties.maxDuration()))) {
            throw new InvalidRequest(
                    "endsAt",
                    "must be at most " + properties.maxDurationText()
                            + " from now (relops.alert.silence.max-duration); create a new silence when this one ends");
        }
        if (body.comment() == null || body.comment().isBlank()) {
            throw new InvalidRequest("comment", "is required");
        }
        if (body.comment().length() > MAX_COMMENT_LENGTH) {
            throw new InvalidRequest(
                    "comment",
                    "has " + body.comment().length() + " characters; at most " + MAX_COMMENT_LENGTH + " are accepted");
        }
        UUID id = body.id() == null ? UUID.randomUUID() : body.id();
        Optional<Silence> existing = body.id() == null ? Optional.empty() : silences.find(id);
        if (body.id() != null && existing.isEmpty()) {
            throw new NotFound("no silence " + id + " to update");
        }
        String actor = caller.getName();
        if (body.createdBy() != null
                && !body.createdBy().isBlank()
                && !body.createdBy().equals(actor)) {
            log.info("silence {}: the body's createdBy names someone else and is ignored; recorded as {}", id, actor);
        }
        changes.save(
                new Silence(
                        id,
                        List.copyOf(matchers),
                        body.startsAt(),
                        body.endsAt(),
                        existing.map(Silence::createdBy).orElse(actor),
                        body.comment(),
                        now),
                actor);
        return Map.of("silenceID", id);
    }

    @GetMapping
    List<GettableSilence> list(@RequestParam(required = false) @Nullable String state) {
        if (state != null && !List.of("pending", "active", "expired").contains(state)) {
            throw new InvalidRequest("state", "must be pending, active or expired");
        }
        OffsetDateTime now = OffsetDateTime.now();
        return silences.all().stream()
                .map(s -> GettableSilence.of(s, now))
                .filter(s -> state == null || state.equals(s.status().state()))
                .toList();
    }

    @GetMapping("/{id}")
    GettableSilence one(@PathVariable UUID id) {
        return silences.find(id)
                .map(s -> GettableSilence.of(s, OffsetDateTime.now()))
                .orElseThrow(() -> new NotFound("no silence " + id));
    }

    @DeleteMapping("/{id}")
    GettableSilence expire(@PathVariable UUID id, Principal caller) {
        if (!changes.expire(id, caller.getName())) {
            throw new NotFound("no silence " + id);
        }
        return one(id);
    }
}
