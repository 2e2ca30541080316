package io.relops.deploy.targets;

/**
 * A target's backend could not be reached or answered with a transient error (e.g. the Kubernetes
 * API server, a webhook endpoint): worth retrying, unlike a {@link DeploymentFailedException}.
 */
public class TargetUnavailableException extends RuntimeException {

    public TargetUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
