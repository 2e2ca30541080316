package io.relops.deploy.release;

import io.relops.deploy.catalog.DeployCatalog.ApplicationSpec;
import io.relops.deploy.catalog.DeployCatalog.ApprovalSpec;
import io.relops.deploy.catalog.DeployCatalog.CanaryStep;
import io.relops.deploy.catalog.DeployCatalog.DeadlineSpec;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the catalog says about one application and environment, as {@link ReleaseLifecycle} needs it: approval,
 * the backup gate, progress deadlines, canary steps, keep and drain times, the target's slots ({@code
 * targetProblem} says why there are none) and whether a deployed canary is reachable by the router's {@code match}
 * before any weight is shifted ({@code canaryPreview}).
 */
record Policy(
        ApprovalSpec approval,
        boolean backupBeforeDeploy,
        DeadlineSpec deadlines,
        List<CanaryStep> canarySteps,
        Duration watchWindow,
        Duration keepPrevious,
        Duration drain,
        List<String> slots,
        @Nullable String targetProblem,
        boolean canaryPreview) {

    /** The catalog's defaults, and {@code problem} as the reason nothing can be deployed. */
    static Policy missing(String problem) {
        return new Policy(
                new ApprovalSpec(false, "approver", Duration.ofHours(24)),
                false,
                new DeadlineSpec(
                        Duration.ofMinutes(10), Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofMinutes(5)),
                List.of(),
                Duration.ofMinutes(5),
                Duration.ofSeconds(60),
                Duration.ofSeconds(2),
                List.of(),
                problem,
                false);
    }

    static Policy of(ApplicationSpec app, String environment, List<String> slots, @Nullable String targetProblem) {
        return new Policy(
                app.approval(environment),
                app.backup().beforeDeploy(),
                app.progressDeadlines(),
                app.canary().stepsOrDefault(),
                app.health().watchWindow(),
                app.blueGreen().keepPrevious(),
                app.blueGreen().drain(),
                slots,
                targetProblem,
                app.router().match() != null);
    }
}
