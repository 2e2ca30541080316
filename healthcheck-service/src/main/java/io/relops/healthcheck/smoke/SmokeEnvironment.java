package io.relops.healthcheck.smoke;

import io.relops.healthcheck.verification.GateRun;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The variables every smoke test is given (a command's environment, each container of a Job): {@code
 * RELOPS_ENDPOINT}, {@code RELOPS_VERSION}, {@code RELOPS_SLOT}, {@code RELOPS_APPLICATION}, {@code
 * RELOPS_ENVIRONMENT}, {@code RELOPS_RELEASE_ID}, and at a canary step {@code RELOPS_STEP} and {@code RELOPS_WEIGHT}.
 */
final class SmokeEnvironment {

    private SmokeEnvironment() {}

    static Map<String, String> of(GateRun run) {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("RELOPS_ENDPOINT", run.endpoint());
        variables.put("RELOPS_VERSION", run.version() == null ? "" : run.version());
        variables.put("RELOPS_SLOT", run.slot() == null ? "" : run.slot());
        variables.put("RELOPS_APPLICATION", run.application());
        variables.put("RELOPS_ENVIRONMENT", run.environment());
        variables.put(
                "RELOPS_RELEASE_ID",
                run.releaseId() == null ? "" : run.releaseId().toString());
        if (run.step() != null) {
            variables.put("RELOPS_STEP", run.step().toString());
            variables.put("RELOPS_WEIGHT", String.valueOf(run.weight()));
        }
        return variables;
    }
}
