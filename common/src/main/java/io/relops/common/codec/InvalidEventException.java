package io.relops.common.codec;

/**
 * A record that is not a valid relops event: not a CloudEvent, a missing required attribute, an
 * unknown type, data that is not JSON or fails its schema. Never worth a retry: such a record goes
 * straight to the dead-letter topic with this message as the reason.
 */
public class InvalidEventException extends RuntimeException {

    public InvalidEventException(String message) {
        super(message);
    }

    public InvalidEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
