package io.relops.cli;

/** A call to the gateway that did not succeed: the one line to show, and the exit code it means. */
final class GatewayException extends RuntimeException {

    private final int exitCode;

    GatewayException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
