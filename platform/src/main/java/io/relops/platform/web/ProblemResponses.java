package io.relops.platform.web;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The {@code application/problem+json} answers every relops HTTP API shares, named for what is wrong:
 * the field and the rule for invalid input (in {@code detail} and in {@code errors[]}), the parse
 * error for malformed JSON, a request that does not fit ({@link InvalidRequest}), something that does not
 * exist ({@link NotFound}). No stack traces, no internals. A service's {@code @RestControllerAdvice}
 * extends this and adds its own exceptions, e.g. with {@link #invalidField}.
 */
public abstract class ProblemResponses extends ResponseEntityExceptionHandler {

    @ExceptionHandler(InvalidRequest.class)
    ResponseEntity<ProblemDetail> invalidRequest(InvalidRequest e) {
        return invalidField(e.field(), String.valueOf(e.getMessage()));
    }

    @ExceptionHandler(NotFound.class)
    ResponseEntity<ProblemDetail> notFound(NotFound e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        problem.setTitle("Not found");
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(problem);
    }

    /** {@code 400} naming one field and what is wrong with it. */
    protected static ResponseEntity<ProblemDetail> invalidField(String field, String message) {
        return ResponseEntity.badRequest()
                .body(invalid(field + ": " + message, List.of(Map.of("field", field, "message", message))));
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = e.getBindingResult().getFieldErrors().stream()
                .map(f -> Map.of("field", f.getField(), "message", String.valueOf(f.getDefaultMessage())))
                .toList();
        return ResponseEntity.badRequest().body(invalid(errors));
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
        return ResponseEntity.badRequest().body(invalid(errors));
    }

    /** A path variable or query parameter of the wrong type, e.g. a release id that is not a UUID. */
    @Override
    protected @Nullable ResponseEntity<Object> handleTypeMismatch(
            TypeMismatchException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String field = e instanceof MethodArgumentTypeMismatchException argument
                ? argument.getName()
                : String.valueOf(e.getPropertyName());
        String message = "'" + e.getValue() + "' is not " + expected(e.getRequiredType());
        return ResponseEntity.badRequest()
                .body(invalid(field + ": " + message, List.of(Map.of("field", field, "message", message))));
    }

    private static String expected(@Nullable Class<?> type) {
        if (type == null) {
            return "valid here";
        }
        if (type == UUID.class) {
            return "a UUID";
        }
        if (type == Instant.class) {
            return "an ISO-8601 instant (e.g. 2026-11-22T10:00:00Z)";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.toString(type.getEnumConstants());
        }
        return "a valid " + type.getSimpleName();
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Throwable cause = e.getMostSpecificCause();
        String why = cause instanceof tools.jackson.core.JacksonException jackson
                ? withoutPackages(jackson.getOriginalMessage())
                : "the body is missing or is not JSON";
        return ResponseEntity.badRequest().body(invalid("malformed JSON request body: " + why, List.of()));
    }

    private static final Pattern QUALIFIED_NAME = Pattern.compile("\\b(?:[a-z_][\\w]*\\.)+([A-Z][\\w$]*)");

    /** The parser's words with each class named by its simple name: {@code String}, not {@code java.lang.String}. */
    static String withoutPackages(String message) {
        return QUALIFIED_NAME.matcher(message).replaceAll("$1").replace('$', '.');
    }

    private static ProblemDetail invalid(List<Map<String, String>> errors) {
        String detail = String.join(
                "; ",
                errors.stream()
                        .map(m -> m.get("field") + ": " + m.get("message"))
                        .toList());
        return invalid(detail, errors);
    }

    private static ProblemDetail invalid(String detail, List<Map<String, String>> errors) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        problem.setTitle("Invalid request");
        if (!errors.isEmpty()) {
            problem.setProperty("errors", errors);
        }
        return problem;
    }
}
