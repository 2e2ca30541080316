package io.relops.alert.silence;

import io.relops.alert.routing.Matcher;
import io.relops.platform.web.InvalidRequest;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.security.Principal;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Alertmanager's API v2 for silences ({@code amtool silence add|query|expire}): {@code /api/v2/silences} and
 * {@code /api/v2/silence/{id}}, the same silences, rules and events as {@link SilenceController} (which it calls),
 * with Alertmanager's paths, filter, order and empty answer to {@code DELETE}.
 */
@RestController
@RequestMapping("/api/v2")
class AlertmanagerSilenceApi {

    /** Alertmanager's order: active (the next to end first), pending (the next to start), expired (latest first). */
    private static final Comparator<SilenceController.GettableSilence> ORDER =
            Comparator.<SilenceController.GettableSilence>comparingInt(
                            s -> switch (s.status().state()) {
                                case "active" -> 0;
                                case "pending" -> 1;
                                default -> 2;
                            })
                    .thenComparing(s -> switch (s.status().state()) {
                        case "active" -> s.endsAt().toInstant().toEpochMilli();
                        case "pending" -> s.startsAt().toInstant().toEpochMilli();
                        default -> -s.endsAt().toInstant().toEpochMilli();
                    });

    private final SilenceController silences;

    AlertmanagerSilenceApi(SilenceController silences) {
        this.silences = silences;
    }

    @PostMapping("/silences")
    Map<String, UUID> postSilences(@RequestBody SilenceController.@Nullable PostableSilence body, Principal caller) {
        return silences.create(body, caller);
    }

    /**
     * Every silence (expired ones too, as Alertmanager keeps them); with {@code filter} (repeatable, read from the raw
     * {@code query} so that a value keeps its commas), those that have, for each filter matcher, a matcher of the same
     * name, operator and value.
     */
    @GetMapping("/silences")
    @Parameter(
            name = "filter",
            in = ParameterIn.QUERY,
            description = "Alertmanager's filter, repeatable: one matcher (e.g. alertname=\"Disk\") or a {...} list",
            array = @ArraySchema(schema = @Schema(type = "string")))
    List<SilenceController.GettableSilence> getSilences(
            @Parameter(hidden = true) @RequestParam MultiValueMap<String, String> query) {
        List<Matcher> wanted;
        try {
            wanted = Matcher.parseFilter(query.getOrDefault("filter", List.of()));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest("filter", e.getMessage());
        }
        return silences.list(null).stream()
                .filter(s -> s.matchers().containsAll(wanted))
                .sorted(ORDER)
                .toList();
    }

    @GetMapping("/silence/{id}")
    SilenceController.GettableSilence getSilence(@PathVariable UUID id) {
        return silences.one(id);
    }

    /** Expires the silence now; Alertmanager answers 200 with an empty body. */
    @DeleteMapping("/silence/{id}")
    ResponseEntity<Void> deleteSilence(@PathVariable UUID id, Principal caller) {
        silences.expire(id, caller);
        return ResponseEntity.ok().build();
    }
}
