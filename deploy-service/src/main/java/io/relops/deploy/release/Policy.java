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
 * the backup gate, progress deadlines, canary steps, keep and drain times, and the target's slots ({@code
 * targetProblem} says why there are none).
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
        @Nullable String targetProblem) {

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
                targetProblem);
    }
}
