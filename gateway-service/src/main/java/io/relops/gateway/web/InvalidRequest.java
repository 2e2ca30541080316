package io.relops.gateway.web;

/**
 * {@link io.relops.platform.web.InvalidRequest} under its former name, for the release and console code that still
 * imports it (their owner switches the imports; then this class goes).
 */
public class InvalidRequest extends io.relops.platform.web.InvalidRequest {

    public InvalidRequest(String field, String message) {
        super(field, message);
    }
}
