package io.relops.deploy.targets;

/** A deployment target could not do what it was asked; the message says why, for a person. */
public class DeploymentFailedException extends RuntimeException {

    public DeploymentFailedException(String message) {
        super(message);
    }

    public DeploymentFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
