package io.relops.gateway.release;

import io.relops.gateway.web.UnansweredBackend;
import java.net.URI;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.client.RestClientException;

/**
 * Before a release to an environment with a promotion rule (catalog {@code promotion.from}) is published, asks
 * deploy-service whether the version may go there (docs/deploy-service.md, "Promotion"): refused → {@code 409}
 * problem naming the environment, the version and what is missing; deploy-service unreachable → {@code 503}, and
 * nothing is published either way. Used for {@code POST /api/releases} and for a {@code release.requested} sent to
 * {@code POST /api/events}. deploy-service checks again when the request reaches it, and once more right before the
 * deploy starts.
 */
@Component
public class PromotionGate {

    private static final Logger log = LoggerFactory.getLogger(PromotionGate.class);

    private final Backends backends;

    PromotionGate(Backends backends) {
        this.backends = backends;
    }

    void require(GatewayCatalog.Application application, ReleaseRequest request) {
        require(application, request.application(), request.environment(), request.version());
    }

    /**
     * Whether {@code version} of {@code application} may be released to {@code environment}: returns when it may (or
     * the environment has no promotion rule), else throws the {@code 409} (refused) or {@code 503} (cannot tell).
     */
    public void require(
            GatewayCatalog.Application catalogEntry, String application, String environment, String version) {
        String from = catalogEntry.promotionFrom(environment).orElse(null);
        if (from == null) {
            return;
        }
        Map<String, Object> check;
        try {
            check = backends.promotion(application, environment, version);
        } catch (RestClientException e) {
            if (!UnansweredBackend.is(e)) {
                throw e;
            }
            log.warn(
                    "promotion check of {} {} to {} failed: deploy-service not reachable ({})",
                    application,
                    version,
                    environment,
                    e.getMessage());
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "deploy-service is not reachable, so whether " + application + " " + version
                            + " may go to " + environment + " (promotion from " + from
                            + ") cannot be checked; nothing was published, try again in a moment");
            problem.setTitle("Service unavailable");
            ErrorResponseException unavailable = new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE, problem, e);
            unavailable.getHeaders().set(HttpHeaders.RETRY_AFTER, "5");
            throw unavailable;
        }
        if (Boolean.TRUE.equals(check.get("ready"))) {
            return;
        }
        throw refused(application, environment, version, from, check);
    }

    private static ErrorResponseException refused(
            String application, String environment, String version, String from, Map<String, Object> check) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.CONFLICT,
                String.valueOf(check.getOrDefault(
                        "reason",
                        "promotion to " + environment + " refused: " + application + " " + version + " is not ready in "
                                + from)));
        problem.setTitle("Promotion refused");
        problem.setType(URI.create("https://relops.io/problems/promotion-refused"));
        problem.setProperty("application", application);
        problem.setProperty("environment", environment);
        problem.setProperty("version", version);
        problem.setProperty("from", from);
        problem.setProperty("missing", check.get("missing"));
        problem.setProperty("soakRemaining", check.get("soakRemaining"));
        log.info("release of {} {} to {} refused: {}", application, version, environment, problem.getDetail());
        return new ErrorResponseException(HttpStatus.CONFLICT, problem, null);
    }
}
