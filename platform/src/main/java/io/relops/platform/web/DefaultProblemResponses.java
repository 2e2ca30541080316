package io.relops.platform.web;

import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The {@link ProblemResponses} of a service that declares none of its own (no {@code @RestControllerAdvice}
 * extending it): every error Spring MVC raises is {@code application/problem+json} named for what is wrong.
 */
@RestControllerAdvice
public class DefaultProblemResponses extends ProblemResponses {}
