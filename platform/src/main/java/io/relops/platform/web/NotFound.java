package io.relops.platform.web;

/** The thing a request names does not exist (answered 404 problem+json). */
public class NotFound extends RuntimeException {

    public NotFound(String message) {
        super(message);
    }
}
