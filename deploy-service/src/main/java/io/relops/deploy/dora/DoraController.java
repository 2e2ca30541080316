package io.relops.deploy.dora;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code GET /api/dora?application=&environment=&window=}: the four keys of one application and environment, or
 * of every pair with releases in the window. {@code window} is {@code 30d}, {@code 12h}, {@code P7D}, ...; the
 * default is {@code relops.dora.window}.
 */
@RestController
@RequestMapping("/api/dora")
class DoraController {

    private final DoraService dora;
    private final DoraSettings settings;

    DoraController(DoraService dora, DoraSettings settings) {
        this.dora = dora;
        this.settings = settings;
    }

    /**
     * The keys as the API answers them: durations in seconds, instants in ISO-8601.
     */
    record DoraReport(
            String application,
            String environment,
            Instant from,
            Instant to,
            long deployments,
            double deploymentsPerDay,
            @Nullable Double leadTimeSeconds,
            long changes,
            long failedChanges,
            @Nullable Double changeFailureRate,
            long restores,
            @Nullable Double timeToRestoreSeconds) {

        static DoraReport of(DoraKeys keys) {
            return new DoraReport(
                    keys.application(),
                    keys.environment(),
                    keys.from(),
                    keys.to(),
                    keys.deployments(),
                    keys.deploymentsPerDay(),
                    seconds(keys.leadTime()),
                    keys.changes(),
                    keys.failedChanges(),
                    keys.changeFailureRate(),
                    keys.restores(),
                    seconds(keys.timeToRestore()));
        }

        private static @Nullable Double seconds(@Nullable Duration duration) {
            return duration == null ? null : duration.toMillis() / 1000d;
        }
    }

    @GetMapping
    List<DoraReport> keys(
            @RequestParam(required = false) @Nullable String application,
            @RequestParam(required = false) @Nullable String environment,
            @RequestParam(required = false) @Nullable String window) {
        return dora.keys(blankToNull(application), blankToNull(environment), window(window)).stream()
                .map(DoraReport::of)
                .toList();
    }

    private Duration window(@Nullable String window) {
        if (window == null || window.isBlank()) {
            return settings.window();
        }
        Duration parsed;
        try {
            parsed = DurationStyle.detectAndParse(window.trim());
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(
                    HttpStatus.BAD_REQUEST, "window must be a duration such as 30d, 12h or P7D, was '" + window + "'");
        }
        if (parsed.isNegative() || parsed.isZero() || parsed.compareTo(settings.maxWindow()) > 0) {
            throw new ResponseStatusException(
                    HttpStatus.BAD_REQUEST, "window must be positive and at most " + settings.maxWindow());
        }
        return parsed;
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
