package io.relops.gateway.web;

import io.relops.common.codec.InvalidEventException;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every API error as {@code application/problem+json} that names what is wrong: the field and the
 * rule for invalid input, the parse error for malformed JSON. No stack traces, no internals.
 */
@RestControllerAdvice
class ApiErrors extends ResponseEntityExceptionHandler {

    @ExceptionHandler(InvalidRequest.class)
    ResponseEntity<ProblemDetail> invalid(InvalidRequest e) {
        return badRequest(
                e.field() + ": " + e.getMessage(), List.of(Map.of("field", e.field(), "message", e.getMessage())));
    }

    /** A CloudEvent that is not a valid relops event ({@code POST /api/events}): the codec names the problem. */
    @ExceptionHandler(InvalidEventException.class)
    ResponseEntity<ProblemDetail> invalidEvent(InvalidEventException e) {
        ProblemDetail problem =
                ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, String.valueOf(e.getMessage()));
        problem.setTitle("Invalid event");
        return ResponseEntity.badRequest().body(problem);
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = e.getBindingResult().getFieldErrors().stream()
                .map(f -> Map.of("field", f.getField(), "message", String.valueOf(f.getDefaultMessage())))
                .toList();
        String detail = String.join(
                "; ",
                errors.stream()
                        .map(m -> m.get("field") + ": " + m.get("message"))
                        .toList());
        return ResponseEntity.badRequest().body(problem(detail, errors));
    }

    /** A query parameter or path variable that breaks its constraint: named, with the rule it broke. */
    @Override
    protected @Nullable ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = e.getParameterValidationResults().stream()
                .flatMap(result -> result.getResolvableErrors().stream()
                        .map(error -> Map.of(
                                "field",
                                String.valueOf(result.getMethodParameter().getParameterName()),
                                "message",
                                String.valueOf(error.getDefaultMessage()))))
                .toList();
        String detail = String.join(
                "; ",
                errors.stream()
                        .map(m -> m.get("field") + ": " + m.get("message"))
                        .toList());
        return ResponseEntity.badRequest().body(problem(detail, errors));
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Throwable cause = e.getMostSpecificCause();
        String why = cause instanceof tools.jackson.core.JacksonException jackson
                ? jackson.getOriginalMessage()
                : "the body is missing or is not JSON";
        return ResponseEntity.badRequest().body(problem("malformed JSON request body: " + why, List.of()));
    }

    private static ResponseEntity<ProblemDetail> badRequest(String detail, List<Map<String, String>> errors) {
        return ResponseEntity.badRequest().body(problem(detail, errors));
    }

    private static ProblemDetail problem(String detail, List<Map<String, String>> errors) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        problem.setTitle("Invalid request");
        if (!errors.isEmpty()) {
            problem.setProperty("errors", errors);
        }
        return problem;
    }
}
