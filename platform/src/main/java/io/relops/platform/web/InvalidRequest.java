package io.relops.platform.web;

/** A well-formed request that refers to something that does not fit, e.g. an unknown application. */
public class InvalidRequest extends RuntimeException {

    private final String field;

    public InvalidRequest(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
