package io.relops.deploy.release;

import io.relops.deploy.catalog.DeployCatalog;
import io.relops.deploy.target.DeploymentFailedException;
import io.relops.deploy.target.DeploymentTargets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * On start, brings every live version back where deploy-service left it: the local process target
 * does not outlive deploy-service, so after a restart the live versions are started and routed
 * again.
 */
@Component
class LiveVersionReconciler implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(LiveVersionReconciler.class);

    private final ReleaseRepository releases;
    private final DeployCatalog catalog;
    private final DeploymentTargets targets;

    LiveVersionReconciler(ReleaseRepository releases, DeployCatalog catalog, DeploymentTargets targets) {
        this.releases = releases;
        this.catalog = catalog;
        this.targets = targets;
    }

    @Override
    public void run(ApplicationArguments args) {
        for (LiveVersion live : releases.allLive()) {
            catalog.application(live.application()).ifPresent(spec -> {
                try {
                    var target = targets.of(live.application(), spec);
                    String endpoint = target.deploy(live.application(), spec, live.slot(), live.version());
                    target.routeAllTraffic(live.application(), spec, live.slot(), endpoint);
                    log.info("restored {} {} on slot {}", live.application(), live.version(), live.slot());
                } catch (DeploymentFailedException e) {
                    log.warn("could not restore {} {}: {}", live.application(), live.version(), e.getMessage());
                }
            });
        }
    }
}
