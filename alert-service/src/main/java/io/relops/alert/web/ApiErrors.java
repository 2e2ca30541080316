package io.relops.alert.web;

import io.relops.platform.web.ProblemResponses;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Every API error as {@code application/problem+json} that names what is wrong: alert-service has no answers of its
 * own beyond the shared ones ({@link ProblemResponses}: field-named validation errors, malformed JSON, an invalid
 * value for a field, something that does not exist).
 */
@RestControllerAdvice
class ApiErrors extends ProblemResponses {}
