package io.relops.deploy.release;

import io.relops.common.release.ReleaseStatus;
import io.relops.deploy.catalog.DeployCatalog;
import io.relops.deploy.catalog.DeployCatalog.ApplicationSpec;
import io.relops.deploy.catalog.DeployCatalog.PromotionSpec;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Applications at a glance: per environment of the catalog, the live version, the last release and, for an
 * environment with a promotion rule, whether what its source environment runs may go there now
 * (docs/deploy-service.md, "Promotion"). The gateway asks {@code …/promotion?version=} before it publishes a release.
 */
@RestController
@RequestMapping("/api/applications")
class ApplicationController {

    private final DeployCatalog catalog;
    private final ReleaseRepository releases;
    private final Promotions promotions;

    ApplicationController(DeployCatalog catalog, ReleaseRepository releases, Promotions promotions) {
        this.catalog = catalog;
        this.releases = releases;
        this.promotions = promotions;
    }

    @GetMapping
    List<ApplicationStatus> list() {
        return catalog.all().keySet().stream().sorted().map(this::status).toList();
    }

    @GetMapping("/{application}")
    ApplicationStatus get(@PathVariable String application) {
        known(application);
        return status(application);
    }

    /**
     * Whether {@code version} may be released to {@code environment} now: {@code ready} and, when not, what is missing
     * ({@code not-completed}, {@code rolled-back}, {@code rolling-back}, {@code rollback-failed}, {@code soak}); an
     * environment without a promotion rule is always
     * ready ({@code from} null).
     */
    @GetMapping("/{application}/environments/{environment}/promotion")
    PromotionCheck promotion(
            @PathVariable String application, @PathVariable String environment, @RequestParam String version) {
        ApplicationSpec app = known(application);
        if (!app.hasEnvironment(environment)) {
            throw new ResponseStatusException(
                    HttpStatus.NOT_FOUND, "application '" + application + "' has no environment '" + environment + "'");
        }
        boolean approval = app.approval(environment).required();
        return promotions
                .check(application, environment, version)
                .map(check -> PromotionCheck.of(check, approval))
                .orElseGet(() -> new PromotionCheck(
                        application,
                        environment,
                        null,
                        version,
                        true,
                        Promotion.Missing.NONE.wireName(),
                        environment + " has no promotion rule",
                        null,
                        null,
                        null,
                        approval));
    }

    private ApplicationSpec known(String application) {
        return catalog.application(application)
                .orElseThrow(() -> new ResponseStatusException(
                        HttpStatus.NOT_FOUND, "application '" + application + "' is not in the catalog"));
    }

    private ApplicationStatus status(String application) {
        ApplicationSpec app = known(application);
        Map<String, Release> last = releases.lastReleases(application).stream()
                .collect(Collectors.toMap(Release::environment, Function.identity()));
        Map<String, LiveVersion> live = new java.util.HashMap<>();
        releases.allLive().stream()
                .filter(l -> l.application().equals(application))
                .forEach(l -> live.put(l.environment(), l));
        List<EnvironmentStatus> environments = new ArrayList<>();
        if (app.environments() != null) {
            for (String environment : app.environments().keySet()) {
                Release release = last.get(environment);
                LiveVersion running = live.get(environment);
                boolean approval = app.approval(environment).required();
                PromotionStatus promotion = promotions
                        .rule(application, environment)
                        .map(rule -> promotion(application, environment, rule, live.get(rule.from()), approval))
                        .orElse(null);
                environments.add(new EnvironmentStatus(
                        environment,
                        running == null ? null : running.version(),
                        running == null ? null : running.releaseId(),
                        release == null ? null : LastRelease.of(release),
                        approval,
                        promotion));
            }
        }
        return new ApplicationStatus(application, environments);
    }

    private PromotionStatus promotion(
            String application,
            String environment,
            PromotionSpec rule,
            @Nullable LiveVersion candidate,
            boolean approval) {
        if (candidate == null) {
            return new PromotionStatus(
                    rule.from(),
                    null,
                    false,
                    Promotion.Missing.NOT_COMPLETED.wireName(),
                    rule.from() + " runs no version of " + application + " yet",
                    null,
                    null,
                    approval);
        }
        Promotion check = promotions.check(application, environment, rule, candidate.version());
        return new PromotionStatus(
                rule.from(),
                candidate.version(),
                check.ready(),
                check.missing().wireName(),
                check.reason(),
                iso(check.soakRemaining()),
                check.source(),
                approval);
    }

    private static @Nullable String iso(@Nullable Duration duration) {
        return duration == null ? null : duration.toString();
    }

    /** One application: its environments in catalog order. */
    record ApplicationStatus(String application, List<EnvironmentStatus> environments) {}

    /**
     * One environment: what runs there ({@code liveVersion}, from release {@code liveReleaseId}), its newest release,
     * whether releases to it need approval, and its promotion state when it has a promotion rule.
     */
    record EnvironmentStatus(
            String environment,
            @Nullable String liveVersion,
            @Nullable UUID liveReleaseId,
            @Nullable LastRelease lastRelease,
            boolean approvalRequired,
            @Nullable PromotionStatus promotion) {}

    /** The newest release of an environment; {@code finishedAt} is null while it is in progress. */
    record LastRelease(
            UUID releaseId,
            String version,
            ReleaseStatus status,
            @Nullable OffsetDateTime finishedAt,
            @Nullable String reason) {

        static LastRelease of(Release release) {
            return new LastRelease(
                    release.id(),
                    release.version(),
                    release.status(),
                    release.status().isTerminal() ? release.completedAt() : null,
                    release.reason());
        }
    }

    /**
     * Whether the source environment's live version ({@code candidateVersion}) may be promoted here now; {@code
     * soakRemaining} is an ISO-8601 duration ({@code PT41M12S}; {@code PT0S} once soaked; null when the version never
     * completed or was rolled back in {@code from}); {@code sourceRelease} is the release it would be promoted from.
     */
    record PromotionStatus(
            String from,
            @Nullable String candidateVersion,
            boolean ready,
            String missing,
            String reason,
            @Nullable String soakRemaining,
            @Nullable UUID sourceRelease,
            boolean approvalRequired) {}

    /** The answer of the promotion check of one version (see {@link PromotionStatus} for the fields). */
    record PromotionCheck(
            String application,
            String environment,
            @Nullable String from,
            String version,
            boolean ready,
            String missing,
            String reason,
            @Nullable String soakRemaining,
            @Nullable UUID sourceRelease,
            @Nullable OffsetDateTime completedAt,
            boolean approvalRequired) {

        static PromotionCheck of(Promotion check, boolean approval) {
            return new PromotionCheck(
                    check.application(),
                    check.environment(),
                    check.from(),
                    check.version(),
                    check.ready(),
                    check.missing().wireName(),
                    check.reason(),
                    iso(check.soakRemaining()),
                    check.source(),
                    check.completedAt(),
                    approval);
        }
    }
}
