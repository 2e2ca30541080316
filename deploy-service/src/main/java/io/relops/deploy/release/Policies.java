package io.relops.deploy.release;

import io.relops.deploy.catalog.DeployCatalog;
import io.relops.deploy.catalog.DeployCatalog.ApplicationSpec;
import io.relops.deploy.targets.DeploymentFailedException;
import io.relops.deploy.targets.GuardedTargets;
import io.relops.deploy.targets.TargetContext;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Reads the {@link Policy} of a release's application and environment from the catalog (the environment's effective
 * settings) and its target.
 */
@Component
class Policies {

    private final DeployCatalog catalog;
    private final GuardedTargets targets;

    Policies(DeployCatalog catalog, GuardedTargets targets) {
        this.catalog = catalog;
        this.targets = targets;
    }

    /** The effective settings of {@code name} in {@code environment} (the application's for an undeclared one). */
    Optional<ApplicationSpec> application(String name, String environment) {
        return catalog.application(name, environment);
    }

    /** The policy of a release; an application that has left the catalog gets the defaults and no target. */
    Policy of(Release release) {
        Optional<ApplicationSpec> found = catalog.application(release.application(), release.environment());
        if (found.isEmpty()) {
            return Policy.missing("application '" + release.application() + "' is no longer in the catalog");
        }
        ApplicationSpec app = found.get();
        TargetContext context = new TargetContext(release.id(), release.application(), release.environment(), app);
        try {
            return Policy.of(app, release.environment(), targets.of(context).slots(context), null);
        } catch (DeploymentFailedException e) {
            return Policy.of(app, release.environment(), List.of(), String.valueOf(e.getMessage()));
        }
    }
}
