package io.relops.deploy.release;

import io.relops.common.release.ReleaseStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Releases as deploy-service knows them; the gateway serves them to operators. */
@RestController
@RequestMapping("/api/releases")
class ReleaseController {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final ReleaseRepository releases;
    private final JsonMapper json;

    ReleaseController(ReleaseRepository releases, JsonMapper json) {
        this.releases = releases;
        this.json = json;
    }

    /** The release with its {@code history}: every transition and refusal deploy-service recorded. */
    @GetMapping("/{id}")
    Map<String, Object> get(@PathVariable UUID id) {
        Release release = releases.find(id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no release " + id));
        Map<String, Object> body = new LinkedHashMap<>(json.convertValue(release, MAP));
        body.put("history", releases.history(id));
        return body;
    }

    @GetMapping
    List<Release> list(
            @RequestParam(required = false) @Nullable String application,
            @RequestParam(required = false) @Nullable String environment,
            @RequestParam(required = false) @Nullable ReleaseStatus status,
            @RequestParam(defaultValue = "50") int limit) {
        return releases.list(application, environment, status, Math.min(Math.max(limit, 1), 500));
    }
}
