package io.relops.deploy.release;

import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** Releases as deploy-service knows them; the gateway serves them to operators. */
@RestController
@RequestMapping("/api/releases")
class ReleaseController {

    private final ReleaseRepository releases;

    ReleaseController(ReleaseRepository releases) {
        this.releases = releases;
    }

    @GetMapping("/{id}")
    Release get(@PathVariable UUID id) {
        return releases.find(id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no release " + id));
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
