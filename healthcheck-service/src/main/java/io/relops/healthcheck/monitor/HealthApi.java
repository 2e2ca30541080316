package io.relops.healthcheck.monitor;

import io.relops.common.event.ProbeResult;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The current health of every live application, as the monitors judge it. */
@RestController
@RequestMapping("/api/health/applications")
class HealthApi {

    private final LiveSlots liveSlots;
    private final MonitorStates states;

    HealthApi(LiveSlots liveSlots, MonitorStates states) {
        this.liveSlots = liveSlots;
        this.states = states;
    }

    /**
     * One live application: what serves it, its state (UNKNOWN until judged), the streaks that move
     * it, whether the post-release watch window runs, and the last round's evidence.
     */
    record ApplicationHealth(
            String application,
            String environment,
            String state,
            @Nullable UUID releaseId,
            String version,
            String slot,
            String endpoint,
            OffsetDateTime liveSince,
            @Nullable OffsetDateTime watchUntil,
            boolean inWatchWindow,
            int passingStreak,
            int failingStreak,
            @Nullable OffsetDateTime checkedAt,
            @Nullable OffsetDateTime stateSince,
            List<ProbeResult> lastResults) {}

    @GetMapping
    List<ApplicationHealth> applications() {
        Map<String, MonitorStates.Row> rows = states.all().stream()
                .collect(Collectors.toMap(r -> r.application() + "/" + r.environment(), Function.identity()));
        OffsetDateTime now = OffsetDateTime.now();
        return liveSlots.all().stream()
                .map(live -> {
                    MonitorStates.Row row = rows.get(live.key());
                    if (row != null && !row.endpoint().equals(live.endpoint())) {
                        row = null; // judged another slot: not judged yet
                    }
                    HealthState state = row == null ? HealthState.unknown(0) : row.state();
                    return new ApplicationHealth(
                            live.application(),
                            live.environment(),
                            state.status().name(),
                            live.releaseId(),
                            live.version(),
                            live.slot(),
                            live.endpoint(),
                            live.since(),
                            live.watchUntil(),
                            live.watched(now),
                            state.passingStreak(),
                            state.failingStreak(),
                            row == null ? null : row.checkedAt(),
                            row == null ? null : row.changedAt(),
                            row == null ? List.of() : row.lastResults());
                })
                .toList();
    }

    @GetMapping("/{application}")
    ResponseEntity<?> application(@PathVariable String application) {
        List<ApplicationHealth> found = applications().stream()
                .filter(health -> health.application().equals(application))
                .toList();
        if (found.isEmpty()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND)
                    .body(ProblemDetail.forStatusAndDetail(
                            HttpStatus.NOT_FOUND,
                            "application '" + application + "' has no live slot known to healthcheck"));
        }
        return ResponseEntity.ok(found);
    }
}
