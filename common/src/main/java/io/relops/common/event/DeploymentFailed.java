package io.relops.common.event;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A deployment could not be carried out, or a release could not start; {@code reason} says why. {@code refused} is
 * true when the release was refused by its environment's promotion rule (it ended REJECTED, nothing deployed): a
 * refusal, recorded like a failure but not a failed deployment (alerting does not page on it); absent otherwise.
 */
public record DeploymentFailed(
        UUID releaseId,
        String application,
        String environment,
        String version,
        @Nullable String slot,
        String reason,
        @Nullable Boolean refused)
        implements EventData {}
