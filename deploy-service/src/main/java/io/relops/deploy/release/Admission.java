package io.relops.deploy.release;

import io.relops.common.event.DeploymentFailed;
import io.relops.common.event.ReleaseRequested;
import io.relops.common.release.ReleaseStatus;
import io.relops.common.release.Strategy;
import io.relops.deploy.catalog.DeployCatalog.ApplicationSpec;
import io.relops.deploy.release.Decision.Effect;
import io.relops.deploy.release.Decision.Emission;
import io.relops.deploy.release.Decision.Purpose;
import io.relops.deploy.release.Decision.ReleaseOutcome;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Whether a requested release may start (pure): the application and environment must be in the catalog, the
 * strategy known, the version promotable when the environment requires another first ({@link Promotion}: refused as
 * {@code REJECTED}, the other refusals end {@code FAILED}), and no other release of the application and environment
 * in progress — unless the request supersedes it. An admitted promotion records its source release ({@code
 * promotedFrom}).
 */
record Admission(
        Strategy strategy,
        @Nullable String refusal,
        ReleaseStatus refusedAs,
        @Nullable Release supersedes,
        @Nullable UUID promotedFrom) {

    /**
     * @param promotion the promotion check of the request's version when its environment has a {@code promotion}
     *     rule, else null
     */
    static Admission of(
            ReleaseRequested request,
            Optional<ApplicationSpec> spec,
            Optional<Release> running,
            @Nullable Promotion promotion) {
        String strategyName = request.strategy() != null
                ? request.strategy()
                : spec.map(ApplicationSpec::strategy).orElse(Strategy.BLUE_GREEN.wireName());
        Optional<Strategy> strategy = Strategy.of(strategyName);
        Strategy chosen = strategy.orElse(Strategy.BLUE_GREEN);
        if (spec.isEmpty()) {
            return refused(chosen, "application '" + request.application() + "' is not in the catalog");
        }
        if (!spec.get().hasEnvironment(request.environment())) {
            return refused(
                    chosen,
                    "application '" + request.application() + "' has no environment '" + request.environment()
                            + "' in the catalog");
        }
        if (strategy.isEmpty()) {
            return refused(chosen, "unknown strategy '" + strategyName + "' (blue-green or canary)");
        }
        if (promotion != null && !promotion.ready()) {
            return new Admission(chosen, promotion.reason(), ReleaseStatus.REJECTED, null, null);
        }
        UUID source = promotion == null ? null : promotion.source();
        if (running.isPresent() && Boolean.TRUE.equals(request.supersede())) {
            return new Admission(chosen, null, ReleaseStatus.FAILED, running.get(), source);
        }
        if (running.isPresent()) {
            Release other = running.get();
            return refused(
                    chosen,
                    "release " + other.id() + " of " + request.application() + " (" + other.version()
                            + ") is already in progress in " + request.environment() + " (" + other.status()
                            + "); abort it, or ask with \"supersede\": true to replace it");
        }
        return new Admission(chosen, null, ReleaseStatus.FAILED, null, source);
    }

    private static Admission refused(Strategy strategy, String refusal) {
        return new Admission(strategy, refusal, ReleaseStatus.FAILED, null, null);
    }

    /** The first entry of the release's timeline. */
    String describe(ReleaseRequested request, Optional<LiveVersion> live) {
        if (refusal != null) {
            return "refused: " + refusal;
        }
        return "requested by " + request.requestedBy() + ": " + request.application() + " " + request.version()
                + " to " + request.environment() + " (" + strategy.wireName()
                + live.map(l -> ", replacing " + l.version()).orElse(", first release")
                + (promotedFrom == null ? "" : ", promoted from release " + promotedFrom) + ")";
    }

    String supersedeReason(ReleaseRequested request) {
        return "superseded by release " + request.releaseId() + " (" + request.version() + ", requested by "
                + request.requestedBy() + ")";
    }

    /** What a refused request, recorded as {@link #refusedAs}, emits. */
    Decision refused(Release release) {
        return new Decision(
                release,
                List.of(),
                List.of(new Emission(
                        Purpose.FAILED,
                        new DeploymentFailed(
                                release.id(),
                                release.application(),
                                release.environment(),
                                release.version(),
                                null,
                                String.valueOf(refusal),
                                refusedAs == ReleaseStatus.REJECTED ? Boolean.TRUE : null))),
                List.of(),
                List.of(new Effect.Outcome(ReleaseOutcome.REFUSED)),
                null);
    }
}
