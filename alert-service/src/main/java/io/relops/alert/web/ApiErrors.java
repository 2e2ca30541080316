package io.relops.alert.web;

import io.relops.platform.web.ProblemResponses;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Every API error as {@code application/problem+json} that names what is wrong ({@link
 * ProblemResponses}: field-named validation errors, malformed JSON), plus alert-service's own: an
 * invalid value for a field, something that does not exist. No stack traces, no internals.
 */
@RestControllerAdvice
class ApiErrors extends ProblemResponses {

    @ExceptionHandler(InvalidRequest.class)
    ResponseEntity<ProblemDetail> invalid(InvalidRequest e) {
        return invalidField(e.field(), String.valueOf(e.getMessage()));
    }

    @ExceptionHandler(NotFound.class)
    ResponseEntity<ProblemDetail> notFound(NotFound e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        problem.setTitle("Not found");
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(problem);
    }
}
