package io.relops.deploy.release;

import io.relops.deploy.catalog.DeployCatalog;
import io.relops.deploy.targets.DeploymentTarget;
import io.relops.deploy.targets.GuardedTargets;
import io.relops.deploy.targets.ProcessHost;
import io.relops.deploy.targets.TargetContext;
import io.relops.deploy.targets.Traffic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * When this instance becomes the {@link ProcessHost} (at start, or when it takes over from a host that died),
 * brings every live version back where deploy-service left it, for targets whose workloads do not outlive
 * deploy-service (the local process target): the live versions are started and routed again, and every other slot
 * is known to be stopped. Kubernetes and webhook workloads keep running on their own and are left alone.
 */
@Component
class LiveVersionReconciler {

    private static final Logger log = LoggerFactory.getLogger(LiveVersionReconciler.class);

    private final ReleaseRepository releases;
    private final DeployCatalog catalog;
    private final GuardedTargets targets;

    LiveVersionReconciler(ReleaseRepository releases, DeployCatalog catalog, GuardedTargets targets, ProcessHost host) {
        this.releases = releases;
        this.catalog = catalog;
        this.targets = targets;
        host.onBecameHost(this::restore);
    }

    void restore() {
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
                    targets.router(context).route(context, Traffic.all(live.slot(), endpoint));
                    releases.slot(live.application(), live.environment(), live.slot(), live.version(), endpoint, true);
                    log.info(
                            "restored {} {} in {} on slot {}",
                            live.application(),
                            live.version(),
                            live.environment(),
                            live.slot());
                } catch (RuntimeException e) {
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
