package io.relops.deploy.release;

import io.relops.deploy.catalog.DeployCatalog;
import io.relops.deploy.targets.DeploymentFailedException;
import io.relops.deploy.targets.DeploymentTarget;
import io.relops.deploy.targets.GuardedTargets;
import io.relops.deploy.targets.TargetContext;
import io.relops.deploy.targets.Traffic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * On start, brings every live version back where deploy-service left it, for targets whose
 * workloads do not outlive deploy-service (the local process target): the live versions are started
 * and routed again, and every other slot is known to be stopped. Kubernetes and webhook workloads
 * keep running on their own and are left alone.
 */
@Component
class LiveVersionReconciler implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(LiveVersionReconciler.class);

    private final ReleaseRepository releases;
    private final DeployCatalog catalog;
    private final GuardedTargets targets;

    LiveVersionReconciler(ReleaseRepository releases, DeployCatalog catalog, GuardedTargets targets) {
        this.releases = releases;
        this.catalog = catalog;
        this.targets = targets;
    }

    @Override
    public void run(ApplicationArguments args) {
        for (LiveVersion live : releases.allLive()) {
            catalog.application(live.application(), live.environment()).ifPresent(spec -> {
                var context = new TargetContext(null, live.application(), live.environment(), spec);
                try {
                    DeploymentTarget target = targets.of(context);
                    if (target.outlivesDeployService()) {
                        return;
                    }
                    for (String slot : target.slots(context)) {
                        releases.slotStopped(live.application(), live.environment(), slot);
                    }
                    String endpoint = target.deploy(context, live.slot(), live.version());
                    target.route(context, Traffic.all(live.slot(), endpoint));
                    releases.slot(live.application(), live.environment(), live.slot(), live.version(), endpoint, true);
                    log.info(
                            "restored {} {} in {} on slot {}",
                            live.application(),
                            live.version(),
                            live.environment(),
                            live.slot());
                } catch (DeploymentFailedException e) {
                    log.warn(
                            "could not restore {} {} in {}: {}",
                            live.application(),
                            live.version(),
                            live.environment(),
                            e.getMessage());
                }
            });
        }
    }
}
