package io.relops.deploy.targets.kubernetes;

import io.relops.deploy.catalog.DeployCatalog;
import io.relops.deploy.catalog.DeployCatalog.ApplicationSpec;
import io.relops.deploy.catalog.DeployCatalog.CanaryStep;
import io.relops.deploy.catalog.DeployCatalog.KubernetesSpec;
import io.relops.deploy.catalog.DeployCatalog.KubernetesTraffic;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Once at start, a warning per application and environment whose kubernetes target splits a canary by replicas
 * ({@code traffic: service}): which weight each canary step of the catalog really gets and by how many points it is
 * off, and that {@code router.match} is not applied. The route call warns again at each approximate step.
 */
@Component
class ReplicaRatioWarnings {

    private static final Logger log = LoggerFactory.getLogger(ReplicaRatioWarnings.class);

    private final DeployCatalog catalog;

    ReplicaRatioWarnings(DeployCatalog catalog) {
        this.catalog = catalog;
    }

    @EventListener(ApplicationReadyEvent.class)
    void warn() {
        warnings().forEach(log::warn);
    }

    /** The warnings, one per application and environment that needs one (environments alike are said once). */
    List<String> warnings() {
        Set<String> warnings = new LinkedHashSet<>();
        catalog.all().keySet().forEach(application -> {
            Set<String> environments = catalog.environments(application);
            if (environments.isEmpty()) {
                catalog.application(application)
                        .map(spec -> warning(application, null, spec))
                        .filter(w -> !w.isEmpty())
                        .ifPresent(warnings::add);
            }
            for (String environment : environments) {
                catalog.application(application, environment)
                        .map(spec -> warning(application, environment, spec))
                        .filter(w -> !w.isEmpty())
                        .ifPresent(warnings::add);
            }
        });
        return new ArrayList<>(warnings);
    }

    private static String warning(String application, @Nullable String environment, ApplicationSpec spec) {
        if (spec.target() == null
                || !"kubernetes".equals(spec.target().type())
                || spec.target().kubernetes() == null
                || spec.target().kubernetes().traffic() != KubernetesTraffic.SERVICE) {
            return "";
        }
        KubernetesSpec kubernetes = spec.target().kubernetes();
        List<String> steps = new ArrayList<>();
        int worst = 0;
        for (CanaryStep step : spec.canary().stepsOrDefault()) {
            int asked = step.weight();
            int actual = asked <= 0 || asked >= 100 ? asked : actualWeight(kubernetes.replicas(), asked);
            worst = Math.max(worst, Math.abs(actual - asked));
            steps.add(asked + "% → " + actual + "%");
        }
        String where = application + (environment == null ? "" : " in " + environment);
        String text = where + ": target.kubernetes.traffic: service splits a canary by replicas ("
                + Math.max(kubernetes.replicas(), 2) + " pods): canary steps " + String.join(", ", steps)
                + " (up to " + worst + " points off); traffic: gateway-api or ingress-nginx give exact weights";
        if (spec.router().match() != null) {
            text += "; router.match is not applied (it needs gateway-api or ingress-nginx)";
        }
        return text;
    }

    private static int actualWeight(int replicas, int weight) {
        int[] split = KubernetesTarget.replicaSplit(replicas, weight);
        return Math.round(100f * split[1] / (split[0] + split[1]));
    }
}
