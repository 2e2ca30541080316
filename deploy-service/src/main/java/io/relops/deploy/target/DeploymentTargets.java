package io.relops.deploy.target;

import io.relops.deploy.catalog.DeployCatalog.ApplicationSpec;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/** The deployment target of each application, by its catalog {@code target.type}. */
@Component
public class DeploymentTargets {

    private final Map<String, DeploymentTarget> byType;

    public DeploymentTargets(List<DeploymentTarget> targets) {
        this.byType = targets.stream().collect(Collectors.toMap(DeploymentTarget::type, Function.identity()));
    }

    public DeploymentTarget of(String application, ApplicationSpec spec) {
        String type = spec.target() == null ? "process" : spec.target().type();
        DeploymentTarget target = byType.get(type);
        if (target == null) {
            throw new DeploymentFailedException("application " + application + " uses deployment target '" + type
                    + "', which this deploy-service does not provide (available: " + byType.keySet() + ")");
        }
        return target;
    }
}
