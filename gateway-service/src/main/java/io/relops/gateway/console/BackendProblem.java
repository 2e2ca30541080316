package io.relops.gateway.console;

/** A backend answered with a problem, or did not answer: said in words on the page, never a stack trace. */
class BackendProblem extends RuntimeException {

    private final int status;

    BackendProblem(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
