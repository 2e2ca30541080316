package io.relops.gateway.web;

import io.relops.common.codec.InvalidEventException;
import io.relops.platform.web.ProblemResponses;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Every API error as {@code application/problem+json} that names what is wrong ({@link
 * ProblemResponses}: field-named validation errors, malformed JSON), plus the gateway's own: a
 * request that does not fit the catalog, an invalid CloudEvent. No stack traces, no internals.
 */
@RestControllerAdvice
class ApiErrors extends ProblemResponses {

    @ExceptionHandler(InvalidRequest.class)
    ResponseEntity<ProblemDetail> invalid(InvalidRequest e) {
        return invalidField(e.field(), String.valueOf(e.getMessage()));
    }

    /** A CloudEvent that is not a valid relops event ({@code POST /api/events}): the codec names the problem. */
    @ExceptionHandler(InvalidEventException.class)
    ResponseEntity<ProblemDetail> invalidEvent(InvalidEventException e) {
        ProblemDetail problem =
                ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, String.valueOf(e.getMessage()));
        problem.setTitle("Invalid event");
        return ResponseEntity.badRequest().body(problem);
    }
}
