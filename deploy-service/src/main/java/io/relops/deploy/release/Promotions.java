package io.relops.deploy.release;

import io.relops.deploy.catalog.DeployCatalog;
import io.relops.deploy.catalog.DeployCatalog.PromotionSpec;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Reads what {@link Promotion} decides by: the environment's rule (catalog) and the source environment's releases. */
@Component
class Promotions {

    private final DeployCatalog catalog;
    private final ReleaseRepository releases;

    Promotions(DeployCatalog catalog, ReleaseRepository releases) {
        this.catalog = catalog;
        this.releases = releases;
    }

    /** The environment's promotion rule, if it has one. */
    Optional<PromotionSpec> rule(String application, String environment) {
        return catalog.application(application).flatMap(app -> app.promotion(environment));
    }

    /** Whether {@code version} may be released to {@code environment} now; empty when it has no promotion rule. */
    Optional<Promotion> check(String application, String environment, String version) {
        return rule(application, environment).map(rule -> check(application, environment, rule, version));
    }

    Promotion check(String application, String environment, PromotionSpec rule, String version) {
        Promotion.Evidence evidence = new Promotion.Evidence(
                releases.completed(application, rule.from(), version).orElse(null),
                releases.rolledBack(application, rule.from(), version).orElse(null),
                releases.rollbackUnsettled(application, rule.from(), version).orElse(null));
        return Promotion.check(application, environment, rule, version, evidence, OffsetDateTime.now());
    }
}
