package io.relops.gateway.console;

import io.relops.gateway.web.UnansweredBackend;
import io.relops.platform.web.InvalidRequest;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.client.RestClientResponseException;
import org.springframework.web.server.ResponseStatusException;

/** A failure said in words for a page: what went wrong, never a stack trace or internals. */
final class Problems {

    private Problems() {}

    static String describe(RuntimeException e) {
        if (e instanceof BackendProblem || e instanceof InvalidRequest) {
            return e instanceof InvalidRequest invalid ? invalid.field() + ": " + invalid.getMessage() : e.getMessage();
        }
        if (e instanceof ResponseStatusException status && status.getReason() != null) {
            return status.getReason();
        }
        if (e instanceof ErrorResponseException response && response.getBody().getDetail() != null) {
            return response.getBody().getDetail();
        }
        if (e instanceof RestClientResponseException response) {
            return "a backend service answered " + response.getStatusCode().value();
        }
        if (UnansweredBackend.is(e)) {
            return "a backend service is not reachable right now; try again in a moment";
        }
        return "something went wrong (see the gateway log)";
    }

    static int status(RuntimeException e) {
        if (e instanceof BackendProblem problem) {
            return problem.status();
        }
        if (e instanceof InvalidRequest) {
            return 400;
        }
        if (e instanceof ErrorResponseException response) {
            return response.getStatusCode().value();
        }
        if (e instanceof RestClientResponseException response) {
            return response.getStatusCode().value() == 404 ? 404 : 502;
        }
        if (UnansweredBackend.is(e)) {
            return 503;
        }
        return 500;
    }
}
