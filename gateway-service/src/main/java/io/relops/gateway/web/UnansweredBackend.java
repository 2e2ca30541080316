package io.relops.gateway.web;

import java.io.IOException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientException;

/**
 * Whether a backend call failed because the service behind the gateway did not answer: it was not reachable
 * ({@link ResourceAccessException}), or it stopped answering while its body was read (a read timeout or a dropped
 * connection mid-body, which the {@code RestClient} reports as a plain {@link RestClientException} caused by an
 * {@link IOException}). Either is a 503 with {@code Retry-After} for an API caller, never a 500.
 */
public final class UnansweredBackend {

    private UnansweredBackend() {}

    public static boolean is(Throwable e) {
        if (e instanceof ResourceAccessException) {
            return true;
        }
        if (!(e instanceof RestClientException)) {
            return false;
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
