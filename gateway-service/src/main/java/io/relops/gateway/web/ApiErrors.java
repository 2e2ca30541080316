package io.relops.gateway.web;

import io.relops.common.codec.InvalidEventException;
import io.relops.platform.web.ProblemResponses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientException;

/**
 * Every API error as {@code application/problem+json} that names what is wrong ({@link
 * ProblemResponses}: field-named validation errors, malformed JSON, a request that does not fit the catalog), plus
 * the gateway's own: an invalid CloudEvent, a backend that is down or did not finish its answer (503), failed,
 * refused the gateway's request unexpectedly or answered what the gateway cannot read (502). No
 * stack traces, no internals.
 */
@RestControllerAdvice
class ApiErrors extends ProblemResponses {

    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    /** A CloudEvent that is not a valid relops event ({@code POST /api/events}): the codec names the problem. */
    @ExceptionHandler(InvalidEventException.class)
    ResponseEntity<ProblemDetail> invalidEvent(InvalidEventException e) {
        ProblemDetail problem =
                ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, String.valueOf(e.getMessage()));
        problem.setTitle("Invalid event");
        return ResponseEntity.badRequest().body(problem);
    }

    /**
     * A service behind the gateway that does not answer (stopped, restarting, or too slow to finish its answer
     * within the read timeout: {@link UnansweredBackend}): 503 with {@code Retry-After}, never a 500. The detail
     * does not name the internal address.
     */
    @ExceptionHandler(ResourceAccessException.class)
    ResponseEntity<ProblemDetail> backendUnreachable(RestClientException e) {
        log.warn("a backend service is not reachable: {}", e.getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.SERVICE_UNAVAILABLE,
                "a relops service behind the gateway is not reachable right now; try again in a moment");
        problem.setTitle("Service unavailable");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "5")
                .body(problem);
    }

    /** A service behind the gateway that failed (5xx): 502, naming its status only. */
    @ExceptionHandler(HttpServerErrorException.class)
    ResponseEntity<ProblemDetail> backendFailed(HttpServerErrorException e) {
        log.warn("a backend service failed: {}", e.getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.BAD_GATEWAY,
                "a relops service behind the gateway failed ("
                        + e.getStatusCode().value() + ")");
        problem.setTitle("Bad gateway");
        return ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(problem);
    }

    /**
     * Any other failure of a backend call: a backend that stopped answering mid-body is unreachable (503, as above);
     * one whose answer the gateway cannot read is a bad gateway (502), never a 500.
     */
    @ExceptionHandler(RestClientException.class)
    ResponseEntity<ProblemDetail> backendCallFailed(RestClientException e) {
        if (UnansweredBackend.is(e)) {
            return backendUnreachable(e);
        }
        log.warn("a backend service's answer could not be read: {}", e.getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.BAD_GATEWAY, "a relops service behind the gateway gave an answer the gateway cannot read");
        problem.setTitle("Bad gateway");
        return ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(problem);
    }

    /**
     * A service behind the gateway that refused the gateway's own request with a 4xx the route does not expect
     * (the routes handle the ones they expect, such as 404 for an unknown id): the gateway's fault or the
     * backend's, never the caller's, so 502 naming the status only, not a 500.
     */
    @ExceptionHandler(HttpClientErrorException.class)
    ResponseEntity<ProblemDetail> backendRefused(HttpClientErrorException e) {
        log.warn("a backend service refused the gateway's request: {}", e.getStatusCode());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.BAD_GATEWAY,
                "a relops service behind the gateway refused the request ("
                        + e.getStatusCode().value() + ")");
        problem.setTitle("Bad gateway");
        return ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(problem);
    }
}
